// Would this backup set recover? The ESE consistency checks of backup.verify (and of
// `adrestore verify`): a set whose bytes match its manifest can still hold a database
// that AD DS cannot bring back, such as a dirty database without the logs it needs, or a
// log of another database. Read from the files' headers only (doc/ese-checks.md):
//
//   - the database header is valid (signature, checksum, format version, page size, state);
//   - every log header is valid, its generation is the one its name gives, its log signature
//     is the database's and its page size the database's;
//   - the logs' generations have no gap and run from the manifest's genLow to genHigh;
//   - a database in dirty shutdown finds every log from its required low to high in the set;
//   - the checkpoint, when the set has one, has the database's log signature and points at
//     a log the set holds.
//
// Cost: one read of k_ese_header_bytes per database, log and checkpoint file.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "backup/verify.h"
#include "base/winpath.h"
#include "host/disks.h"

namespace adrestore::backup {

inline constexpr std::size_t k_max_ese_problems = 50;  // then one "and N more" problem

// The problems of the set at `source` described by `manifest`. Files whose set_path_key is
// in `skip` already failed another check (missing, size, hash); their headers are not read,
// but their names still count for the generation checks.
std::vector<VerifyProblem> check_ese_set(host::Disks& disks, const WinPath& source, const Manifest& manifest,
                                         const std::set<std::string>& skip);

}  // namespace adrestore::backup
