// Text helpers (base/text.h) and durations (base/duration.h).
#include "base/text.h"

#include <doctest/doctest.h>

#include "base/duration.h"

namespace adrestore::testing {

TEST_SUITE("base") {
  TEST_CASE("edit distance counts edits case-insensitively and stops at the cap") {
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("maxAge", "maxage") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("a", "abcdefghijklmn", 3) == 4);
    CHECK(edit_distance("abcdefgh", "hgfedcba", 2) == 3);
  }

  TEST_CASE("did you mean suggests a close candidate and nothing for a far one") {
    const std::vector<std::string> keys = {"source", "manifest", "maxAge"};
    CHECK(did_you_mean("max_age", keys) == std::optional<std::string>("maxAge"));
    CHECK(did_you_mean("sorce", keys) == std::optional<std::string>("source"));
    CHECK_FALSE(did_you_mean("compress", keys).has_value());
    CHECK_FALSE(did_you_mean("ab", keys).has_value());
    CHECK_FALSE(did_you_mean("x", {}).has_value());
  }

  TEST_CASE("invalid UTF-8 is found at its first byte; valid text of every length passes") {
    CHECK_FALSE(find_invalid_utf8("plain ascii").has_value());
    CHECK_FALSE(find_invalid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80").has_value());  // é € 😀
    CHECK(find_invalid_utf8("ab\x80") == std::optional<std::size_t>(2));
    CHECK(find_invalid_utf8("a\xC3") == std::optional<std::size_t>(1));             // truncated
    CHECK(find_invalid_utf8("\xC0\xAF") == std::optional<std::size_t>(0));          // overlong /
    CHECK(find_invalid_utf8("\xE0\x80\xAF") == std::optional<std::size_t>(0));      // overlong, 3 bytes
    CHECK(find_invalid_utf8("\xED\xA0\x80") == std::optional<std::size_t>(0));      // surrogate
    CHECK(find_invalid_utf8("\xF4\x90\x80\x80") == std::optional<std::size_t>(0));  // past U+10FFFF
    CHECK(find_invalid_utf8("\xFF") == std::optional<std::size_t>(0));
    CHECK(find_invalid_utf8("\xC3\x28") == std::optional<std::size_t>(0));  // bad continuation
  }

  TEST_CASE("control characters are found, except tab, newline and an allowed carriage return") {
    CHECK_FALSE(find_control_char("a\tb\nc", false).has_value());
    CHECK(find_control_char("a\rb", false) == std::optional<std::size_t>(1));
    CHECK_FALSE(find_control_char("a\rb", true).has_value());
    CHECK(find_control_char("ab\x7F", false) == std::optional<std::size_t>(2));
    CHECK(find_control_char("a\xC2\x85", false) == std::optional<std::size_t>(1));  // C1: NEL
    CHECK_FALSE(find_control_char("\xC2\xA0", false).has_value());                  // no-break space
  }

  TEST_CASE("escaping for the terminal makes control characters visible and leaves the rest") {
    CHECK(escape_for_terminal("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(escape_for_terminal("\x1B[31m") == "\\x1B[31m");
    CHECK(escape_for_terminal("\xC2\x9B") == "\\u009B");
    CHECK(escape_for_terminal("D:\\NTDS \xC3\xA9") == "D:\\NTDS \xC3\xA9");
  }

  TEST_CASE("string helpers split, join, compare and list alternatives") {
    CHECK(split("a\\b\\\\c", '\\') == std::vector<std::string>{"a", "b", "", "c"});
    CHECK(split("", ',') == std::vector<std::string>{""});
    CHECK(join({"a", "b"}, ", ") == "a, b");
    CHECK(iequals("NTDS", "ntds"));
    CHECK_FALSE(iequals("NTDS", "ntd"));
    CHECK(to_lower_ascii("PassWord") == "password");
    CHECK(starts_with("adrestore_x", "adrestore_"));
    CHECK(ends_with("x.yaml", ".yaml"));
    CHECK_FALSE(ends_with("l", ".yaml"));
    CHECK(join_alternatives({"a"}) == "a");
    CHECK(join_alternatives({"a", "b"}) == "a or b");
    CHECK(join_alternatives({"a", "b", "c"}, " and ") == "a, b and c");
  }

  TEST_CASE("line and column of a byte offset count characters, not bytes") {
    CHECK(line_col_at("ab\ncd", 4).line == 2);
    CHECK(line_col_at("ab\ncd", 4).column == 2);
    CHECK(line_col_at("\xC3\xA9x", 2).column == 2);
    CHECK(line_col_at("abc", 100).column == 4);
  }

  TEST_CASE("sizes parse with binary and decimal units and refuse overflow") {
    CHECK(parse_size("64Mi") == std::optional<std::uint64_t>(64ULL << 20));
    CHECK(parse_size("2Gi") == std::optional<std::uint64_t>(2ULL << 30));
    CHECK(parse_size("10M") == std::optional<std::uint64_t>(10000000));
    CHECK(parse_size("4096") == std::optional<std::uint64_t>(4096));
    CHECK(parse_size("1k") == std::optional<std::uint64_t>(1000));
    CHECK_FALSE(parse_size("").has_value());
    CHECK_FALSE(parse_size("Mi").has_value());
    CHECK_FALSE(parse_size("5 Mi").has_value());
    CHECK_FALSE(parse_size("1Pi").has_value());
    CHECK_FALSE(parse_size("99999999999999999999").has_value());
    CHECK_FALSE(parse_size("17179869184Gi").has_value());
    CHECK(format_bytes(512) == "512 B");
    CHECK(format_bytes(1536) == "1.5 KiB");
    CHECK(format_bytes(64ULL << 20) == "64.0 MiB");
  }

  TEST_CASE("durations are an integer and one unit; the shortest exact form is printed") {
    CHECK(parse_duration_seconds("90s") == std::optional<std::int64_t>(90));
    CHECK(parse_duration_seconds("5m") == std::optional<std::int64_t>(300));
    CHECK(parse_duration_seconds("2h") == std::optional<std::int64_t>(7200));
    CHECK(parse_duration_seconds("180d") == std::optional<std::int64_t>(180LL * 86400));
    CHECK(parse_duration_seconds("0s") == std::optional<std::int64_t>(0));
    CHECK(parse_duration_seconds("99999999999d") == std::optional<std::int64_t>(99999999999LL * 86400));  // no overflow
    for (const std::string bad : {"", "s", "5", "5 m", "5min", "-5m", "1.5h", "5M", "999999999999d"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_duration_seconds(bad).has_value());
    }
    CHECK(format_duration(300) == "5m");
    CHECK(format_duration(86400) == "1d");
    CHECK(format_duration(7200) == "2h");
    CHECK(format_duration(90) == "90s");
    CHECK(format_duration(0) == "0s");
  }
}

}  // namespace adrestore::testing
