#include <syslog.h>

#include "platform/system_log.h"

namespace adrestore::platform {

void write_system_log(LogLevel level, const std::string& message) {
  // openlog each time: cheap, and nothing else in the process uses syslog to disturb it.
  ::openlog("adrestore", LOG_PID, LOG_USER);
  ::syslog(level == LogLevel::warning ? LOG_WARNING : LOG_NOTICE, "%s", message.c_str());
  ::closelog();
}

}  // namespace adrestore::platform
