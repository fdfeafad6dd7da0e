// Arguments and output bytes of the built adrestore, the same on every platform: UTF-8
// arguments (wmain on Windows), GNU-style options only, and "\n" line ends.
#include <doctest/doctest.h>

#include <filesystem>

#include "support.h"

using adrestore::testing::run_adrestore;
using adrestore::testing::TempDir;

TEST_SUITE("cli") {
  TEST_CASE("non-ASCII arguments reach the program and come back as UTF-8") {
    TempDir dir;
    const std::string name = "pl\xC3\xA4n-\xE6\x97\xA5\xE6\x9C\xAC.yaml";  // plän-日本.yaml
    const std::string missing = (dir.path() / std::filesystem::u8path(name)).u8string();
    auto r = run_adrestore({"validate", missing});
    CHECK(r.exit_code == 2);
    CHECK((r.out + r.err).find(name + ": error: cannot read") != std::string::npos);

    const std::string present = dir.write(name, "apiVersion: x\n");
    auto v = run_adrestore({"validate", present});
    CHECK(v.exit_code == 1);  // read and checked: the file was found by its UTF-8 name
    CHECK(v.out.find(name + ":1:1: error") != std::string::npos);
  }

  TEST_CASE("an argument starting with a slash is a path, not a Windows-style option") {
    auto r = run_adrestore({"validate", "/no-such-folder/plan.yaml"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("paths is required") == std::string::npos);
    CHECK((r.out + r.err).find("/no-such-folder/plan.yaml: error: cannot read") != std::string::npos);
  }

  TEST_CASE("--log-level moves the same verbosity as -v and -q") {
    TempDir dir;
    auto quiet = run_adrestore({"--log-level", "warn", "sim", "init", (dir.path() / "w1").string()});
    REQUIRE_MESSAGE(quiet.exit_code == 0, quiet.err);
    CHECK(quiet.out.empty());  // as -q: the summary of the new world is not printed
    auto normal = run_adrestore({"--log-level", "info", "sim", "init", (dir.path() / "w2").string()});
    REQUIRE_MESSAGE(normal.exit_code == 0, normal.err);
    CHECK(normal.out.find("Created a simulated DC") != std::string::npos);
    auto bad = run_adrestore({"--log-level", "loud", "schema"});
    CHECK(bad.exit_code == 2);
  }

  TEST_CASE("output lines end in a bare newline on every platform") {
    auto r = run_adrestore({"schema"});
    REQUIRE(r.exit_code == 0);
    REQUIRE(!r.out.empty());
    CHECK(r.out.find('\r') == std::string::npos);
  }
}
