#include "backup/encoding.h"

#include "base/time.h"

#include <array>
#include <cstdio>

namespace adrestore::backup {
namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> k_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[static_cast<std::size_t>(m - 1)];
}

constexpr std::int64_t k_min_unix = 0;                 // 1970-01-01T00:00:00Z
constexpr std::int64_t k_max_unix = 253402300799LL;   // 9999-12-31T23:59:59Z

}  // namespace

std::string encode_base64(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += k_alphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  auto bad = [](const std::string& why) { return Status::error(Code::invalid_input, "not valid base64: " + why); };
  if (text.size() % 4 != 0) {
    return bad("its length (" + std::to_string(text.size()) + ") is not a multiple of 4 (padded base64 is required)");
  }
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = (text.size() >= 2 && text[text.size() - 2] == '=') ? 2 : 1;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::array<int, 4> v{};
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 4 - pad) {
        v[k] = 0;
        continue;
      }
      v[k] = base64_value(c);
      if (v[k] < 0) {
        return bad(c == '=' ? "'=' padding appears before the end"
                            : "character " + std::to_string(i + k + 1) + " is outside the base64 alphabet");
      }
    }
    const std::uint32_t n = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                            (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<std::uint8_t>(n >> 16));
    if (!(last && pad == 2)) out.push_back(static_cast<std::uint8_t>(n >> 8));
    if (!(last && pad >= 1)) out.push_back(static_cast<std::uint8_t>(n));
    // Canonical form: the bits that padding leaves unused must be zero.
    if (last && ((pad == 1 && (n & 0xFF) != 0) || (pad == 2 && (n & 0xFFFF) != 0))) {
      return bad("the last character has bits set that padding discards (not canonical base64)");
    }
  }
  return out;
}

Result<std::int64_t> parse_rfc3339_utc(std::string_view t) {
  auto bad = [&](const std::string& why) {
    return Status::error(Code::invalid_input, why + "; write a UTC time such as 2026-11-20T02:00:00Z");
  };
  static constexpr char k_shape[] = "dddd-dd-ddTdd:dd:ddZ";
  if (t.size() != sizeof(k_shape) - 1) return bad("not of the form YYYY-MM-DDTHH:MM:SSZ");
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool digit = t[i] >= '0' && t[i] <= '9';
    if (k_shape[i] == 'd' ? !digit : t[i] != k_shape[i]) return bad("not of the form YYYY-MM-DDTHH:MM:SSZ");
  }
  auto num = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  const int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  const int hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  if (year < 1970) return bad("the year " + std::to_string(year) + " is before 1970");
  if (month < 1 || month > 12) return bad("the month " + std::to_string(month) + " does not exist");
  if (day < 1 || day > days_in_month(year, month)) {
    return bad("the day " + std::to_string(day) + " does not exist in that month");
  }
  if (hour > 23 || minute > 59 || second > 59) return bad("the time of day is out of range");
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second;
}


}  // namespace adrestore::backup
