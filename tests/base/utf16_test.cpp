#include <doctest/doctest.h>

#include "base/utf16.h"

using namespace adrestore;

TEST_SUITE("base") {
  TEST_CASE("UTF-8 and UTF-16 round-trip ASCII, accents, CJK and characters beyond the BMP") {
    const std::string text = "C:\\Windows\\NTDS\\d\xC3\xBC" "dd\xE6\x97\xA5\xF0\x9F\x98\x80.dit";
    auto wide = utf8_to_utf16(text);
    REQUIRE(wide.is_ok());
    CHECK(*wide == u"C:\\Windows\\NTDS\\d\u00FCdd\u65E5\U0001F600.dit");
    CHECK(wide->size() == 16 + 4 + 1 + 2 + 4);  // the emoji is a surrogate pair
    auto back = utf16_to_utf8(*wide);
    REQUIRE(back.is_ok());
    CHECK(*back == text);
    CHECK(utf8_to_utf16("")->empty());
    CHECK(utf16_to_utf8(u"")->empty());
  }

  TEST_CASE("malformed UTF-8 is refused with its byte offset, never guessed") {
    auto overlong = utf8_to_utf16("ab\xC0\xAF");
    REQUIRE_FALSE(overlong.is_ok());
    CHECK(overlong.status().code() == Code::invalid_input);
    CHECK(overlong.status().message().find("byte 2") != std::string::npos);
    CHECK_FALSE(utf8_to_utf16("\xED\xA0\x80").is_ok());  // an encoded surrogate
    CHECK_FALSE(utf8_to_utf16("x\xE6\x97").is_ok());     // truncated
  }

  TEST_CASE("an unpaired surrogate in UTF-16 is refused, leading or trailing") {
    const char16_t lone_high[] = {u'a', 0xD800, u'b'};
    auto r = utf16_to_utf8(std::u16string_view(lone_high, 3));
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message().find("unit 1") != std::string::npos);
    const char16_t lone_low[] = {0xDC00};
    CHECK_FALSE(utf16_to_utf8(std::u16string_view(lone_low, 1)).is_ok());
    const char16_t high_at_end[] = {u'a', 0xDBFF};
    CHECK_FALSE(utf16_to_utf8(std::u16string_view(high_at_end, 2)).is_ok());
  }
}
