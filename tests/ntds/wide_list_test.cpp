#include <doctest/doctest.h>

#include <vector>

#include "ntds/wide_list.h"

using namespace adrestore;
using namespace adrestore::ntds;

namespace {

Result<BftList> parse(const std::u16string& units) { return parse_wide_bft_list(units.data(), units.size() * 2); }

bool refused_with(const Result<BftList>& r, const std::string& part) {
  return !r.is_ok() && r.status().code() == Code::corrupt && r.status().message().find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("ntds") {
  TEST_CASE("a wide BFT list round-trips, BFT codes above 0x7F and non-ASCII paths included") {
    const BftList list = {{k_bft_log_dir, "C:\\Windows\\NTDS"},
                          {k_bft_checkpoint_dir, "\\\\DC01\\C$\\Windows\\NTDS"},
                          {k_bft_ntds_database, "D:\\Datenbank\\\xC3\xBC\\ntds.dit"}};
    auto raw = format_wide_bft_list(list);
    REQUIRE(raw.is_ok());
    CHECK((*raw)[0] == 0x82);
    CHECK(raw->back() == u'\0');
    CHECK((*raw)[raw->size() - 2] == u'\0');
    auto back = parse(*raw);
    REQUIRE(back.is_ok());
    CHECK(*back == list);
  }

  TEST_CASE("a wide list is parsed within its byte count: only the final extra NUL may be missing, padding is fine") {
    CHECK(parse(std::u16string(1, u'\0'))->empty());
    CHECK(parse_wide_bft_list(u"", 0)->empty());
    const std::u16string one = u"\x0021"
                               u"C:\\a.log";
    auto no_final = parse(one + u'\0');  // the count stops after the entry's NUL, before the list's
    REQUIRE(no_final.is_ok());
    REQUIRE(no_final->size() == 1);
    CHECK((*no_final)[0] == BftEntry{k_bft_log, "C:\\a.log"});
    // Bytes past the count are never read: the count covers the first entry and its NUL.
    const std::u16string longer = one + u'\0' +
                                  u"\x0021"
                                  u"C:\\b.log" +
                                  u'\0' + u'\0';
    auto first_only = parse_wide_bft_list(longer.data(), (one.size() + 1) * 2);
    REQUIRE(first_only.is_ok());
    CHECK(first_only->size() == 1);
    CHECK(parse(one + u'\0' + u'\0' + u'\0' + u'\0').is_ok());
  }

  TEST_CASE("a wide list whose byte count cuts off the last entry is refused, not read as a shorter path") {
    const std::u16string one = u"\x0021"
                               u"C:\\a.log";
    CHECK(refused_with(parse(one), "the entry at byte 0 is cut off"));
    // The count ends inside the second entry's path: "C:\\b" would name another file.
    const std::u16string two = one + u'\0' +
                               u"\x0082"
                               u"C:\\b.log" +
                               u'\0' + u'\0';
    CHECK(refused_with(parse_wide_bft_list(two.data(), (one.size() + 1 + 4) * 2), "the entry at byte 20 is cut off"));
    // A count that stops right after the BFT code of an entry cuts it off too.
    CHECK(refused_with(parse_wide_bft_list(two.data(), (one.size() + 2) * 2), "is cut off"));
  }

  TEST_CASE("malformed wide lists are refused with what is wrong and where") {
    CHECK(refused_with(parse_wide_bft_list(nullptr, 0), "no buffer"));
    CHECK(refused_with(parse_wide_bft_list(u"\0", k_max_list_bytes + 2), "more than the"));
    CHECK(refused_with(parse_wide_bft_list(u"\x0044" u"C:\\x\0", 7), "odd byte count"));
    CHECK(refused_with(parse(std::u16string(u"\x0044\0\0", 3)), "at byte 0 has a BFT code but no path"));
    CHECK(refused_with(parse(std::u16string(u"\x4144" u"C:\\x\0\0", 7)), "0x4144, which is not a BFT code"));
    CHECK(refused_with(parse(std::u16string(u"\x0044" u"C:\\x\0\0junk", 11)), "data after the terminating NUL at byte 12"));
    std::u16string lone = u"\x0044" u"C:\\x";
    lone.push_back(static_cast<char16_t>(0xD800));
    lone += std::u16string(2, u'\0');
    CHECK(refused_with(parse(lone), "unpaired surrogate"));
  }

  TEST_CASE("a wide list cannot be made from a path that is not UTF-8") {
    CHECK_FALSE(format_wide_bft_list({{k_bft_log, "C:\\\xFF.log"}}).is_ok());
    CHECK(*format_wide_bft_list({}) == std::u16string(1, u'\0'));
  }
}
