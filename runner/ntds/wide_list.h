// The file lists of the W functions (DsBackupGetDatabaseNamesW, DsBackupGetBackupLogsW,
// DsRestoreGetDatabaseLocationsW) as they cross the DLL boundary: UTF-16 units, each entry
// <BFT unit><path> NUL, the list ended by an extra NUL, and a byte count from the API
// (ntds-api.md 3.4). Portable, so the parser is unit-tested on every platform; the win32
// backend parses with it and the stand-in ntdsbcli.dll formats with it.
//
// The buffer comes from another module, so nothing in it is trusted: the parser reads only
// inside `bytes`, refuses a byte count above k_max_list_bytes before reading anything, and a
// list that breaks the format is an error naming what is wrong and where, never a crash.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "ntds/api.h"

namespace adrestore::ntds {

// 4 MiB: room for tens of thousands of log paths; a larger count is taken as a broken buffer.
inline constexpr std::uint64_t k_max_list_bytes = 4ULL << 20;

// Parses `bytes` bytes at `data` (the API's pointer and *pcbSize; copied out first, so its
// alignment and type do not matter). Refused (Code::corrupt): a
// null pointer, a byte count that is odd or above k_max_list_bytes, an entry with no path, a
// BFT unit above 0xFF, a path that is not valid UTF-16, data after the terminating NUL (NUL
// padding is fine), an entry cut off by the count (no NUL of its own inside it: its path
// could be a prefix of the real one). Only the list's final extra NUL may lie outside the
// count (whether the API counts it is unverified), as with parse_bft_list.
Result<BftList> parse_wide_bft_list(const void* data, std::uint64_t bytes);

// The list in the API's format, final NULs included (its size() * 2 is the byte count).
// Fails on a path that is not valid UTF-8.
Result<std::u16string> format_wide_bft_list(const BftList& list);

}  // namespace adrestore::ntds
