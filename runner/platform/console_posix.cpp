#include "platform/console.h"

namespace adrestore::platform {

void prepare_console() {}  // POSIX terminals take UTF-8 bytes as they are

}  // namespace adrestore::platform
