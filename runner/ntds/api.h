// The one boundary between adrestore and Active Directory: the NTDS backup client API
// (ntdsbcli.dll; shared/reference/ntds-api.md sections 2-5) as a C++ interface. Two
// implementations: sim::SimApi (every platform) and the win32 backend, which loads
// ntdsbcli.dll with LoadLibrary and calls the W functions.
//
// The interface keeps the real API's semantics so that code written against the simulator
// is right on a DC:
// - every call returns the HRESULT the API returned; success is hr.ok() and nothing else;
// - contexts are opaque handles (Hbc) that belong to the process that opened them and die
//   with it; a backend never invents one;
// - memory the API hands out (the expiry token, the file lists) stays owned by the API and
//   must be released with backup_free() exactly once (DsBackupFree). A backend copies the
//   contents into the typed outputs (token bytes, BftList) and also returns the ApiBuffer
//   that still has to be freed. Use ScopedBuffer to make that automatic;
// - on failure the outputs are left empty and no buffer is returned (nothing to free).
// Strings are UTF-8; the win32 backend converts to and from UTF-16.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"
#include "ntds/hresult.h"

namespace adrestore::ntds {

// An opaque backup or restore context (HBC). value 0 is the null handle.
struct Hbc {
  std::uint64_t value = 0;
  bool is_null() const { return value == 0; }
};

// Memory allocated by the API (PVOID in the C API); id 0 means "nothing to free".
struct ApiBuffer {
  std::uint64_t id = 0;
  bool is_null() const { return id == 0; }
};

// BFT codes, exactly as ntdsbcli.h defines them (ntds-api.md section 2: trust the header's
// 0x82/0x83, not the doc table's 0x22/0x23). Always compare as unsigned 8-bit values.
inline constexpr std::uint8_t k_bft_directory = 0x80;
inline constexpr std::uint8_t k_bft_database_directory = 0x40;
inline constexpr std::uint8_t k_bft_log_directory = 0x20;
inline constexpr std::uint8_t k_bft_log = 0x21;             // BFT_LOG
inline constexpr std::uint8_t k_bft_log_dir = 0x82;         // BFT_LOG_DIR
inline constexpr std::uint8_t k_bft_checkpoint_dir = 0x83;  // BFT_CHECKPOINT_DIR
inline constexpr std::uint8_t k_bft_ntds_database = 0x44;   // BFT_NTDS_DATABASE
inline constexpr std::uint8_t k_bft_patch_file = 0x25;      // BFT_PATCH_FILE
inline constexpr std::uint8_t k_bft_unknown = 0x0F;         // BFT_UNKNOWN
// "BFT_NTDS_DATABASE (0x44)"; unknown codes print as "BFT 0x..".
std::string bft_name(std::uint8_t bft);

// Backup and restore types (ntdsbcli.h).
inline constexpr std::uint32_t k_backup_type_full = 0x01;
inline constexpr std::uint32_t k_backup_type_logs_only = 0x02;
inline constexpr std::uint32_t k_backup_type_incremental = 0x04;
inline constexpr std::uint32_t k_restore_type_authoritative = 0x01;  // RESTORE_TYPE_AUTHORATATIVE (sic)
inline constexpr std::uint32_t k_restore_type_online = 0x02;
inline constexpr std::uint32_t k_restore_type_catchup = 0x04;

// One entry of a file list: the BFT code (the list entry's first character) and the path.
struct BftEntry {
  std::uint8_t bft = k_bft_unknown;
  std::string path;
  friend bool operator==(const BftEntry& a, const BftEntry& b) { return a.bft == b.bft && a.path == b.path; }
};
using BftList = std::vector<BftEntry>;

// The C API's list format: each entry is <BFT char><path> NUL, and the list ends with an
// extra NUL. format_bft_list() writes it (8-bit characters, UTF-8 paths);
// parse_bft_list() reads it bounded by the buffer size (whether the API's byte count
// includes the terminators is unverified, so the list's final extra NUL may be missing) and
// refuses an entry cut off before its own NUL, empty entries and text after the terminator.
std::string format_bft_list(const BftList& list);
Result<BftList> parse_bft_list(std::string_view raw);

// One element of DsRestoreRegister's restore map (EDB_RSTMAP): database name as backed up
// -> new name.
struct RestoreMapEntry {
  std::string database_name;
  std::string new_database_name;
};

using ExpiryToken = std::vector<std::uint8_t>;

// The API's calls, for calls.log, faults and messages.
enum class Call {
  is_ntds_online,
  set_auth_identity,
  backup_prepare,
  backup_get_database_names,
  backup_open_file,
  backup_read,
  backup_close,
  backup_get_backup_logs,
  backup_truncate_logs,
  backup_end,
  backup_free,
  restore_prepare,
  restore_get_database_locations,
  restore_register,
  restore_register_complete,
  restore_end,
};
const std::vector<Call>& all_calls();
const char* call_name(Call c);  // "DsRestorePrepare"
std::optional<Call> call_from_name(std::string_view name);

class Api {
 public:
  virtual ~Api() = default;
  virtual const char* backend_name() const = 0;  // "sim" or "win32"
  // When the last call failed in the backend itself rather than in the API (a malformed
  // list or token from the DLL, text that does not convert to UTF-16), what went wrong;
  // empty otherwise. The HRESULT of such a failure is hrError or hrInvalidParam, which alone
  // would not say why.
  virtual std::string failure_detail() const { return {}; }

