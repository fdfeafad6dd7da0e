#include <fcntl.h>
#include <io.h>

#include <cstdio>

#include "platform/terminal.h"
#include "platform/win32.h"

namespace adrestore::platform {
namespace {

HANDLE std_handle(int fd) {
  switch (fd) {
    case 0:
      return ::GetStdHandle(STD_INPUT_HANDLE);
    case 1:
      return ::GetStdHandle(STD_OUTPUT_HANDLE);
    case 2:
      return ::GetStdHandle(STD_ERROR_HANDLE);
    default:
      return nullptr;
  }
}

}  // namespace

bool is_terminal(int fd) {
  HANDLE h = std_handle(fd);
  DWORD mode = 0;
  if (h == nullptr || h == INVALID_HANDLE_VALUE || !::GetConsoleMode(h, &mode)) return false;
  if (fd == 0) return true;
  return (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

void prepare_console() {
  ::SetConsoleOutputCP(CP_UTF8);
  std::fflush(stdout);
  std::fflush(stderr);
  _setmode(_fileno(stdout), _O_BINARY);
  _setmode(_fileno(stderr), _O_BINARY);
  for (DWORD which : {STD_OUTPUT_HANDLE, STD_ERROR_HANDLE}) {
    HANDLE h = ::GetStdHandle(which);
    DWORD mode = 0;
    if (h != nullptr && h != INVALID_HANDLE_VALUE && ::GetConsoleMode(h, &mode)) {
      ::SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);  // fails on old consoles: no colours then
    }
  }
}

std::vector<std::string> utf8_arguments(int argc, wchar_t** argv) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(argc));
  for (int i = 0; i < argc; ++i) out.push_back(win32::to_utf8(argv[i]));
  return out;
}

}  // namespace adrestore::platform
