// The account this process runs as, for the journal's run-started record and the report
// ("who ran it"): DOMAIN\user on Windows (from the process token, so a RunAs or a scheduled
// task's account is what is shown), the effective user's name elsewhere.
#pragma once

#include <string>

namespace adrestore::platform {

// Never fails: "uid N" (POSIX) or "unknown" when the name cannot be looked up.
std::string current_account();

}  // namespace adrestore::platform
