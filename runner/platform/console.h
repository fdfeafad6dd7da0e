// What the process sets up at start so that text reaches the console intact, and the UTF-8
// view of Windows' UTF-16 arguments. console_posix.cpp and console_win32.cpp implement it;
// is_terminal() lives with the other terminal functions in platform/interrupt.h.
#pragma once

#include <string>
#include <vector>

namespace adrestore::platform {

// Called once at the start of main. POSIX: nothing. Windows: console output code page UTF-8,
// stdout/stderr in binary mode (output bytes are identical on every platform: "\n", not
// "\r\n"), and ANSI escape processing for colours where the console supports it.
void prepare_console();

#ifdef _WIN32
// The UTF-16 arguments of wmain as UTF-8 strings (what the rest of the program expects).
std::vector<std::string> utf8_arguments(int argc, wchar_t** argv);
#endif

}  // namespace adrestore::platform
