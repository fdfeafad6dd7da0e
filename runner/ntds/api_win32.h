// The win32 backend: ntds::Api over the real ntdsbcli.dll, loaded at run time (LoadLibraryW
// and GetProcAddress, so a machine without the DLL gets a clear error instead of a loader
// failure before main). Built only for Windows (api_win32.cpp).
//
// Which DLL: %SystemRoot%\System32\ntdsbcli.dll by its full path (never the search path, so
// a DLL planted next to adrestore.exe or in the working directory is not picked up). Tests
// name a stand-in with ADRESTORE_NTDSBCLI_DLL; that switch is honoured only in builds
// configured with ADRESTORE_TEST_DLL_OVERRIDE (on when the tests are built, off in the
// release preset), and refused with an error elsewhere rather than silently ignored.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "ntds/api.h"

namespace adrestore::ntds {

inline constexpr const char* k_ntdsbcli_dll_env = "ADRESTORE_NTDSBCLI_DLL";

struct Win32ApiLoad {
  std::unique_ptr<Api> api;
  std::string dll_path;       // the DLL that was loaded
  bool test_override = false;  // it came from ADRESTORE_NTDSBCLI_DLL
};

// Loads the DLL and resolves every W function the Api needs (Code::refused naming the DLL
// or the missing function when that fails).
Result<Win32ApiLoad> load_win32_api();

// The largest expiry token the backend accepts from DsBackupPrepareW (ours is 32 bytes; the
// real one's layout is unverified); a larger size is taken as a broken reply.
inline constexpr std::uint32_t k_max_expiry_token_bytes = 64 * 1024;

}  // namespace adrestore::ntds
