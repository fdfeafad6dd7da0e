// host::Host on the real machine (win32_host.h).
#include "platform/win32.h"  // <windows.h> first

#include <chrono>
#include <cwchar>
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

constexpr const wchar_t* k_ntds_parameters = L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters";

// A REG_SZ or REG_EXPAND_SZ value (expanded); nullopt when the value does not exist.
Result<std::optional<std::string>> registry_string(const wchar_t* key, const wchar_t* name) {
  DWORD size = 0;
  LSTATUS rc =
      ::RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ, nullptr, nullptr, &size);
  if (rc == ERROR_FILE_NOT_FOUND) return std::optional<std::string>();
  if (rc != ERROR_SUCCESS)
    return w32::error_status("cannot read", w32::to_utf8(std::wstring(name)), static_cast<DWORD>(rc));
  std::wstring value(size / sizeof(wchar_t) + 1, L'\0');
  size = static_cast<DWORD>(value.size() * sizeof(wchar_t));
  rc =
      ::RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ, nullptr, value.data(), &size);
  if (rc != ERROR_SUCCESS)
    return w32::error_status("cannot read", w32::to_utf8(std::wstring(name)), static_cast<DWORD>(rc));
  value.resize(wcsnlen(value.c_str(), value.size()));
  return std::optional<std::string>(w32::to_utf8(value));
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

  Status restart_normal_mode() override {
    auto dir = system_dir();
    if (!dir) return dir.status();
    if (Status s = run("clearing the safe-boot flag", clear_safeboot_command(*dir), std::chrono::minutes(2)); !s) {
      return s;
    }
    return run("restarting", restart_command(*dir), std::chrono::minutes(2));
  }

  // The two registry values of ntds-api.md 6.7. The invocation ID (an attribute of the
  // DC's NTDS Settings object, read over LDAP) and the Directory Service event log are not
  // read: both stay nullopt, and verify-online says that only the simulator checks them.
  Result<DirectoryIdentity> directory_identity(std::int64_t) override {
    DirectoryIdentity id;
    auto db = registry_string(k_ntds_parameters, L"DSA Database file");
    if (!db) return db.status();
    if (*db) {
      auto p = WinPath::parse(**db);
      if (!p)
        return Status::error(Code::failed,
                             "the registry value DSA Database file is not a usable path: " + p.status().message());
      id.database = *p;
    }
    DWORD count = 0;
    DWORD size = sizeof count;
    const LSTATUS rc = ::RegGetValueW(HKEY_LOCAL_MACHINE, k_ntds_parameters, L"DSA Previous Restore Count",
                                      RRF_RT_REG_DWORD, nullptr, &count, &size);
    if (rc == ERROR_SUCCESS) {
      id.restore_count = count;
    } else if (rc == ERROR_FILE_NOT_FOUND) {
      id.restore_count = 0;  // absent: the default, 0 (restore-virtualized-domain-controller.md)
    } else {
      return w32::error_status("cannot read", "DSA Previous Restore Count", static_cast<DWORD>(rc));
    }
    return id;
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
