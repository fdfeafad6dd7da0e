// A stand-in ntdsbcli.dll for tests (Windows builds only; doc/windows.md). It exports the W
// functions of ntdsbcli.h with the header's exact prototypes (the .def file keeps the names
// undecorated) and serves them from the simulator: the world named by ADRESTORE_SIM_WORLD.
// The win32 backend loads it through ADRESTORE_NTDSBCLI_DLL, so everything between
// adrestore and the DLL is the real thing: LoadLibraryW, GetProcAddress, UTF-16 strings,
// HBC handles, BFT lists in DLL-allocated memory, DsBackupFree.
//
// Memory: lists and the expiry token are allocated with HeapAlloc and remembered against
// the simulator's buffer id, so DsBackupFree frees both and the world's counters see every
// leak, double free and invalid free the backend makes.
//
// ADRESTORE_STANDIN_FAULT makes replies malformed, to prove the backend refuses them
// without crashing and still frees what it got:
//   list-bad-bft       the first entry starts with 0x4144, not a BFT code
//   list-empty-entry   an entry with a BFT code and no path comes first
//   list-trailing-data text after the terminating NUL
//   list-odd-size      *pcbSize is odd
//   list-huge-size     *pcbSize claims 2 GiB for a small buffer
//   list-null          S_OK with a NULL list
//   list-bad-utf16     an unpaired surrogate in the first path
//   token-huge         the expiry token's size claims 1 MiB
//   read-overrun       DsBackupRead reports one byte more than the buffer holds
#include "platform/win32_api.h"

#define _NTDSBCLI_DEFINED  // these are the definitions: NTDSBCLI_API without dllimport
#include <ntdsbcli.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/utf16.h"
#include "ntds/wide_list.h"
#include "sim/sim_api.h"
#include "sim/world.h"

using namespace adrestore;

namespace {

constexpr HRESULT k_invalid_param = static_cast<HRESULT>(0xC7FF0001);  // hrInvalidParam
constexpr HRESULT k_error = static_cast<HRESULT>(0xC7FF0002);          // hrError
constexpr HRESULT k_could_not_connect = static_cast<HRESULT>(0xC7FF0007);

std::string env_utf8(const wchar_t* name) {
  const DWORD need = ::GetEnvironmentVariableW(name, nullptr, 0);
  if (need == 0) return {};
  std::u16string value(need, u'\0');
  const DWORD got = ::GetEnvironmentVariableW(name, reinterpret_cast<LPWSTR>(&value[0]), need);
  value.resize(got < need ? got : 0);
  auto utf8 = utf16_to_utf8(value);
  return utf8 ? *utf8 : std::string();
}

// A W argument as UTF-8; NULL reads as "" (the simulator's spelling of NULL).
std::optional<std::string> arg(LPCWSTR text) {
  if (!text) return std::string();
  auto utf8 = utf16_to_utf8(std::u16string_view(reinterpret_cast<const char16_t*>(text)));
  if (!utf8) return std::nullopt;
  return *utf8;
}

HRESULT to_hresult(ntds::HResult hr) { return static_cast<HRESULT>(hr.value()); }
HBC to_hbc(ntds::Hbc h) { return reinterpret_cast<HBC>(static_cast<std::uintptr_t>(h.value)); }
ntds::Hbc from_hbc(HBC h) { return ntds::Hbc{static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(h))}; }

class StandIn {
 public:
  std::mutex mutex;

  // The simulated API for the world named now; nullptr (and `hr`) when there is none.
  sim::SimApi* api(HRESULT& hr) {
    const std::string dir = env_utf8(L"ADRESTORE_SIM_WORLD");
    if (dir.empty()) {
      hr = k_could_not_connect;
      return nullptr;
    }
    if (!m_api || dir != m_dir) {
      auto world = sim::World::open(dir);
      if (!world) {
        hr = k_error;
        return nullptr;
      }
      m_api = std::make_unique<sim::SimApi>(*world);
      m_dir = dir;
    }
    return m_api.get();
  }

  std::string fault() const { return env_utf8(L"ADRESTORE_STANDIN_FAULT"); }

