// ntds::Api over ntdsbcli.dll (api_win32.h). The rules of ntds-api.md sections 3-4, applied
// at this boundary:
// - strings cross as UTF-16 (base/utf16.h); text that does not convert is refused before
//   the call (hrInvalidParam, with failure_detail());
// - success is `hr == S_OK` and nothing else (a raw Win32 error is positive);
// - every buffer the DLL returns (lists, the expiry token) goes back through DsBackupFree:
//   the caller frees the ones handed out as ApiBuffer, and this file frees the ones it
//   refuses (a malformed list is freed here, then reported as hrError);
// - nothing the DLL returns is trusted: list byte counts and the token size are bounded,
//   lists are parsed only within their byte count (wide_list.h), a read count larger than
//   the buffer is an error, a success without a context handle is an error;
// - DsBackupRead gets a buffer of the size the API requires (a multiple of 8192, at least
//   24576 bytes), checked here before the call.
#include "ntds/api_win32.h"

#include "platform/win32.h"  // <windows.h> first

// ntdsbcli.h spells the calling convention _stdcall, which GCC predefines only in its GNU
// modes; MSVC knows it as a keyword.
#if defined(__GNUC__) && !defined(_stdcall)
#define _stdcall __stdcall
#endif
#include <ntdsbcli.h>

#include <cstring>
#include <vector>

#include "platform/secure_wipe.h"
#include "base/utf16.h"
#include "ntds/wide_list.h"

namespace adrestore::ntds {
namespace {

static_assert(sizeof(wchar_t) == sizeof(char16_t), "Windows' WCHAR is UTF-16");
static_assert(sizeof(HBC) <= sizeof(std::uint64_t) && sizeof(PVOID) <= sizeof(std::uint64_t), "handles fit an id");

// The functions, typed from the header's own declarations so that a signature can never
// drift from ntdsbcli.h (x64 has a single calling convention; the header's _stdcall
// matters only on x86, which this project does not build).
struct Functions {
  decltype(&::DsIsNTDSOnlineW) is_ntds_online = nullptr;
  decltype(&::DsSetAuthIdentityW) set_auth_identity = nullptr;
  decltype(&::DsBackupPrepareW) backup_prepare = nullptr;
  decltype(&::DsBackupGetDatabaseNamesW) backup_get_database_names = nullptr;
  decltype(&::DsBackupOpenFileW) backup_open_file = nullptr;
  decltype(&::DsBackupRead) backup_read = nullptr;
  decltype(&::DsBackupClose) backup_close = nullptr;
  decltype(&::DsBackupGetBackupLogsW) backup_get_backup_logs = nullptr;
  decltype(&::DsBackupTruncateLogs) backup_truncate_logs = nullptr;
  decltype(&::DsBackupEnd) backup_end = nullptr;
  decltype(&::DsBackupFree) backup_free = nullptr;
  decltype(&::DsRestorePrepareW) restore_prepare = nullptr;
  decltype(&::DsRestoreGetDatabaseLocationsW) restore_get_database_locations = nullptr;
  decltype(&::DsRestoreRegisterW) restore_register = nullptr;
  decltype(&::DsRestoreRegisterComplete) restore_register_complete = nullptr;
  decltype(&::DsRestoreEnd) restore_end = nullptr;
};

// Owns the loaded module.
class Module {
 public:
  explicit Module(HMODULE m) : m_module(m) {}
  ~Module() {
    if (m_module) ::FreeLibrary(m_module);
  }
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  HMODULE get() const { return m_module; }

 private:
  HMODULE m_module;
};

HBC to_hbc(Hbc h) { return reinterpret_cast<HBC>(static_cast<std::uintptr_t>(h.value)); }
Hbc from_hbc(HBC h) { return Hbc{static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(h))}; }
PVOID to_pointer(ApiBuffer b) { return reinterpret_cast<PVOID>(static_cast<std::uintptr_t>(b.id)); }
ApiBuffer from_pointer(const void* p) { return ApiBuffer{static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p))}; }
HResult result_of(HRESULT hr) { return HResult(static_cast<std::uint32_t>(hr)); }

