// The exit codes of cli.md, the same for every command.
#pragma once

#include "base/status.h"

namespace adrestore::cli {

enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_invalid = 1,      // a plan or test file that does not validate; a failed plan test
  k_exit_usage = 2,        // bad flag, missing or unreadable file, not YAML at all
  k_exit_failed = 3,       // the restore failed safely
  k_exit_interrupted = 4,  // interrupted and resumable
  k_exit_refused = 5,      // lock held, journal from another plan, AD DS online, wrong host
};

int exit_code_for(Code code);

}  // namespace adrestore::cli
