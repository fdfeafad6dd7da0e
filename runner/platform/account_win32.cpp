#include "platform/win32_api.h"  // <windows.h>: OpenProcessToken, GetTokenInformation, LookupAccountSidW

#include <vector>

#include "platform/account.h"
#include "platform/win32.h"

namespace adrestore::platform {

std::string current_account() {
  // The token's user, not %USERNAME%: the environment can say anything.
  HANDLE raw = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) return "unknown";
  win32::Handle token(raw);
  DWORD size = 0;
  (void)::GetTokenInformation(token.get(), TokenUser, nullptr, 0, &size);
  if (size == 0 || size > 65536) return "unknown";
  std::vector<unsigned char> info(size);
  if (!::GetTokenInformation(token.get(), TokenUser, info.data(), size, &size)) return "unknown";
  PSID sid = reinterpret_cast<TOKEN_USER*>(info.data())->User.Sid;
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_len = 256;
  DWORD domain_len = 256;
  SID_NAME_USE use{};
  if (!::LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use)) return "unknown";
  std::string out = win32::to_utf8(std::wstring_view(domain, domain_len));
  if (!out.empty()) out += "\\";
  return out + win32::to_utf8(std::wstring_view(name, name_len));
}

}  // namespace adrestore::platform
