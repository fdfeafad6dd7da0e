// The terminal the program talks to: is a stream a terminal (for colour and progress), and
// what the process must set up at start so that UTF-8 text reaches it intact.
// terminal_posix.cpp and terminal_win32.cpp implement it.
#pragma once

#include <string>
#include <vector>

namespace adrestore::platform {

// True when the standard stream `fd` (0, 1 or 2) is an interactive terminal that can show
// ANSI colours. On Windows: a console whose virtual-terminal processing is on (see
// prepare_console), never a pipe or a file.
bool is_terminal(int fd);

// Called once at the start of main. POSIX: nothing. Windows: console output code page UTF-8,
// stdout/stderr in binary mode (output bytes are identical on every platform: "\n", not
// "\r\n"), and ANSI escape processing for colours where the console supports it.
void prepare_console();

#ifdef _WIN32
// The UTF-16 arguments of wmain as UTF-8 strings (what the rest of the program expects).
std::vector<std::string> utf8_arguments(int argc, wchar_t** argv);
#endif

}  // namespace adrestore::platform
