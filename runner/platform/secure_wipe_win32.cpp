#include "platform/win32_api.h"  // <windows.h>: SecureZeroMemory

#include "platform/secure_wipe.h"

namespace adrestore::platform {

void secure_wipe(void* p, std::size_t n) {
  if (p != nullptr && n != 0) ::SecureZeroMemory(p, n);
}

}  // namespace adrestore::platform