// A UTF-16 argument for a W function. `null_when_empty`: the empty string stands for the
// C API's NULL (DsRestoreRegister's paths, where the API itself refuses NULL).
class WideArg {
 public:
  bool set(const std::string& utf8, std::string& error, const char* what) {
    auto w = utf8_to_utf16(utf8);
    if (!w) {
      error = std::string(what) + ": " + w.status().message();
      return false;
    }
    m_text = std::move(*w);
    platform::secure_wipe(*w);  // a short string is copied, not moved: its bytes stay behind in w
    m_empty = utf8.empty();
    return true;
  }
  ~WideArg() { wipe(); }
  // For passwords: overwrite the UTF-16 copy (its whole buffer) before the memory is released.
  void wipe() { platform::secure_wipe(m_text); }
  LPCWSTR get() const { return reinterpret_cast<LPCWSTR>(m_text.c_str()); }
  LPWSTR get_mutable() { return reinterpret_cast<LPWSTR>(&m_text[0]); }
  LPCWSTR get_or_null() const { return m_empty ? nullptr : get(); }

 private:
  std::u16string m_text;
  bool m_empty = true;
};

bool read_size_allowed(std::uint32_t size) { return size >= 24576 && size % 8192 == 0; }

class Win32Api : public Api {
 public:
  Win32Api(std::unique_ptr<Module> module, const Functions& f) : m_module(std::move(module)), m_f(f) {}

  const char* backend_name() const override { return "win32"; }
  std::string failure_detail() const override { return m_detail; }

  HResult is_ntds_online(const std::string& server, bool& online) override {
    online = false;
    m_detail.clear();
    WideArg s;
    if (!s.set(server, m_detail, "the server name")) return k_hr_invalid_param;
    BOOL result = FALSE;
    const HRESULT hr = m_f.is_ntds_online(s.get(), &result);
    if (hr != S_OK) return result_of(hr);
    online = result != FALSE;
    return k_hr_none;
  }

  HResult set_auth_identity(const std::string& user, const std::string& domain, const std::string& password) override {
    m_detail.clear();
    WideArg u, d, p;
    if (!u.set(user, m_detail, "the user name") || !d.set(domain, m_detail, "the domain name") ||
        !p.set(password, m_detail, "the password")) {
      return k_hr_invalid_param;
    }
    // An empty user returns to the process's own context: NULLs, as in the C API.
    const HRESULT hr = m_f.set_auth_identity(u.get_or_null(), d.get_or_null(), p.get_or_null());
    p.wipe();
    return result_of(hr);
  }

  HResult backup_prepare(const std::string& server, std::uint32_t grbit, std::uint32_t bt_flag, ExpiryToken& token,
                         ApiBuffer& token_buffer, Hbc& hbc) override {
    token.clear();
    token_buffer = ApiBuffer{};
    hbc = Hbc{};
    m_detail.clear();
    WideArg s;
    if (!s.set(server, m_detail, "the server name")) return k_hr_invalid_param;
    PVOID tok = nullptr;
    DWORD cb = 0;
    HBC h = nullptr;
    const HRESULT hr = m_f.backup_prepare(s.get(), grbit, bt_flag, &tok, &cb, &h);
    if (hr != S_OK) return result_of(hr);
    std::string bad;
    if (h == nullptr) {
      bad = "returned success but no context handle";
    } else if (tok == nullptr || cb == 0) {
      bad = "returned success but no expiry token";
    } else if (cb > k_max_expiry_token_bytes) {
      bad = "reports an expiry token of " + std::to_string(cb) + " bytes, more than the " +
            std::to_string(k_max_expiry_token_bytes) + " accepted";
    }
    if (!bad.empty()) {
      if (tok) m_f.backup_free(tok);
      if (h) (void)m_f.backup_end(h);  // the caller never sees this context, so end it here
      m_detail = "DsBackupPrepareW " + bad;
      return k_hr_error;
    }
    token.assign(static_cast<const std::uint8_t*>(tok), static_cast<const std::uint8_t*>(tok) + cb);
    token_buffer = from_pointer(tok);
    hbc = from_hbc(h);
    return k_hr_none;
  }

  HResult backup_get_database_names(Hbc hbc, BftList& names, ApiBuffer& buffer) override {
    return get_list(m_f.backup_get_database_names, "DsBackupGetDatabaseNamesW", hbc, names, buffer);
  }

