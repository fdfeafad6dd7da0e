#include "base/time.h"

#include <cstdio>
#include <ctime>

namespace adrestore {
namespace {

constexpr std::int64_t k_min_unix = 0;              // 1970-01-01T00:00:00Z
constexpr std::int64_t k_max_unix = 253402300799;  // 9999-12-31T23:59:59Z

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilDate d;
  d.day = doy - (153 * mp + 2) / 5 + 1;
  d.month = mp < 10 ? mp + 3 : mp - 9;
  d.year = static_cast<std::int64_t>(yoe) + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string format_rfc3339_utc(std::int64_t unix_seconds) {
  if (unix_seconds < k_min_unix) unix_seconds = k_min_unix;
  if (unix_seconds > k_max_unix) unix_seconds = k_max_unix;
  const CivilDate date = civil_from_days(unix_seconds / 86400);
  const std::int64_t secs = unix_seconds % 86400;
  char buf[48];  // room for what -Wformat-truncation assumes a 64-bit year could need
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

std::string format_compact_utc(std::int64_t unix_seconds) {
  std::string out;
  for (char c : format_rfc3339_utc(unix_seconds)) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

}  // namespace adrestore