  // Copies `bytes` into process-heap memory the caller frees with DsBackupFree.
  void* hand_out(const void* bytes, std::size_t n, ntds::ApiBuffer sim_buffer) {
    void* p = ::HeapAlloc(::GetProcessHeap(), 0, n == 0 ? 1 : n);
    if (!p) return nullptr;
    if (n > 0) std::memcpy(p, bytes, n);
    m_freed.erase(p);  // the heap reused an address
    m_live[p] = sim_buffer.id;
    return p;
  }

  void free(void* p) {
    if (!m_api) return;
    if (!p) {
      m_api->backup_free(ntds::ApiBuffer{});
      return;
    }
    if (auto it = m_live.find(p); it != m_live.end()) {
      const std::uint64_t id = it->second;
      m_live.erase(it);
      ::HeapFree(::GetProcessHeap(), 0, p);
      m_freed[p] = id;
      m_api->backup_free(ntds::ApiBuffer{id});
    } else if (auto f = m_freed.find(p); f != m_freed.end()) {
      m_api->backup_free(ntds::ApiBuffer{f->second});  // the simulator records the double free
    } else {
      m_api->backup_free(ntds::ApiBuffer{~0ULL});  // never handed out: an invalid free
    }
  }

 private:
  std::string m_dir;
  std::unique_ptr<sim::SimApi> m_api;
  std::map<void*, std::uint64_t> m_live;
  std::map<void*, std::uint64_t> m_freed;
};

StandIn& standin() {
  static StandIn s;
  return s;
}

// Hands a list out in the API's format, with the fault applied when one is set.
HRESULT give_list(StandIn& s, sim::SimApi& api, ntds::HResult hr, const ntds::BftList& list, ntds::ApiBuffer buffer,
                  LPWSTR* out, LPDWORD cb) {
  if (!hr.ok()) return to_hresult(hr);
  auto text = ntds::format_wide_bft_list(list);
  if (!text) {
    api.backup_free(buffer);
    return k_error;
  }
  std::u16string units = *text;
  std::uint64_t bytes = units.size() * 2;
  const std::string fault = s.fault();
  if (fault == "list-null") {
    api.backup_free(buffer);  // the caller gets nothing it could free
    *out = nullptr;
    *cb = 0;
    return S_OK;
  }
  if (!list.empty()) {
    if (fault == "list-bad-bft") units[0] = 0x4144;
    if (fault == "list-bad-utf16") units[1] = 0xD800;
  }
  if (fault == "list-empty-entry") units.insert(0, std::u16string(u"\x0044\0", 2));
  if (fault == "list-trailing-data") units += u"junk";
  bytes = units.size() * 2;
  if (fault == "list-odd-size") bytes -= 1;
  void* p = s.hand_out(units.data(), units.size() * 2, buffer);
  if (!p) {
    api.backup_free(buffer);
    return static_cast<HRESULT>(ERROR_NOT_ENOUGH_MEMORY);
  }
  *out = static_cast<LPWSTR>(p);
  *cb = fault == "list-huge-size" ? 0x7FFFFFF0U : static_cast<DWORD>(bytes);
  return S_OK;
}

// Runs one export: takes the lock, finds the world's simulated API, and runs `body` with
// it; without a world, the error the API gives for an unreachable DC.
template <class Body>
HRESULT serve(Body&& body) {
  StandIn& s = standin();
  std::lock_guard<std::mutex> lock(s.mutex);
  HRESULT err = S_OK;
  sim::SimApi* api = s.api(err);
  return api ? body(s, *api) : err;
}

// The three list calls: the simulator's list, handed out in the API's format.
template <class Call>
HRESULT serve_list(LPWSTR* out, LPDWORD cb, Call&& call) {
  return serve([&](StandIn& s, sim::SimApi& api) {
    if (!out || !cb) return static_cast<HRESULT>(ERROR_INVALID_PARAMETER);
    ntds::BftList list;
    ntds::ApiBuffer buffer;
    const ntds::HResult hr = call(api, list, buffer);
    return give_list(s, api, hr, list, buffer, out, cb);
  });
}

HRESULT bad_param() { return static_cast<HRESULT>(ERROR_INVALID_PARAMETER); }

}  // namespace

