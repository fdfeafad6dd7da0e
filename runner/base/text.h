// Small text helpers shared by the parsers and the output formats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adrestore {

// Levenshtein distance, capped: returns cap + 1 as soon as the distance exceeds cap.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap = 8);

// The candidate closest to `word` if it is close enough to be a likely typo, else nullopt.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Returns the byte offset of the first invalid UTF-8 sequence, or nullopt if valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// True for C0 controls other than tab and newline, DEL, and C1 controls (U+0080..U+009F).
// `text` must be valid UTF-8; returns the byte offset of the first such character.
std::optional<std::size_t> find_control_char(std::string_view text, bool allow_carriage_return);

// Escapes control characters as \n, \t, \r, \xNN (C1 controls as \u0080..\u009F) so a value is
// safe on a terminal. Backslashes are left alone: Windows paths stay readable.
std::string escape_for_terminal(std::string_view text);

std::string to_lower_ascii(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);
std::vector<std::string> split(std::string_view text, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// "a", "a or b", "a, b or c"
std::string join_alternatives(const std::vector<std::string>& items, std::string_view last_sep = " or ");

// Line and column (1-based) of a byte offset in text.
struct LineCol {
  int line = 1;
  int column = 1;
};
LineCol line_col_at(std::string_view text, std::size_t offset);

// Human sizes: 64Mi, 2Gi, 10M, 4096 (bytes). Returns nullopt when malformed or overflowing.
std::optional<std::uint64_t> parse_size(std::string_view text);
std::string format_bytes(std::uint64_t bytes);

}  // namespace adrestore
