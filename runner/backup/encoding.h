// Strict text encodings the manifest uses: base64 (RFC 4648, standard alphabet, padded,
// canonical) for the expiry token, and RFC 3339 UTC timestamps for createdAt. Both are
// implemented here without locale- or time-zone-dependent library calls, so a manifest
// reads the same on every machine.
#pragma once

#include "base/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adrestore::backup {

std::string encode_base64(const std::vector<std::uint8_t>& bytes);
// Refuses anything but canonical padded base64: characters outside the alphabet, white
// space, missing or extra padding, and non-zero bits in the last character's unused part.
Result<std::vector<std::uint8_t>> decode_base64(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" only (upper-case T and Z, no fraction, no offset other than Z),
// years 1970-9999, calendar-checked (Feb 29 only in leap years, no second 60).
Result<std::int64_t> parse_rfc3339_utc(std::string_view text);
// The inverse; times before 1970 or after 9999 are clamped to those years' bounds.
using ::adrestore::format_rfc3339_utc;  // base/time.h

}  // namespace adrestore::backup
