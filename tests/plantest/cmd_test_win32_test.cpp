// `adrestore test` on Windows: refused with a pointer to Linux, since the hook stand-ins of
// plan tests are /bin/sh scripts (doc/plan-tests.md).
#include <doctest/doctest.h>

#include "support.h"

using adrestore::testing::RunResult;
using adrestore::testing::contains;
using adrestore::testing::run_adrestore;
using adrestore::testing::source_dir;

TEST_SUITE("plantest") {
  TEST_CASE("adrestore test on Windows is a usage error that says plan tests run on Linux") {
    RunResult r = run_adrestore({"test", (source_dir() / "plans").string()}, 60);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.err, "plan tests run on Linux for now"), r.err);
  }
}