extern "C" {

HRESULT NTDSBCLI_API DsIsNTDSOnlineW(LPCWSTR szServerName, BOOL* pfNTDSOnline) {
  return serve([&](StandIn&, sim::SimApi& api) {
    const auto server = arg(szServerName);
    if (!server || !pfNTDSOnline) return bad_param();
    bool online = false;
    const ntds::HResult hr = api.is_ntds_online(*server, online);
    if (hr.ok()) *pfNTDSOnline = online ? TRUE : FALSE;
    return to_hresult(hr);
  });
}

HRESULT NTDSBCLI_API DsSetAuthIdentityW(LPCWSTR szUserName, LPCWSTR szDomainName, LPCWSTR szPassword) {
  return serve([&](StandIn&, sim::SimApi& api) {
    const auto user = arg(szUserName);
    const auto domain = arg(szDomainName);
    const auto password = arg(szPassword);
    if (!user || !domain || !password) return bad_param();
    return to_hresult(api.set_auth_identity(*user, *domain, *password));
  });
}

HRESULT NTDSBCLI_API DsBackupPrepareW(LPCWSTR szBackupServer, ULONG grbit, ULONG btFlag, PVOID* ppvExpiryToken,
                                      LPDWORD pcbExpiryTokenSize, HBC* phbc) {
  return serve([&](StandIn& s, sim::SimApi& api) {
    const auto server = arg(szBackupServer);
    if (!server || !phbc) return bad_param();
    if (!ppvExpiryToken || !pcbExpiryTokenSize) return k_invalid_param;
    ntds::ExpiryToken token;
    ntds::ApiBuffer buffer;
    ntds::Hbc hbc;
    const ntds::HResult hr = api.backup_prepare(*server, grbit, btFlag, token, buffer, hbc);
    if (!hr.ok()) return to_hresult(hr);
    void* p = s.hand_out(token.data(), token.size(), buffer);
    if (!p) {
      api.backup_free(buffer);
      (void)api.backup_end(hbc);
      return static_cast<HRESULT>(ERROR_NOT_ENOUGH_MEMORY);
    }
    *ppvExpiryToken = p;
    *pcbExpiryTokenSize = s.fault() == "token-huge" ? (1U << 20) : static_cast<DWORD>(token.size());
    *phbc = to_hbc(hbc);
    return S_OK;
  });
}

HRESULT NTDSBCLI_API DsBackupGetDatabaseNamesW(HBC hbc, LPWSTR* pszAttachmentInfo, LPDWORD pcbSize) {
  return serve_list(pszAttachmentInfo, pcbSize, [&](sim::SimApi& api, ntds::BftList& list, ntds::ApiBuffer& buffer) {
    return api.backup_get_database_names(from_hbc(hbc), list, buffer);
  });
}

HRESULT NTDSBCLI_API DsBackupOpenFileW(HBC hbc, LPCWSTR szAttachmentName, DWORD cbReadHintSize, LARGE_INTEGER* pliFileSize) {
  return serve([&](StandIn&, sim::SimApi& api) {
    const auto name = arg(szAttachmentName);
    if (!name || !pliFileSize) return bad_param();
    std::uint64_t size = 0;
    const ntds::HResult hr = api.backup_open_file(from_hbc(hbc), *name, cbReadHintSize, size);
    if (hr.ok()) pliFileSize->QuadPart = static_cast<LONGLONG>(size);
    return to_hresult(hr);
  });
}

HRESULT NTDSBCLI_API DsBackupRead(HBC hbc, PVOID pvBuffer, DWORD cbBuffer, PDWORD pcbRead) {
  return serve([&](StandIn& s, sim::SimApi& api) {
    if (!pvBuffer || !pcbRead) return bad_param();
    std::uint32_t got = 0;
    const ntds::HResult hr = api.backup_read(from_hbc(hbc), pvBuffer, cbBuffer, got);
    if (hr.ok()) *pcbRead = s.fault() == "read-overrun" ? cbBuffer + 1 : got;
    return to_hresult(hr);
  });
}

HRESULT NTDSBCLI_API DsBackupClose(HBC hbc) {
  return serve([&](StandIn&, sim::SimApi& api) { return to_hresult(api.backup_close(from_hbc(hbc))); });
}

HRESULT NTDSBCLI_API DsBackupGetBackupLogsW(HBC hbc, LPWSTR* pszBackupLogFiles, LPDWORD pcbSize) {
  return serve_list(pszBackupLogFiles, pcbSize, [&](sim::SimApi& api, ntds::BftList& list, ntds::ApiBuffer& buffer) {
    return api.backup_get_backup_logs(from_hbc(hbc), list, buffer);
  });
}

HRESULT NTDSBCLI_API DsBackupTruncateLogs(HBC hbc) {
  return serve([&](StandIn&, sim::SimApi& api) { return to_hresult(api.backup_truncate_logs(from_hbc(hbc))); });
}

HRESULT NTDSBCLI_API DsBackupEnd(HBC hbc) {
  return serve([&](StandIn&, sim::SimApi& api) { return to_hresult(api.backup_end(from_hbc(hbc))); });
}

VOID NTDSBCLI_API DsBackupFree(PVOID pvBuffer) {
  StandIn& s = standin();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.free(pvBuffer);
}

HRESULT NTDSBCLI_API DsRestorePrepareW(LPCWSTR szServerName, ULONG rtFlag, PVOID pvExpiryToken, DWORD cbExpiryTokenSize,
                                       HBC* phbc) {
  return serve([&](StandIn&, sim::SimApi& api) {
    const auto server = arg(szServerName);
    if (!server || !phbc || cbExpiryTokenSize > (1U << 20) || (!pvExpiryToken && cbExpiryTokenSize > 0)) {
      return bad_param();
    }
    std::optional<ntds::ExpiryToken> token;
    if (pvExpiryToken) {
      const auto* b = static_cast<const std::uint8_t*>(pvExpiryToken);
      token = ntds::ExpiryToken(b, b + cbExpiryTokenSize);
    }
    ntds::Hbc hbc;
    const ntds::HResult hr = api.restore_prepare(*server, rtFlag, token, hbc);
    if (hr.ok()) *phbc = to_hbc(hbc);
    return to_hresult(hr);
  });
}

HRESULT NTDSBCLI_API DsRestoreGetDatabaseLocationsW(HBC hbc, LPWSTR* pszDatabaseLocationList, LPDWORD pcbSize) {
  return serve_list(pszDatabaseLocationList, pcbSize, [&](sim::SimApi& api, ntds::BftList& list, ntds::ApiBuffer& buffer) {
    return api.restore_get_database_locations(from_hbc(hbc), list, buffer);
  });
}

HRESULT NTDSBCLI_API DsRestoreRegisterW(HBC hbc, LPCWSTR szCheckPointFilePath, LPCWSTR szLogPath, EDB_RSTMAPW rgrstmap[],
                                        LONG crstmap, LPCWSTR szBackupLogPath, ULONG genLow, ULONG genHigh) {
  return serve([&](StandIn&, sim::SimApi& api) {
    const auto checkpoint = arg(szCheckPointFilePath);
    const auto log = arg(szLogPath);
    const auto backup_log = arg(szBackupLogPath);
    if (!checkpoint || !log || !backup_log || crstmap < 0 || (crstmap > 0 && !rgrstmap)) return bad_param();
    std::vector<ntds::RestoreMapEntry> map;
    for (LONG i = 0; i < crstmap; ++i) {
      const auto from = arg(rgrstmap[i].wszDatabaseName);
      const auto to = arg(rgrstmap[i].wszNewDatabaseName);
      if (!from || !to) return bad_param();
      map.push_back({*from, *to});
    }
    return to_hresult(api.restore_register(from_hbc(hbc), *checkpoint, *log, map, *backup_log, genLow, genHigh));
  });
}

HRESULT NTDSBCLI_API DsRestoreRegisterComplete(HBC hbc, HRESULT hrRestoreState) {
  return serve([&](StandIn&, sim::SimApi& api) {
    const ntds::HResult state(static_cast<std::uint32_t>(hrRestoreState));
    return to_hresult(api.restore_register_complete(from_hbc(hbc), state));
  });
}

HRESULT NTDSBCLI_API DsRestoreEnd(HBC hbc) {
  return serve([&](StandIn&, sim::SimApi& api) { return to_hresult(api.restore_end(from_hbc(hbc))); });
}

}  // extern "C"
