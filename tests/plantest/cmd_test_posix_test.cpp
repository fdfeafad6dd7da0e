// `adrestore test` end to end: a broken expectation fails with a readable diff and exit 1,
// the JUnit and JSON reports are well formed. (Every example under plans/ runs as the CTest
// entry plan-tests.)
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/text.h"
#include "support.h"

using adrestore::testing::RunResult;
using adrestore::testing::TempDir;
using adrestore::testing::contains;
using adrestore::testing::run_adrestore;
using adrestore::testing::source_dir;

namespace {

std::string plans_dir() { return (source_dir() / "plans").string(); }

std::size_t test_files_under(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && adrestore::ends_with(e.path().filename().string(), ".test.yaml")) ++n;
  }
  return n;
}

// A copy of the dc01 happy-path test whose call list leaves out DsRestoreRegister.
std::string broken_test(const TempDir& dir) {
  std::string text = adrestore::testing::read_file(source_dir() / "plans/tests/dc01-minimal/happy-path.test.yaml");
  const std::string plan_line = "plan: ../../dc01-minimal.yaml";
  REQUIRE(contains(text, plan_line));
  text.replace(text.find(plan_line), plan_line.size(), "plan: " + plans_dir() + "/dc01-minimal.yaml");
  const std::string reg = "DsRestoreRegister, DsRestoreRegisterComplete";
  REQUIRE(contains(text, reg));
  text.replace(text.find(reg), reg.size(), "DsRestoreRegisterComplete");
  return dir.write("broken.test.yaml", text);
}

}  // namespace

TEST_SUITE("plantest") {
  TEST_CASE("a wrong call list fails with exit 1 and shows the first point of divergence") {
    TempDir dir;
    const std::string file = broken_test(dir);
    const std::string xml = (dir / "junit.xml").string();
    RunResult r = run_adrestore({"test", "--junit", xml, file}, 60);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(contains(r.out, "FAILED dc01-minimal-happy-path (" + file + ")\n"), r.out);
    CHECK_MESSAGE(contains(r.out, file + ":14:10: expectation: calls\n"
                                    "    sequences differ at call 5:\n"
                                    "    expected: DsRestoreRegisterComplete\n"
                                    "    actual:   DsRestoreRegister\n"),
                  r.out);
    CHECK_MESSAGE(contains(r.out, "    > 5. DsRestoreRegister\n"), r.out);
    CHECK_MESSAGE(contains(r.out, "\n0 passed, 1 failed\n"), r.out);
    const std::string junit = adrestore::testing::read_file(xml);
    CHECK(contains(junit, "tests=\"1\" failures=\"1\""));
    CHECK(contains(junit, "<failure message=\"1 expectation(s) not met\""));
    CHECK(contains(junit, "sequences differ at call 5:"));
  }

  TEST_CASE("the JUnit report passes the schema and names test cases by metadata.name") {
    TempDir dir;
    const std::string xml = (dir / "junit.xml").string();
    RunResult r = run_adrestore({"test", "--junit", xml, (source_dir() / "plans/tests/dc01-minimal").string()}, 120);
    CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
    const std::string text = adrestore::testing::read_file(xml);
    CHECK(contains(text, "<testcase name=\"dc01-minimal-happy-path\""));
    CHECK(contains(text, "failures=\"0\""));
    RunResult lint = adrestore::testing::run_process(
        {"/usr/bin/xmllint", "--noout", "--schema", (source_dir() / "schema/junit.xsd").string(), xml}, 30);
    if (lint.exit_code != 127 && lint.exit_code != -1) CHECK_MESSAGE(lint.exit_code == 0, lint.err);
  }

  TEST_CASE("the JSON report is one document with a result per discovered test") {
    const std::filesystem::path dir = source_dir() / "plans/tests/dc03-unc";
    RunResult r = run_adrestore({"test", "--format", "json", dir.string()}, 120);
    CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    CHECK(doc["failed"] == 0);
    REQUIRE(doc["tests"].size() == test_files_under(dir));
    CHECK(doc["tests"].size() >= 9);
    CHECK(doc["tests"][0].contains("observed"));
    CHECK(doc["tests"][0]["observed"].contains("calls"));
  }

  TEST_CASE("world.backup.signWith naming a file that is not a private key fails the test's setup") {
    TempDir dir;
    std::string text = adrestore::testing::read_file(source_dir() / "plans/tests/dc01-signed/signed-trusted.test.yaml");
    const std::string plan_line = "plan: dc01-signed.yaml";
    REQUIRE(contains(text, plan_line));
    text.replace(text.find(plan_line), plan_line.size(), "plan: " + plans_dir() + "/tests/dc01-signed/dc01-signed.yaml");
    const std::string key_line = "signWith: keys/backup-signing.key";
    REQUIRE(contains(text, key_line));
    text.replace(text.find(key_line), key_line.size(), "signWith: signer.key");
    // The public key file, not the private one.
    dir.write("signer.key", adrestore::testing::read_file(source_dir() / "plans/tests/dc01-signed/keys/backup-signing.pub"));
    const std::string file = dir.write("bad-key.test.yaml", text);
    RunResult r = run_adrestore({"test", file}, 60);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(contains(r.out, "world.backup.signWith"), r.out);
    CHECK_MESSAGE(contains(r.out, "unknown member 'publicKey'"), r.out);
  }

  TEST_CASE("no test files under the folder is a usage error") {
    TempDir dir;
    RunResult r = run_adrestore({"test", dir.path().string()}, 20);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "no *.test.yaml files found"));
  }
}
