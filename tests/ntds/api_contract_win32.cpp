#include "platform/win32.h"  // <windows.h> first

#include "api_contract.h"

namespace adrestore::testing {

ScopedEnv::ScopedEnv(const std::string& name, const std::string& value) {
  m_name = *platform::win32::to_utf16(name);
  const DWORD need = ::GetEnvironmentVariableW(m_name.c_str(), nullptr, 0);
  if (need > 0) {
    std::wstring old(need, L'\0');
    const DWORD got = ::GetEnvironmentVariableW(m_name.c_str(), old.data(), need);
    old.resize(got < need ? got : 0);
    m_old = old;
  }
  auto wide = platform::win32::to_utf16(value);
  REQUIRE(wide.is_ok());
  ::SetEnvironmentVariableW(m_name.c_str(), wide->c_str());
}

ScopedEnv::~ScopedEnv() { ::SetEnvironmentVariableW(m_name.c_str(), m_old ? m_old->c_str() : nullptr); }

std::string standin_dll(const std::string& file_name) {
  wchar_t exe[MAX_PATH * 4];
  const DWORD n = ::GetModuleFileNameW(nullptr, exe, MAX_PATH * 4);
  std::wstring dir(exe, n);
  dir.erase(dir.find_last_of(L"\\/") + 1);
  return platform::win32::to_utf8(dir) + file_name;
}

namespace {

std::unique_ptr<ntds::Api> load_standin() {
  auto load = ntds::load_win32_api();
  REQUIRE_MESSAGE(load.is_ok(), load.status().message());
  REQUIRE(load->test_override);
  return std::move(load->api);
}

}  // namespace

Win32Contract::Win32Contract(const sim::WorldOptions& o)
    : sim(o),
      world_env("ADRESTORE_SIM_WORLD", sim.dir()),
      dll_env(ntds::k_ntdsbcli_dll_env, standin_dll("ntdsbcli_standin.dll")),
      backend(load_standin()) {}

}  // namespace adrestore::testing
