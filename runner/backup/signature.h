// The signature check of a backup set (doc/backup-trust.md): a plan with spec.backup.trust
// accepts a set only when <manifest>.sig (signature_file.h) holds a valid Ed25519 signature,
// by a trusted key that has not expired, of the manifest's exact bytes. The manifest records
// the DC, createdAt, every file's size and SHA-256 (and chunk hashes) and the expiry token,
// so signing its bytes covers all of them; the file hashes then cover the data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backup/manifest.h"
#include "backup/signature_file.h"
#include "backup/verify.h"
#include "base/status.h"
#include "host/disks.h"
#include "platform/key_files.h"

namespace adrestore::backup {

// The signature check of a set whose manifest `manifest` was read from
// <source>\<manifest_name>: the manifest's bytes are read again, and must both carry a
// valid signature and parse to `manifest`, so the set checked is the set signed. Returns
// the problems (unsigned_set, signature_file, untrusted_key, expired_key, bad_signature),
// or none. `signer` receives the fingerprint of the key that signed a good set.
std::vector<VerifyProblem> check_signature(host::Disks& disks, const WinPath& source, const std::string& manifest_name,
                                           const Manifest& manifest, const std::vector<platform::TrustedKey>& trust,
                                           std::int64_t now_unix, std::string* signer = nullptr);

}  // namespace adrestore::backup
