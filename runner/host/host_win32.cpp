// host::Host on the real machine (win32_host.h).
#include "platform/win32.h"  // <windows.h> first

#include <algorithm>
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

std::optional<std::uint32_t> registry_dword(const wchar_t* key, const wchar_t* name) {
  DWORD value = 0;
  DWORD size = sizeof value;
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_DWORD, nullptr, &value, &size) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

std::optional<std::string> registry_string(const wchar_t* key, const wchar_t* name) {
  DWORD size = 0;
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_SZ, nullptr, nullptr, &size) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  std::wstring value(size / sizeof(wchar_t) + 1, L'\0');
  DWORD got = static_cast<DWORD>(value.size() * sizeof(wchar_t));
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_SZ, nullptr, value.data(), &got) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  value.resize(wcsnlen(value.c_str(), value.size()));
  return w32::to_utf8(value);
}

// Keeps the whole output up to a cap, for judging it; and its end, for error messages. Output
// past the cap is dropped, so a confirmation there is missed and the run is judged a failure
// (the safe side).
class CaptureSink : public platform::OutputSink {
 public:
  Status write(platform::OutputStream, std::string_view bytes) override {
    if (m_text.size() < k_cap) m_text.append(bytes.data(), std::min(bytes.size(), k_cap - m_text.size()));
    return Status::ok();
  }
  const std::string& all() const { return m_text; }
  std::string tail() const {
    std::string t = m_text.size() > 2000 ? m_text.substr(m_text.size() - 2000) : m_text;
    t.erase(std::remove(t.begin(), t.end(), '\0'), t.end());
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
  }

 private:
  static constexpr std::size_t k_cap = 16 << 20;
  std::string m_text;
};

class Win32Host : public Host {
 public:
  Win32Host(platform::ProcessRunner& runner, DsrmFactsReader read_dsrm)
      : m_runner(runner), m_read_dsrm(read_dsrm ? std::move(read_dsrm) : DsrmFactsReader(read_dsrm_facts)) {}

  Result<MachineName> machine_name() override {
    auto netbios = computer_name(ComputerNameNetBIOS);
    if (!netbios) return netbios.status();
    MachineName m;
    m.netbios = *netbios;
    auto dns = computer_name(ComputerNameDnsFullyQualified);
    if (dns) m.dns_fqdn = *dns;  // a machine outside a domain may have none
    return m;
  }

  Result<bool> booted_in_dsrm() override { return dsrm_from_facts(m_read_dsrm()); }

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
      out.push_back(
          Privilege{w32::to_utf8(std::wstring(name, len)), (tp->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) != 0});
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
    const std::string what = "clearing the safe-boot flag";
    const std::vector<std::string> clear = clear_safeboot_command(*dir);
    CaptureSink out;
    const platform::ProcessResult r = run(clear, std::chrono::minutes(2), out, {});
    if (!r.started()) return r.spawn_error.with_context(what);
    // Not set (DSRM chosen with F8): nothing to clear, the next boot is a normal one anyway.
    if (classify_clear_safeboot(r.succeeded(), out.all()) == SafebootClear::failed) return failure(what, clear, r, out);
    CaptureSink out2;
    const std::vector<std::string> restart = restart_command(*dir);
    const platform::ProcessResult r2 = run(restart, std::chrono::minutes(2), out2, {});
    if (!r2.started()) return r2.spawn_error.with_context("restarting");
    if (!r2.succeeded()) return failure("restarting", restart, r2, out2);
    return Status::ok();
  }

  // The two registry values of ntds-api.md 6.7. The invocation ID (an attribute of the
  // DC's NTDS Settings object, read over LDAP) and the Directory Service event log are not
  // read: both stay nullopt, and verify-online says that only the simulator checks them.
  Result<DirectoryIdentity> directory_identity(std::int64_t) override {
    DirectoryIdentity id;
    // A value that cannot be read stays unknown: verify-online then says it was not checked.
    if (auto db = registry_string(k_ntds_parameters, L"DSA Database file")) {
      auto p = WinPath::parse(*db);
      if (!p) {
        return Status::error(Code::failed,
                             "the registry value DSA Database file is not a usable path: " + p.status().message());
      }
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

  Result<AuthoritativeReport> mark_authoritative(const std::vector<std::string>& subtrees,
                                                 const std::vector<std::string>& objects,
                                                 const std::string& work_dir) override {
    if (subtrees.empty() && objects.empty()) return AuthoritativeReport{};
    const std::string what = "marking data authoritative";
    auto dir = system_dir();
    if (!dir) return dir.status();
    auto argv = authoritative_restore_command(*dir, subtrees, objects);
    if (!argv) return argv.status().with_context(what);
    CaptureSink out;
    // The state directory is ntdsutil's current directory: it writes its object list and
    // the back-link LDIF files there, next to the journal that names them.
    const platform::ProcessResult r = run(*argv, std::chrono::hours(4), out, work_dir);
    if (!r.started()) return r.spawn_error.with_context(what);
    const NtdsutilVerdict v = judge_ntdsutil_output(out.all(), r.succeeded(), *argv);
    if (!v.ok) {
      const std::string text = out.tail();
      return Status::error(Code::failed, what + ": " + v.reason + " (" + platform::describe(r) + ")" +
                                             (text.empty() ? "" : "; its output ends: " + text));
    }
    AuthoritativeReport report;
    report.warnings = v.warnings;
    for (const std::string& f : v.ldif_files) report.ldif_files.push_back(work_dir.empty() ? f : work_dir + "\\" + f);
    return report;
  }

 private:
  platform::ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                              platform::OutputSink& out, const std::string& working_dir) {
    platform::ProcessSpec spec;
    spec.argv = argv;
    spec.env = platform::current_environment();
    spec.timeout = timeout;
    spec.output = &out;
    spec.working_dir = working_dir;
    return m_runner.run(spec);
  }

  static Status failure(const std::string& what, const std::vector<std::string>& argv, const platform::ProcessResult& r,
                        const CaptureSink& out) {
    const std::string text = out.tail();
    return Status::error(Code::failed, what + ": " + join(argv, " ") + " ended with " + platform::describe(r) +
                                           (text.empty() ? "" : ": " + text));
  }

  platform::ProcessRunner& m_runner;
  DsrmFactsReader m_read_dsrm;
};

}  // namespace

DsrmFacts read_dsrm_facts() {
  DsrmFacts f;
  f.option_value = registry_dword(L"SYSTEM\\CurrentControlSet\\Control\\SafeBoot\\Option", L"OptionValue");
  f.system_start_options = registry_string(L"SYSTEM\\CurrentControlSet\\Control", L"SystemStartOptions");
  f.safeboot_option_env = env_var(L"SAFEBOOT_OPTION");
  return f;
}

std::unique_ptr<Host> make_win32_host(platform::ProcessRunner& runner, DsrmFactsReader read_dsrm) {
  return std::make_unique<Win32Host>(runner, std::move(read_dsrm));
}

}  // namespace adrestore::host
