// Durations as plans write them: an integer and one unit, s, m, h or d ("90s", "180d").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace adrestore {

std::optional<std::int64_t> parse_duration_seconds(std::string_view text);
std::string format_duration(std::int64_t seconds);  // the shortest exact form: 300 -> "5m"

}  // namespace adrestore
