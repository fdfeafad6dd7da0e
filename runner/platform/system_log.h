// One line to the machine's own log, outside the state directory: syslog(3) on POSIX
// (system_log_posix.cpp), the Windows Application event log on Windows
// (system_log_win32.cpp). Used to publish the journal's chain head after every step
// (doc/journal-format.md), so an edit of the state folder alone is caught later. Best
// effort: a log that cannot be written never stops a restore.
#pragma once

#include <string>

namespace adrestore::platform {

enum class LogLevel { info, warning };

// Source "adrestore": syslog facility user, ident "adrestore" with the pid; on Windows the
// event source "adrestore", event id 1 (info) or 2 (warning).
void write_system_log(LogLevel level, const std::string& message);

}  // namespace adrestore::platform
