// Time as adrestore writes it: RFC 3339 in UTC ("2026-11-24T19:05:03Z"), computed without the
// C library's locale- and time-zone-dependent functions, the same on every platform.
#pragma once

#include <cstdint>
#include <string>

namespace adrestore {

// A proleptic Gregorian date.
struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};

// Days since 1970-01-01 of a date, and back (H. Hinnant's days_from_civil and
// civil_from_days); both work before 1970 too.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
CivilDate civil_from_days(std::int64_t days);

// Seconds since the Unix epoch, now.
std::int64_t unix_now();

// "2026-11-24T19:05:03Z". Times are clamped to 1970..9999.
std::string format_rfc3339_utc(std::int64_t unix_seconds);

// "20261124T190503Z": the same instant, compact, for names that sort by time.
std::string format_compact_utc(std::int64_t unix_seconds);

}  // namespace adrestore
