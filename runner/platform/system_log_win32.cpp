#include "platform/win32_api.h"  // <windows.h>: RegisterEventSourceW, ReportEventW

#include "platform/system_log.h"
#include "platform/win32.h"

namespace adrestore::platform {

void write_system_log(LogLevel level, const std::string& message) {
  // No message file is registered for the source: Event Viewer then shows the string as the
  // event's only insertion, after its note that the description is missing.
  auto text = win32::to_utf16(message);
  if (!text) return;
  HANDLE source = ::RegisterEventSourceW(nullptr, L"adrestore");
  if (source == nullptr) return;
  LPCWSTR strings[1] = {text->c_str()};
  const bool warning = level == LogLevel::warning;
  (void)::ReportEventW(source, warning ? EVENTLOG_WARNING_TYPE : EVENTLOG_INFORMATION_TYPE, 0, warning ? 2 : 1,
                       nullptr, 1, 0, strings, nullptr);
  ::DeregisterEventSource(source);
}

}  // namespace adrestore::platform
