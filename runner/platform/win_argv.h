// Windows command lines, portable so they are tested everywhere. Windows passes a program one
// string, and the program's C runtime (or CommandLineToArgvW) splits it back into argv. These
// functions build that string so every argument comes back byte for byte, whatever it holds
// (spaces, quotes, trailing backslashes, empty strings, non-ASCII text), with no shell involved.
//
// The splitting rules (MSVC CRT since 2008, CommandLineToArgvW):
// - the program (argv[0]) runs to the first space or tab, or, when it starts with '"', to the
//   next '"'; backslashes are not special in it;
// - elsewhere, 2n backslashes before '"' give n backslashes and the '"' opens or closes a quoted
//   part; 2n+1 backslashes before '"' give n backslashes and a literal '"'; backslashes before
//   anything else are literal; space and tab separate arguments outside quoted parts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adrestore::platform {

// One argument (not the program), quoted only when it needs it.
std::string quote_windows_argument(std::string_view arg);

// The whole command line for CreateProcessW (UTF-8 here; converted to UTF-16 by the caller).
// Fails when the program holds a '"' (it cannot be written) or anything holds a NUL.
Result<std::string> build_windows_command_line(const std::vector<std::string>& argv);

// The inverse, by the rules above; what a program will see as its argv.
std::vector<std::string> parse_windows_command_line(std::string_view command_line);

// True for a program Windows would run through cmd.exe: a file name ending in .bat or .cmd,
// in any case, also with the trailing dots and spaces that Windows strips ("x.BAT. ").
bool is_batch_program(std::string_view program);

}  // namespace adrestore::platform