  HResult backup_open_file(Hbc hbc, const std::string& name, std::uint32_t read_hint, std::uint64_t& file_size) override {
    file_size = 0;
    m_detail.clear();
    WideArg n;
    if (!n.set(name, m_detail, "the attachment name")) return k_hr_invalid_param;
    LARGE_INTEGER size{};
    const HRESULT hr = m_f.backup_open_file(to_hbc(hbc), n.get(), read_hint, &size);
    if (hr != S_OK) return result_of(hr);
    if (size.QuadPart < 0) {
      m_detail = "DsBackupOpenFileW reports a negative file size (" + std::to_string(size.QuadPart) + ")";
      return k_hr_error;
    }
    file_size = static_cast<std::uint64_t>(size.QuadPart);
    return k_hr_none;
  }

  HResult backup_read(Hbc hbc, void* buffer, std::uint32_t size, std::uint32_t& bytes_read) override {
    bytes_read = 0;
    m_detail.clear();
    if (buffer == nullptr || !read_size_allowed(size)) {
      m_detail = "DsBackupRead needs a buffer of a multiple of 8192 bytes, at least 24576 (got " + std::to_string(size) + ")";
      return k_hr_invalid_param;
    }
    DWORD got = 0;
    const HRESULT hr = m_f.backup_read(to_hbc(hbc), buffer, size, &got);
    if (hr != S_OK) return result_of(hr);
    if (got > size) {
      m_detail = "DsBackupRead reports " + std::to_string(got) + " bytes read into a buffer of " + std::to_string(size);
      return k_hr_error;
    }
    bytes_read = got;
    return k_hr_none;
  }

  HResult backup_close(Hbc hbc) override {
    m_detail.clear();
    return result_of(m_f.backup_close(to_hbc(hbc)));
  }

  HResult backup_get_backup_logs(Hbc hbc, BftList& logs, ApiBuffer& buffer) override {
    return get_list(m_f.backup_get_backup_logs, "DsBackupGetBackupLogsW", hbc, logs, buffer);
  }

  HResult backup_truncate_logs(Hbc hbc) override {
    m_detail.clear();
    return result_of(m_f.backup_truncate_logs(to_hbc(hbc)));
  }

  HResult backup_end(Hbc hbc) override {
    m_detail.clear();
    return result_of(m_f.backup_end(to_hbc(hbc)));
  }

  void backup_free(ApiBuffer buffer) override { m_f.backup_free(to_pointer(buffer)); }

  HResult restore_prepare(const std::string& server, std::uint32_t rt_flag, const std::optional<ExpiryToken>& token,
                          Hbc& hbc) override {
    hbc = Hbc{};
    m_detail.clear();
    WideArg s;
    if (!s.set(server, m_detail, "the server name")) return k_hr_invalid_param;
    if (token && token->size() > k_max_expiry_token_bytes) {
      m_detail = "the expiry token has " + std::to_string(token->size()) + " bytes, more than the " +
                 std::to_string(k_max_expiry_token_bytes) + " accepted";
      return k_hr_invalid_param;
    }
    // The API takes a PVOID but only reads the token; the copy keeps our const promise.
    std::vector<std::uint8_t> copy;
    if (token) copy = *token;
    static std::uint8_t empty_token = 0;  // a token of 0 bytes is not the same as no token (NULL)
    PVOID p = token ? (copy.empty() ? &empty_token : copy.data()) : nullptr;
    const DWORD cb = token ? static_cast<DWORD>(copy.size()) : 0;
    HBC h = nullptr;
    const HRESULT hr = m_f.restore_prepare(s.get(), rt_flag, p, cb, &h);
    if (hr != S_OK) return result_of(hr);
    if (h == nullptr) {
      m_detail = "DsRestorePrepareW returned success but no context handle";
      return k_hr_error;
    }
    hbc = from_hbc(h);
    return k_hr_none;
  }

  HResult restore_get_database_locations(Hbc hbc, BftList& locations, ApiBuffer& buffer) override {
    return get_list(m_f.restore_get_database_locations, "DsRestoreGetDatabaseLocationsW", hbc, locations, buffer);
  }

