// Ctrl-C and termination requests become a flag the executor checks at safe points; the
// process is never killed mid-step by them (SIGINT/SIGTERM on POSIX, console control events
// on Windows).
#pragma once

#include <atomic>
#include <string>

namespace adrestore::platform {

// Installs the handlers once; later calls return the same flag.
std::atomic<bool>& install_interrupt_flag();

// Whether fd 0/1/2 is a terminal.
bool is_terminal(int fd);

// Reads a line from the terminal without echo (for a password prompt). Returns false when
// there is no terminal.
bool read_secret_line(const char* prompt, std::string& out);

// Ends the process at once, as a crash or a power cut would (the simulator's crash fault).
[[noreturn]] void die_now();

}  // namespace adrestore::platform
