// spec.backup.trust (plan-format.md, doc/backup-trust.md): the keys whose signatures a plan
// accepts. Each entry names a fingerprint, a public key file (NAME.pub, relative to the
// plan's folder, checked in next to it) or both, and optionally an expiry date.
#pragma once

#include <string>

#include "input/diagnostic.h"
#include "input/node.h"
#include "plan/model.h"

namespace adrestore::plan {

inline constexpr std::size_t k_max_trusted_keys = 16;

// The entries as written; fingerprint and expiry are checked here, key files are not read.
void convert_trust(const input::Node* backup, Plan& plan, input::Diagnostics& diags);

// Reads each keyFile (relative to the folder of `plan_path`), fills in its key, fingerprint
// and expiry (the earlier of the file's and the plan's), and reports an unreadable or
// malformed file, or one whose fingerprint differs from the entry's, at the entry.
void read_trust_key_files(Plan& plan, const std::string& plan_path, input::Diagnostics& diags);

}  // namespace adrestore::plan