  HResult restore_register(Hbc hbc, const std::string& checkpoint_dir, const std::string& log_dir,
                           const std::vector<RestoreMapEntry>& restore_map, const std::string& backup_log_dir,
                           std::uint32_t gen_low, std::uint32_t gen_high) override {
    m_detail.clear();
    WideArg chk, log, backup_log;
    if (!chk.set(checkpoint_dir, m_detail, "the checkpoint directory") || !log.set(log_dir, m_detail, "the log directory") ||
        !backup_log.set(backup_log_dir, m_detail, "the backup log directory")) {
      return k_hr_invalid_param;
    }
    // The map's strings must outlive the call; EDB_RSTMAPW holds non-const pointers into them.
    std::vector<WideArg> names(restore_map.size() * 2);
    std::vector<EDB_RSTMAPW> map;
    for (std::size_t i = 0; i < restore_map.size(); ++i) {
      if (!names[2 * i].set(restore_map[i].database_name, m_detail, "a restore map name") ||
          !names[2 * i + 1].set(restore_map[i].new_database_name, m_detail, "a restore map name")) {
        return k_hr_invalid_param;
      }
      map.push_back(EDB_RSTMAPW{names[2 * i].get_mutable(), names[2 * i + 1].get_mutable()});
    }
    const HRESULT hr = m_f.restore_register(to_hbc(hbc), chk.get_or_null(), log.get_or_null(),
                                            map.empty() ? nullptr : map.data(), static_cast<LONG>(map.size()),
                                            backup_log.get_or_null(), gen_low, gen_high);
    return result_of(hr);
  }

  HResult restore_register_complete(Hbc hbc, HResult restore_state) override {
    m_detail.clear();
    return result_of(m_f.restore_register_complete(to_hbc(hbc), static_cast<HRESULT>(restore_state.value())));
  }

  HResult restore_end(Hbc hbc) override {
    m_detail.clear();
    return result_of(m_f.restore_end(to_hbc(hbc)));
  }

 private:
  template <class Fn>
  HResult get_list(Fn fn, const char* name, Hbc hbc, BftList& out, ApiBuffer& buffer) {
    out.clear();
    buffer = ApiBuffer{};
    m_detail.clear();
    LPWSTR list = nullptr;  // must be NULL before the call (ntds-api.md 3.4)
    DWORD cb = 0;
    const HRESULT hr = fn(to_hbc(hbc), &list, &cb);
    // On failure the API hands out nothing to free; a pointer set anyway is left alone,
    // since freeing something the API did not mean to give would be worse than a leak.
    if (hr != S_OK) return result_of(hr);
    auto parsed = parse_wide_bft_list(list, cb);
    if (!parsed) {
      if (list) m_f.backup_free(list);
      m_detail = std::string(name) + " returned a " + parsed.status().message();
      return k_hr_error;
    }
    out = std::move(*parsed);
    buffer = from_pointer(list);
    return k_hr_none;
  }

  std::unique_ptr<Module> m_module;
  Functions m_f;
  std::string m_detail;
};

// GetProcAddress's FARPROC to the function's real type. void (*)(void) is the type GCC's
// -Wcast-function-type lets through, as the intermediate step.
template <class F>
bool resolve(HMODULE m, const char* name, F& out) {
  FARPROC p = ::GetProcAddress(m, name);
  if (!p) return false;
  out = reinterpret_cast<F>(reinterpret_cast<void (*)(void)>(p));
  return true;
}

#ifndef ADRESTORE_TEST_DLL_OVERRIDE
#define ADRESTORE_TEST_DLL_OVERRIDE 0
#endif

// The environment variable as UTF-8 (read as UTF-16 from the process block, so a path with
// any characters arrives intact); nullopt when it is not set.
std::optional<std::string> env_utf8(const char* name) {
  const std::wstring wname(name, name + std::strlen(name));
  const DWORD need = ::GetEnvironmentVariableW(wname.c_str(), nullptr, 0);
  if (need == 0) return std::nullopt;
  std::wstring value(need, L'\0');
  const DWORD got = ::GetEnvironmentVariableW(wname.c_str(), value.data(), need);
  value.resize(got < need ? got : 0);
  return platform::win32::to_utf8(value);
}

}  // namespace

