#include "platform/win32_api.h"  // <windows.h>: SecureZeroMemory

#include "base/secure_wipe.h"

namespace adrestore {

void secure_wipe(void* p, std::size_t n) {
  if (p != nullptr && n != 0) ::SecureZeroMemory(p, n);
}

}  // namespace adrestore
