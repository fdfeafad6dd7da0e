#include <cstring>

#include "platform/secure_wipe.h"

namespace adrestore::platform {

void secure_wipe(void* p, std::size_t n) {
  if (p != nullptr && n != 0) ::explicit_bzero(p, n);
}

}  // namespace adrestore::platform
