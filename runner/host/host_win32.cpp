// host::Host on the real machine (win32_host.h).
#include "platform/win32.h"  // <windows.h> first

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/text.h"
#include "host/win32_host.h"

namespace adrestore::host {
namespace {

namespace w32 = platform::win32;

std::optional<std::string> env_var(const wchar_t* name) {
  const DWORD need = ::GetEnvironmentVariableW(name, nullptr, 0);
  if (need == 0) return std::nullopt;
  std::wstring value(need, L'\0');
  const DWORD got = ::GetEnvironmentVariableW(name, value.data(), need);
  value.resize(got < need ? got : 0);
  return w32::to_utf8(value);
}

Result<std::string> computer_name(COMPUTER_NAME_FORMAT format) {
  DWORD n = 0;
  ::GetComputerNameExW(format, nullptr, &n);  // the size, including the NUL
  if (n == 0) return w32::error_status("cannot read", "the computer name", ::GetLastError());
  std::wstring name(n, L'\0');
  if (!::GetComputerNameExW(format, name.data(), &n)) {
    return w32::error_status("cannot read", "the computer name", ::GetLastError());
  }
  name.resize(n);
  return w32::to_utf8(name);
}

Result<std::string> system_dir() {
  wchar_t buf[MAX_PATH + 1];
  const UINT n = ::GetSystemDirectoryW(buf, MAX_PATH + 1);
  if (n == 0 || n > MAX_PATH) return w32::error_status("cannot find", "the system directory", ::GetLastError());
  return w32::to_utf8(std::wstring(buf, n));
}

// Keeps the last `cap` bytes of a program's output, for error messages.
class TailSink : public platform::OutputSink {
 public:
  Status write(platform::OutputStream, std::string_view bytes) override {
    m_text.append(bytes.data(), bytes.size());
    if (m_text.size() > k_cap) m_text.erase(0, m_text.size() - k_cap);
    return Status::ok();
  }
  std::string text() const {
    std::string t = m_text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
  }

 private:
  static constexpr std::size_t k_cap = 2000;
  std::string m_text;
};

class Win32Host : public Host {
 public:
  explicit Win32Host(platform::ProcessRunner& runner) : m_runner(runner) {}

  Result<MachineName> machine_name() override {
    auto netbios = computer_name(ComputerNameNetBIOS);
    if (!netbios) return netbios.status();
    MachineName m;
    m.netbios = *netbios;
    auto dns = computer_name(ComputerNameDnsFullyQualified);
    if (dns) m.dns_fqdn = *dns;  // a machine outside a domain may have none
    return m;
  }

  Result<bool> booted_in_dsrm() override {
    const std::string option = env_var(L"SAFEBOOT_OPTION").value_or("");
    DWORD value = 0;
    DWORD size = sizeof value;
    const LSTATUS rc = ::RegGetValueW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Control\\SafeBoot\\Option",
                                      L"OptionValue", RRF_RT_REG_DWORD, nullptr, &value, &size);
    return dsrm_from_facts(option, rc == ERROR_SUCCESS);
  }

  Result<std::vector<Privilege>> privileges() override {
    HANDLE raw = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &raw)) {
      return w32::error_status("cannot open", "the process token", ::GetLastError());
    }
    w32::Handle token(raw);
    // Held privileges are disabled by default: enable the two a restore needs. A token that
    // does not hold one answers ERROR_NOT_ALL_ASSIGNED, and the list below shows it missing.
    for (const wchar_t* name : {L"SeRestorePrivilege", L"SeBackupPrivilege"}) {
      TOKEN_PRIVILEGES tp{};
      if (!::LookupPrivilegeValueW(nullptr, name, &tp.Privileges[0].Luid)) continue;
      tp.PrivilegeCount = 1;
      tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
      ::AdjustTokenPrivileges(token.get(), FALSE, &tp, 0, nullptr, nullptr);
    }
    DWORD need = 0;
    ::GetTokenInformation(token.get(), TokenPrivileges, nullptr, 0, &need);
    if (need == 0) return w32::error_status("cannot read", "the process token's privileges", ::GetLastError());
    std::vector<unsigned char> buf(need);
    if (!::GetTokenInformation(token.get(), TokenPrivileges, buf.data(), need, &need)) {
      return w32::error_status("cannot read", "the process token's privileges", ::GetLastError());
    }
    const auto* tp = reinterpret_cast<const TOKEN_PRIVILEGES*>(buf.data());
    std::vector<Privilege> out;
    for (DWORD i = 0; i < tp->PrivilegeCount; ++i) {
      LUID luid = tp->Privileges[i].Luid;
      wchar_t name[128];
      DWORD len = 128;
      if (!::LookupPrivilegeNameW(nullptr, &luid, name, &len)) continue;
      out.push_back(Privilege{w32::to_utf8(std::wstring(name, len)),
                              (tp->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) != 0});
    }
    return out;
  }

  Result<bool> restore_in_progress_key_exists() override {
    HKEY key = nullptr;
    const LSTATUS rc = ::RegOpenKeyExW(
        HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress", 0, KEY_READ, &key);
    if (rc == ERROR_SUCCESS) {
      ::RegCloseKey(key);
      return true;
    }
    if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) return false;
    return w32::error_status("cannot open", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress",
                             static_cast<DWORD>(rc));
  }

  Status restart_normal_mode() override {
    auto dir = system_dir();
    if (!dir) return dir.status();
    if (Status s = run("clearing the safe-boot flag", clear_safeboot_command(*dir), std::chrono::minutes(2)); !s) {
      return s;
    }
    return run("restarting", restart_command(*dir), std::chrono::minutes(2));
  }

  Status mark_authoritative(const std::vector<std::string>& subtrees, const std::vector<std::string>& objects) override {
    if (subtrees.empty() && objects.empty()) return Status::ok();
    auto dir = system_dir();
    if (!dir) return dir.status();
    return run("marking data authoritative", authoritative_restore_command(*dir, subtrees, objects), std::chrono::hours(4));
  }

 private:
  Status run(const std::string& what, const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    TailSink out;
    platform::ProcessSpec spec;
    spec.argv = argv;
    spec.env = platform::current_environment();
    spec.timeout = timeout;
    spec.output = &out;
    const platform::ProcessResult r = m_runner.run(spec);
    if (!r.started()) return r.spawn_error.with_context(what);
    if (r.succeeded()) return Status::ok();
    const std::string text = out.text();
    return Status::error(Code::failed, what + ": " + join(argv, " ") + " ended with " + platform::describe(r) +
                                           (text.empty() ? "" : ": " + text));
  }

  platform::ProcessRunner& m_runner;
};

}  // namespace

std::unique_ptr<Host> make_win32_host(platform::ProcessRunner& runner) { return std::make_unique<Win32Host>(runner); }

}  // namespace adrestore::host
