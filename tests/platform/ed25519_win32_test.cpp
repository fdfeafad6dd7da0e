// The Windows build has no Ed25519 yet (doc/backup-trust.md, "Windows"): every operation
// fails with a clear message, so a plan that trusts keys refuses every set there.
#include <doctest/doctest.h>

#include "platform/ed25519.h"
#include "support.h"

namespace adrestore::platform {

TEST_SUITE("platform") {
  TEST_CASE("without Ed25519 every signature operation fails, and verification never passes") {
    CHECK_FALSE(ed25519_available());
    CHECK(testing::contains(ed25519_generate().status().message(), "signature checks are not available in this build"));
    const auto verified = ed25519_verify(Ed25519PublicKey{}, "manifest", Ed25519Signature{});
    REQUIRE_FALSE(verified.is_ok());
    CHECK(testing::contains(verified.status().message(), "not available in this build"));
  }
}

}  // namespace adrestore::platform
