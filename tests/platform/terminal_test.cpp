// Terminal detection (platform/interrupt.h): the built adrestore must not colour output that
// goes to a pipe.
#include <doctest/doctest.h>

#include "platform/interrupt.h"
#include "support.h"

using adrestore::testing::run_adrestore;
using adrestore::testing::TempDir;

TEST_SUITE("platform") {
  TEST_CASE("a stream that is not a standard one is never a terminal") {
    CHECK_FALSE(adrestore::platform::is_terminal(-1));
    CHECK_FALSE(adrestore::platform::is_terminal(99));
  }

  TEST_CASE("output to a pipe has no colour codes in auto mode") {
    TempDir dir;
    const std::string plan = dir.write("p.yaml", "apiVersion: x\n");
    auto plain = run_adrestore({"validate", plan});
    CHECK(plain.exit_code == 1);
    CHECK(plain.out.find('\x1b') == std::string::npos);
    CHECK(plain.err.find('\x1b') == std::string::npos);
  }
}