Result<Win32ApiLoad> load_win32_api() {
  Win32ApiLoad out;
  std::wstring path;
  const std::optional<std::string> override_path = env_utf8(k_ntdsbcli_dll_env);
  if (override_path && !override_path->empty()) {
    if (!ADRESTORE_TEST_DLL_OVERRIDE) {
      return Status::error(Code::refused, std::string(k_ntdsbcli_dll_env) + " is set (" + *override_path +
                                              "), but this build does not load a replacement ntdsbcli.dll: that switch "
                                              "is for tests only. Unset it to use the system's ntdsbcli.dll");
    }
    auto w = platform::win32::to_utf16(*override_path);
    if (!w) return w.status().with_context(k_ntdsbcli_dll_env);
    path = *w;
    out.dll_path = *override_path;
    out.test_override = true;
  } else {
    wchar_t system_dir[MAX_PATH + 1];
    const UINT n = ::GetSystemDirectoryW(system_dir, MAX_PATH + 1);
    if (n == 0 || n > MAX_PATH) {
      return platform::win32::error_status("cannot find the system directory for", "ntdsbcli.dll", ::GetLastError());
    }
    path = std::wstring(system_dir, n) + L"\\ntdsbcli.dll";
    out.dll_path = platform::win32::to_utf8(path);
  }
  HMODULE m = ::LoadLibraryW(path.c_str());
  if (!m) {
    const DWORD err = ::GetLastError();
    return Status::error(Code::refused,
                         "cannot load the NTDS backup client " + out.dll_path + ": " + platform::win32::error_text(err) +
                             " (error " + std::to_string(err) +
                             "). It ships with Windows Server domain controllers; run adrestore on the DC itself");
  }
  auto module = std::make_unique<Module>(m);
  Functions f;
  struct Need {
    const char* name;
    bool ok;
  };
  const Need needs[] = {
      {"DsIsNTDSOnlineW", resolve(m, "DsIsNTDSOnlineW", f.is_ntds_online)},
      {"DsSetAuthIdentityW", resolve(m, "DsSetAuthIdentityW", f.set_auth_identity)},
      {"DsBackupPrepareW", resolve(m, "DsBackupPrepareW", f.backup_prepare)},
      {"DsBackupGetDatabaseNamesW", resolve(m, "DsBackupGetDatabaseNamesW", f.backup_get_database_names)},
      {"DsBackupOpenFileW", resolve(m, "DsBackupOpenFileW", f.backup_open_file)},
      {"DsBackupRead", resolve(m, "DsBackupRead", f.backup_read)},
      {"DsBackupClose", resolve(m, "DsBackupClose", f.backup_close)},
      {"DsBackupGetBackupLogsW", resolve(m, "DsBackupGetBackupLogsW", f.backup_get_backup_logs)},
      {"DsBackupTruncateLogs", resolve(m, "DsBackupTruncateLogs", f.backup_truncate_logs)},
      {"DsBackupEnd", resolve(m, "DsBackupEnd", f.backup_end)},
      {"DsBackupFree", resolve(m, "DsBackupFree", f.backup_free)},
      {"DsRestorePrepareW", resolve(m, "DsRestorePrepareW", f.restore_prepare)},
      {"DsRestoreGetDatabaseLocationsW", resolve(m, "DsRestoreGetDatabaseLocationsW", f.restore_get_database_locations)},
      {"DsRestoreRegisterW", resolve(m, "DsRestoreRegisterW", f.restore_register)},
      {"DsRestoreRegisterComplete", resolve(m, "DsRestoreRegisterComplete", f.restore_register_complete)},
      {"DsRestoreEnd", resolve(m, "DsRestoreEnd", f.restore_end)},
  };
  std::vector<std::string> missing;
  for (const Need& n : needs) {
    if (!n.ok) missing.push_back(n.name);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& name : missing) list += (list.empty() ? "" : ", ") + name;
    return Status::error(Code::refused, out.dll_path + " does not export " + list +
                                            ": it is not the NTDS backup client adrestore was written for");
  }
  out.api = std::make_unique<Win32Api>(std::move(module), f);
  return out;
}

}  // namespace adrestore::ntds
