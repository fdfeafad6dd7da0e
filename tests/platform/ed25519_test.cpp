// Ed25519 (OpenSSL on POSIX, libgcrypt on Windows: the same RFC 8032 vectors pass on both),
// and the key files keygen writes.
#include <doctest/doctest.h>

#include "platform/ed25519.h"
#include "platform/key_files.h"
#include "support.h"

namespace adrestore::platform {
namespace {

template <std::size_t N>
std::array<std::uint8_t, N> from_hex_n(const std::string& hex) {
  std::array<std::uint8_t, N> out{};
  REQUIRE(hex_decode(hex, out.data(), N));
  return out;
}

TEST_SUITE("platform") {
  TEST_CASE("Ed25519 matches RFC 8032 test 1 (empty message)") {
    const auto seed = from_hex_n<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    const auto pub = from_hex_n<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const auto want = from_hex_n<64>(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe2465"
        "5141438e7a100b");
    CHECK(ed25519_available());
    auto derived = ed25519_public_key(seed);
    REQUIRE(derived.is_ok());
    CHECK(*derived == pub);
    auto sig = ed25519_sign(seed, "");
    REQUIRE(sig.is_ok());
    CHECK(*sig == want);
    auto ok = ed25519_verify(pub, "", want);
    REQUIRE(ok.is_ok());
    CHECK(*ok);
  }

  TEST_CASE("an Ed25519 signature fails for another message, another key or a changed signature") {
    auto a = ed25519_generate();
    auto b = ed25519_generate();
    REQUIRE(a.is_ok());
    REQUIRE(b.is_ok());
    CHECK(a->seed != b->seed);
    auto sig = ed25519_sign(a->seed, "the manifest");
    REQUIRE(sig.is_ok());
    CHECK(*ed25519_verify(a->public_key, "the manifest", *sig));
    CHECK_FALSE(*ed25519_verify(a->public_key, "the manifesT", *sig));
    CHECK_FALSE(*ed25519_verify(b->public_key, "the manifest", *sig));
    Ed25519Signature bad = *sig;
    bad[10] ^= 1;
    CHECK_FALSE(*ed25519_verify(a->public_key, "the manifest", bad));
  }

  TEST_CASE("key files round-trip, and an edited or malformed key file is refused") {
    auto kp = ed25519_generate();
    REQUIRE(kp.is_ok());
    PublicKeyFile pub;
    pub.key = kp->public_key;
    pub.expires_unix = *parse_expiry_date("2027-06-30");
    const std::string pub_text = format_public_key_file(pub);
    auto back = parse_public_key_file(pub_text);
    REQUIRE(back.is_ok());
    CHECK(back->key == kp->public_key);
    CHECK(back->fingerprint == key_fingerprint(kp->public_key));
    CHECK(back->expires_unix == pub.expires_unix);
    CHECK(testing::contains(pub_text, "\"expires\": \"2027-06-30\""));

    const std::string key_text = format_private_key_file(*kp);
    auto key_back = parse_private_key_file(key_text);
    REQUIRE(key_back.is_ok());
    CHECK(key_back->seed == kp->seed);
    CHECK(key_back->public_key == kp->public_key);
    CHECK_FALSE(parse_public_key_file(key_text).is_ok());  // a private key is not a public key file
    CHECK_FALSE(parse_private_key_file(pub_text).is_ok());

    const std::string fp = key_fingerprint(kp->public_key);
    std::string edited = pub_text;
    edited[edited.find(fp) + 3] = edited[edited.find(fp) + 3] == '0' ? '1' : '0';
    CHECK(testing::contains(parse_public_key_file(edited).status().message(), "fingerprint does not match"));
    CHECK_FALSE(parse_public_key_file(pub_text.substr(0, pub_text.size() / 2)).is_ok());
    CHECK(testing::contains(parse_public_key_file("{\"format\": \"x\", \"format\": \"y\"}").status().message(), "appears twice"));
    CHECK(testing::contains(parse_public_key_file("{\"format\": {\"a\": \"b\"}}").status().message(), "strings"));
    CHECK(testing::contains(parse_public_key_file(std::string(5000, ' ')).status().message(), "at most 4096"));
    std::string extra = pub_text;
    extra.insert(1, "\"comment\": \"hi\",");
    CHECK(testing::contains(parse_public_key_file(extra).status().message(), "unknown member 'comment'"));
  }

  TEST_CASE("expiry dates are strict calendar dates") {
    CHECK(*parse_expiry_date("1970-01-02") == 86400);
    CHECK(format_expiry_date(*parse_expiry_date("2028-02-29")) == "2028-02-29");
    for (const char* bad : {"2027-02-29", "2027-13-01", "2027-6-30", "2027-06-30T00:00:00Z", "", "20270630xx", "1969-12-31"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_expiry_date(bad).is_ok());
    }
  }
}

}  // namespace
}  // namespace adrestore::platform
