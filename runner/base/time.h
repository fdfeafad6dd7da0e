// Time as adrestore writes it: RFC 3339 in UTC ("2026-11-24T19:05:03Z"), computed without the
// C library's locale- and time-zone-dependent functions, the same on every platform.
#pragma once

#include <cstdint>
#include <string>

namespace adrestore {

// Seconds since the Unix epoch, now.
std::int64_t unix_now();

// "2026-11-24T19:05:03Z". Times are clamped to 1970..9999.
std::string format_rfc3339_utc(std::int64_t unix_seconds);

// "20261124T190503Z": the same instant, compact, for names that sort by time.
std::string format_compact_utc(std::int64_t unix_seconds);

}  // namespace adrestore
