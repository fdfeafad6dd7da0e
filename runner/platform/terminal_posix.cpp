#include <unistd.h>

#include "platform/terminal.h"

namespace adrestore::platform {

bool is_terminal(int fd) { return ::isatty(fd) != 0; }

void prepare_console() {}

}  // namespace adrestore::platform