  // DsIsNTDSOnline(server, &online).
  virtual HResult is_ntds_online(const std::string& server, bool& online) = 0;
  // DsSetAuthIdentity(user, domain, password): the security context of later calls in this
  // process. The password is passed through and never stored or logged.
  virtual HResult set_auth_identity(const std::string& user, const std::string& domain,
                                    const std::string& password) = 0;

  // DsBackupPrepare(server, grbit, btFlag, &token, &cbToken, &hbc). On success `token` holds
  // a copy of the expiry token and `token_buffer` the API's allocation of it.
  virtual HResult backup_prepare(const std::string& server, std::uint32_t grbit, std::uint32_t bt_flag,
                                 ExpiryToken& token, ApiBuffer& token_buffer, Hbc& hbc) = 0;
  // DsBackupGetDatabaseNames(hbc, &list, &cb).
  virtual HResult backup_get_database_names(Hbc hbc, BftList& names, ApiBuffer& buffer) = 0;
  // DsBackupOpenFile(hbc, name, cbReadHintSize, &size). `name` is a path from a list
  // (without its BFT character). One open file per context.
  virtual HResult backup_open_file(Hbc hbc, const std::string& name, std::uint32_t read_hint,
                                   std::uint64_t& file_size) = 0;
  // DsBackupRead(hbc, buffer, cbBuffer, &cbRead): may return fewer bytes than asked for;
  // ERROR_HANDLE_EOF at the end of the file.
  virtual HResult backup_read(Hbc hbc, void* buffer, std::uint32_t size, std::uint32_t& bytes_read) = 0;
  // DsBackupClose(hbc): closes the open file.
  virtual HResult backup_close(Hbc hbc) = 0;
  // DsBackupGetBackupLogs(hbc, &list, &cb): only after every database file was read and closed.
  virtual HResult backup_get_backup_logs(Hbc hbc, BftList& logs, ApiBuffer& buffer) = 0;
  // DsBackupTruncateLogs(hbc).
  virtual HResult backup_truncate_logs(Hbc hbc) = 0;
  // DsBackupEnd(hbc): call on every path once backup_prepare succeeded.
  virtual HResult backup_end(Hbc hbc) = 0;
  // DsBackupFree(buffer): exactly once per returned buffer. Void, as in the C API; the
  // simulator records double and invalid frees.
  virtual void backup_free(ApiBuffer buffer) = 0;

  // DsRestorePrepare(server, rtFlag, token, cbToken, &hbc). Without a token (nullopt, the C
  // API's NULL) the context only allows GetDatabaseLocations and End.
  virtual HResult restore_prepare(const std::string& server, std::uint32_t rt_flag,
                                  const std::optional<ExpiryToken>& token, Hbc& hbc) = 0;
  // DsRestoreGetDatabaseLocations(hbc, &list, &cb); also callable with a backup context.
  virtual HResult restore_get_database_locations(Hbc hbc, BftList& locations, ApiBuffer& buffer) = 0;
  // DsRestoreRegister(hbc, checkpointDir, logDir, rstmap, crstmap, backupLogDir, genLow,
  // genHigh). An empty path stands for the C API's NULL (which the API refuses).
  virtual HResult restore_register(Hbc hbc, const std::string& checkpoint_dir, const std::string& log_dir,
                                   const std::vector<RestoreMapEntry>& restore_map,
                                   const std::string& backup_log_dir, std::uint32_t gen_low,
                                   std::uint32_t gen_high) = 0;
  // DsRestoreRegisterComplete(hbc, hrRestoreState): S_OK after a good copy, else the error.
  virtual HResult restore_register_complete(Hbc hbc, HResult restore_state) = 0;
  // DsRestoreEnd(hbc): call on every path once restore_prepare succeeded.
  virtual HResult restore_end(Hbc hbc) = 0;
};

// Frees an ApiBuffer when it goes out of scope (or earlier with reset()).
class ScopedBuffer {
 public:
  explicit ScopedBuffer(Api& api) : m_api(api) {}
  ~ScopedBuffer() { reset(); }
  ScopedBuffer(const ScopedBuffer&) = delete;
  ScopedBuffer& operator=(const ScopedBuffer&) = delete;
  ApiBuffer& get() { return m_buffer; }  // pass to the call that fills it
  void reset() {
    if (!m_buffer.is_null()) m_api.backup_free(m_buffer);
    m_buffer = ApiBuffer{};
  }

 private:
  Api& m_api;
  ApiBuffer m_buffer;
};

// The local form of a path the API reports: on a DC the lists name files by UNC through
// the administrative share (\\DC01\C$\Windows\NTDS\ntds.dit, ntds-api.md 3.4). When the
// server is `machine` (NetBIOS or DNS name, case-insensitive) and the share is X$, returns
// X:\...; any other path is returned unchanged.
WinPath local_form(const WinPath& path, const std::vector<std::string>& machine_names);

}  // namespace adrestore::ntds
