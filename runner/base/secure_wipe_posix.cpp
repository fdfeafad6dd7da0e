#include <cstring>

#include "base/secure_wipe.h"

namespace adrestore {

void secure_wipe(void* p, std::size_t n) {
  if (p != nullptr && n != 0) ::explicit_bzero(p, n);
}

}  // namespace adrestore
