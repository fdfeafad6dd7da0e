// platform/interrupt.h on Windows: console control events instead of signals.
#include <cstdio>
#include <cstdlib>

#include "platform/interrupt.h"
#include "platform/win32.h"

namespace adrestore::platform {
namespace {

std::atomic<bool> g_interrupted{false};

// Runs on a thread of its own. Ctrl-C and Ctrl-Break are only noted: the executor stops at
// its next safe point. For close, logoff and shutdown Windows ends the process as soon as
// the handler returns (at the latest after about 5 s), so the handler waits most of that
// time to let the executor reach a safe point first.
BOOL WINAPI on_console_event(DWORD type) {
  g_interrupted.store(true);
  if (type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT) ::Sleep(4500);
  return TRUE;
}

}  // namespace

std::atomic<bool>& install_interrupt_flag() {
  static const bool installed = ::SetConsoleCtrlHandler(on_console_event, TRUE) != 0;
  (void)installed;
  return g_interrupted;
}

// A console, and for output one that shows ANSI colours (virtual-terminal processing, which
// prepare_console() turns on where the console supports it). Pipes and files are not.
bool is_terminal(int fd) {
  const DWORD which = fd == 0 ? STD_INPUT_HANDLE : fd == 1 ? STD_OUTPUT_HANDLE : fd == 2 ? STD_ERROR_HANDLE : 0;
  if (which == 0) return false;
  HANDLE h = ::GetStdHandle(which);
  DWORD mode = 0;
  if (h == nullptr || h == INVALID_HANDLE_VALUE || !::GetConsoleMode(h, &mode)) return false;
  return fd == 0 || (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

bool read_secret_line(const char* prompt, std::string& out) {
  HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
  DWORD old_mode = 0;
  if (in == nullptr || in == INVALID_HANDLE_VALUE || !::GetConsoleMode(in, &old_mode)) return false;
  std::fprintf(stderr, "%s", prompt);
  std::fflush(stderr);
  ::SetConsoleMode(in, (old_mode | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT) & ~static_cast<DWORD>(ENABLE_ECHO_INPUT));
  std::wstring line;
  wchar_t buf[256];
  DWORD got = 0;
  bool done = false;
  // ReadConsoleW: UTF-16 from the console whatever its code page is.
  while (!done && ::ReadConsoleW(in, buf, 256, &got, nullptr) && got > 0) {
    for (DWORD i = 0; i < got; ++i) {
      if (buf[i] == L'\r' || buf[i] == L'\n') {
        done = true;
        break;
      }
      line += buf[i];
    }
  }
  ::SetConsoleMode(in, old_mode);
  std::fprintf(stderr, "\n");
  out = win32::to_utf8(line);
  ::SecureZeroMemory(buf, sizeof buf);
  ::SecureZeroMemory(line.data(), line.size() * sizeof(wchar_t));
  return true;
}

void die_now() {
  ::TerminateProcess(::GetCurrentProcess(), 137);  // as abrupt as SIGKILL: no handlers, no flushing
  std::_Exit(137);
}

}  // namespace adrestore::platform
