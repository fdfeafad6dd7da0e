// HRESULTs as the NTDS backup API returns them, and the table of their symbolic names
// (ntdsbmsg.h, winerror.h; ntds-api.md section 4). doc/hresults.md is generated from the
// same table (a test keeps them equal).
//
// The one success test is `hr.ok()` (== S_OK, 0): the API documents "a Win32 or RPC error
// code" on failure and whether those come raw (5) or wrapped (0x80070005) is unverified, so
// FAILED()-style sign tests would take a raw Win32 error for success.
//
// No name here may equal a windows.h / ntdsbmsg.h macro (S_OK, ERROR_ACCESS_DENIED,
// hrInvalidHandle...): the win32 backend includes those headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adrestore::ntds {

class HResult {
 public:
  constexpr HResult() = default;
  constexpr explicit HResult(std::uint32_t value) : m_value(value) {}
  static constexpr HResult from_signed(std::int32_t v) { return HResult(static_cast<std::uint32_t>(v)); }

  constexpr std::uint32_t value() const { return m_value; }
  constexpr std::int32_t as_signed() const { return static_cast<std::int32_t>(m_value); }
  // True only for S_OK (hrNone). Anything else, positive or negative, is a failure.
  constexpr bool ok() const { return m_value == 0; }

  friend constexpr bool operator==(HResult a, HResult b) { return a.m_value == b.m_value; }
  friend constexpr bool operator!=(HResult a, HResult b) { return a.m_value != b.m_value; }

 private:
  std::uint32_t m_value = 0;
};

// HRESULT_FROM_WIN32: 0 stays 0, values that already look like HRESULTs stay as they are,
// everything else becomes 0x8007xxxx.
constexpr HResult hresult_from_win32(std::uint32_t code) {
  if (code == 0 || (code & 0x80000000U) != 0) return HResult(code);
  return HResult((code & 0xFFFFU) | 0x80070000U);
}

// How a backend reports the Win32 and RPC errors it produces itself (ntds-api.md section 4,
// open question 2): as the bare code or wrapped by HRESULT_FROM_WIN32.
enum class Win32Form { raw, wrapped };
constexpr HResult win32_error(std::uint32_t code, Win32Form form) {
  return form == Win32Form::raw ? HResult(code) : hresult_from_win32(code);
}

// ---- Backup facility (FACILITY_BACKUP 0x7FF), ntdsbmsg.h ----
inline constexpr HResult k_hr_none{0x00000000};
inline constexpr HResult k_hr_nyi{0xC0000001};
inline constexpr HResult k_hr_invalid_param{0xC7FF0001};
inline constexpr HResult k_hr_error{0xC7FF0002};
inline constexpr HResult k_hr_invalid_handle{0xC7FF0003};
inline constexpr HResult k_hr_restore_in_progress{0xC7FF0004};
inline constexpr HResult k_hr_already_open{0xC7FF0005};
inline constexpr HResult k_hr_invalid_recips{0xC7FF0006};
inline constexpr HResult k_hr_could_not_connect{0xC7FF0007};
inline constexpr HResult k_hr_restore_map_exists{0xC7FF0008};
inline constexpr HResult k_hr_incremental_backup_disabled{0xC7FF0009};
inline constexpr HResult k_hr_log_file_not_found{0xC7FF000A};
inline constexpr HResult k_hr_circular_logging{0xC7FF000B};
inline constexpr HResult k_hr_no_full_restore{0xC7FF000C};
inline constexpr HResult k_hr_communication_error{0xC7FF000D};
inline constexpr HResult k_hr_full_backup_not_taken{0xC7FF000E};
inline constexpr HResult k_hr_missing_expiry_token{0xC7FF000F};
inline constexpr HResult k_hr_unknown_expiry_token_format{0xC7FF0010};
inline constexpr HResult k_hr_contents_expired{0xC7FF0011};

// ---- JET/ESE errors surfaced through the API (FACILITY_NTDSB 0x800), selected ----
inline constexpr HResult k_hr_backup_in_progress{0xC80001F9};
inline constexpr HResult k_hr_invalid_backup_sequence{0xC8000209};
inline constexpr HResult k_hr_bad_log_signature{0xC8000212};
inline constexpr HResult k_hr_bad_db_signature{0xC8000213};
inline constexpr HResult k_hr_missing_log_file{0xC8000210};
inline constexpr HResult k_hr_missing_restore_log_files{0xC800022D};
inline constexpr HResult k_hr_given_log_file_is_not_contiguous{0xC800022C};
inline constexpr HResult k_hr_disk_full{0xC8000710};

// ---- Win32 and RPC codes (winerror.h), raw ----
inline constexpr std::uint32_t k_error_file_not_found = 2;
inline constexpr std::uint32_t k_error_access_denied = 5;
inline constexpr std::uint32_t k_error_invalid_handle = 6;
inline constexpr std::uint32_t k_error_not_enough_memory = 8;
inline constexpr std::uint32_t k_error_read_fault = 30;
inline constexpr std::uint32_t k_error_handle_eof = 38;
inline constexpr std::uint32_t k_error_invalid_parameter = 87;
inline constexpr std::uint32_t k_error_disk_full = 112;
inline constexpr std::uint32_t k_error_cancelled = 1223;
inline constexpr std::uint32_t k_error_privilege_not_held = 1314;
inline constexpr std::uint32_t k_rpc_s_invalid_binding = 1702;
inline constexpr std::uint32_t k_rpc_s_server_unavailable = 1722;

// One row of the table.
struct HResultInfo {
  std::uint32_t value = 0;
  std::string name;                  // canonical symbolic name, used in messages and calls.log
  std::vector<std::string> aliases;  // other names parse_hresult accepts for the same value
  std::string group;                 // "backup", "ese", "win32", "win32 (HRESULT_FROM_WIN32)", "rpc", "com"
  std::string meaning;
};

// Every known code, ordered by group then value. Values are unique.
const std::vector<HResultInfo>& hresult_table();
const HResultInfo* find_hresult(HResult hr);

// "hrContentsExpired" or, for an unknown value, "0x12345678".
std::string hresult_name(HResult hr);
// "hrContentsExpired (0xC7FF0011)"; unknown values: "0x12345678".
std::string describe_hresult(HResult hr);
// "0xC7FF0011" (8 upper-case hex digits).
std::string hresult_hex(HResult hr);

// Accepts a symbolic name or alias (case-insensitive: hrCouldNotConnect, ERROR_ACCESS_DENIED,
// E_ACCESSDENIED, S_OK), HRESULT_FROM_WIN32(NAME or number), 0x hex (up to 8 digits) or a
// decimal number (negative values are read as signed 32-bit). Errors suggest a close name.
Result<HResult> parse_hresult(std::string_view text);

// The Markdown table written into doc/hresults.md between its marker lines.
std::string hresult_table_markdown();

}  // namespace adrestore::ntds
