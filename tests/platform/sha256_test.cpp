// platform/sha256.h: OpenSSL on POSIX, CNG on Windows; the same answers everywhere.
#include <doctest/doctest.h>

#include "platform/sha256.h"

using namespace adrestore::platform;

TEST_SUITE("platform") {
  TEST_CASE("sha256 matches the FIPS 180-2 test vectors") {
    CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(to_hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  }

  TEST_CASE("a streamed hash equals the one-shot hash and finish starts over") {
    const std::string million(1000000, 'a');
    Sha256 h;
    for (std::size_t i = 0; i < million.size(); i += 4096) {
      h.update(million.data() + i, std::min<std::size_t>(4096, million.size() - i));
    }
    CHECK(to_hex(h.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    h.update("abc", 3);  // the hasher is reusable after finish()
    CHECK(to_hex(h.finish()) == to_hex(sha256("abc")));
  }

  TEST_CASE("a moved hasher keeps its state") {
    Sha256 a;
    a.update("ab", 2);
    Sha256 b(std::move(a));
    b.update("c", 1);
    CHECK(to_hex(b.finish()) == to_hex(sha256("abc")));
  }

  TEST_CASE("from_hex reads what to_hex writes and rejects anything else") {
    Digest d{};
    REQUIRE(from_hex(to_hex(sha256("abc")), d));
    CHECK(d == sha256("abc"));
    CHECK(from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", d));
    CHECK_FALSE(from_hex("ba78", d));
    CHECK_FALSE(from_hex(std::string(64, 'g'), d));
  }
}
