// The ese faults (faults.h, EseFault): a backup set whose bytes still match its manifest but
// that would not recover. The fault rewrites a file's ESE header (or removes a log) and then
// re-hashes the manifest, as whoever can write to the backup share could, so only the ESE
// checks of backup.verify (backup/ese_check.h) can catch it.
#pragma once

#include <string>

#include "base/status.h"
#include "platform/fs.h"
#include "sim/faults.h"

namespace adrestore::sim {

// Applies `fault` to the set at `set_dir` (a host path) through `fs`. On success `done`
// says what changed (for calls.log).
Status apply_ese_fault(platform::FileSystem& fs, const std::string& set_dir, const EseFault& fault, std::string& done);

}  // namespace adrestore::sim
