#include "base/time.h"

#include <cstdio>
#include <ctime>

namespace adrestore {
namespace {

constexpr std::int64_t k_min_unix = 0;              // 1970-01-01T00:00:00Z
constexpr std::int64_t k_max_unix = 253402300799;  // 9999-12-31T23:59:59Z

}  // namespace

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string format_rfc3339_utc(std::int64_t unix_seconds) {
  if (unix_seconds < k_min_unix) unix_seconds = k_min_unix;
  if (unix_seconds > k_max_unix) unix_seconds = k_max_unix;
  std::int64_t z = unix_seconds / 86400;
  const std::int64_t secs = unix_seconds % 86400;
  // H. Hinnant's civil_from_days.
  z += 719468;
  const std::int64_t era = z / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  char buf[48];  // room for what -Wformat-truncation assumes a 64-bit year could need
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(year), month, day,
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
