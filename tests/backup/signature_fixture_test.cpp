// A set signed by the Linux build verifies on every build, and a key made here signs what
// the other build verifies: the key, signature and manifest bytes are the same everywhere
// (doc/backup-trust.md, "Windows"). Under the mingw build this runs in Wine against libgcrypt.
#include <doctest/doctest.h>

#include "backup/signature.h"
#include "platform/key_files.h"
#include "support.h"

namespace adrestore::backup {
namespace {

namespace fs = std::filesystem;

// Made once by the Linux binary: `adrestore keygen --out linux-signing`, `adrestore backup
// --api sim ... --sign linux-signing.key` (the private key is not kept; fixtures/linux-signed/README.md).
fs::path fixture(const std::string& name) { return testing::source_dir() / "tests/backup/fixtures/linux-signed" / name; }

bool verifies(const SignatureFile& sig, const std::string& manifest) {
  auto ok = platform::ed25519_verify(sig.public_key, manifest, sig.signature);
  REQUIRE_MESSAGE(ok.is_ok(), ok.status().message());
  return *ok;
}

TEST_SUITE("backup") {
  TEST_CASE("a manifest signed by the Linux build verifies here, and a changed byte does not") {
    const std::string manifest = testing::read_file(fixture("adrestore-backup.json"));
    REQUIRE(manifest.size() > 100);
    auto sig = parse_signature_file(testing::read_file(fixture("adrestore-backup.json.sig")));
    REQUIRE_MESSAGE(sig.is_ok(), sig.status().message());
    auto pub = platform::parse_public_key_file(testing::read_file(fixture("linux-signing.pub")));
    REQUIRE_MESSAGE(pub.is_ok(), pub.status().message());
    CHECK(sig->key_fingerprint == pub->fingerprint);
    CHECK(sig->public_key == pub->key);
    CHECK(verifies(*sig, manifest));

    std::string tampered = manifest;
    const std::size_t at = tampered.find("\"sha256\": \"") + 11;
    REQUIRE(at > 11);
    tampered[at] = tampered[at] == '0' ? '1' : '0';
    CHECK_FALSE(verifies(*sig, tampered));
    CHECK_FALSE(verifies(*sig, manifest + "\n"));
  }

  TEST_CASE("a key made by this build signs a manifest that verifies through its key files") {
    auto made = platform::ed25519_generate();
    REQUIRE_MESSAGE(made.is_ok(), made.status().message());
    // Through the files, as keygen and backup --sign use them.
    auto kp = platform::parse_private_key_file(platform::format_private_key_file(*made));
    REQUIRE(kp.is_ok());
    platform::PublicKeyFile pub_file;
    pub_file.key = kp->public_key;
    auto pub = platform::parse_public_key_file(platform::format_public_key_file(pub_file));
    REQUIRE(pub.is_ok());

    const std::string manifest = testing::read_file(fixture("adrestore-backup.json"));
    auto text = sign_manifest(*kp, manifest, "adrestore-backup.json");
    REQUIRE_MESSAGE(text.is_ok(), text.status().message());
    auto sig = parse_signature_file(*text);
    REQUIRE(sig.is_ok());
    CHECK(sig->public_key == pub->key);
    CHECK(sig->key_fingerprint == pub->fingerprint);
    CHECK(verifies(*sig, manifest));
    std::string tampered = manifest;
    tampered[tampered.size() / 2] ^= 1;
    CHECK_FALSE(verifies(*sig, tampered));
    // The Linux key's signature is no signature for this key.
    auto linux_sig = parse_signature_file(testing::read_file(fixture("adrestore-backup.json.sig")));
    REQUIRE(linux_sig.is_ok());
    CHECK_FALSE(*platform::ed25519_verify(pub->key, manifest, linux_sig->signature));
  }
}

}  // namespace
}  // namespace adrestore::backup
