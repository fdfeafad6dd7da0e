#include <doctest/doctest.h>

#include <algorithm>

#include "platform/secure_wipe.h"

using namespace adrestore;

TEST_SUITE("platform") {
  TEST_CASE("secure_wipe zeroes every byte of a buffer") {
    unsigned char buf[64];
    std::fill(std::begin(buf), std::end(buf), 0xA5);
    platform::secure_wipe(buf + 8, 32);
    CHECK(std::all_of(buf + 8, buf + 40, [](unsigned char c) { return c == 0; }));
    CHECK(buf[7] == 0xA5);  // and nothing around it
    CHECK(buf[40] == 0xA5);
    platform::secure_wipe(nullptr, 0);  // harmless
  }

  TEST_CASE("secure_wipe of a string zeroes its whole buffer, also what lies past a shrunk size, and empties it") {
    std::string s(100, 'p');
    const char* data = s.data();
    s.resize(10);  // same buffer; the old bytes are still there past the size
    const std::size_t cap = s.capacity();
    REQUIRE(cap >= 100);
    platform::secure_wipe(s);
    CHECK(s.empty());
    REQUIRE(s.data() == data);  // no reallocation: the bytes checked are the password's
    CHECK(std::all_of(data, data + cap, [](char c) { return c == '\0'; }));

    std::u16string w(40, u'p');
    const char16_t* wdata = w.data();
    platform::secure_wipe(w);
    CHECK(std::all_of(wdata, wdata + 40, [](char16_t c) { return c == 0; }));

    std::vector<std::string> list{std::string(50, 'a'), std::string(3, 'b')};
    platform::secure_wipe(list);
    CHECK(list.empty());
  }
}
