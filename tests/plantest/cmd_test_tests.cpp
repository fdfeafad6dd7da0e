// `adrestore test` end to end: the example plan tests pass, a broken expectation fails with
// the first point of divergence, and the JUnit and JSON reports are well formed.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support.h"

using adrestore::testing::RunResult;
using adrestore::testing::TempDir;
using adrestore::testing::run_adrestore;
using adrestore::testing::source_dir;

namespace {

std::string plans_dir() { return (source_dir() / "plans").string(); }

// A copy of the dc01 happy-path test whose call list leaves out DsRestoreRegister.
std::string broken_test(const TempDir& dir) {
  std::string text = adrestore::testing::read_file(source_dir() / "plans/tests/dc01-minimal/happy-path.test.yaml");
  const std::string plan_line = "plan: ../../dc01-minimal.yaml";
  text.replace(text.find(plan_line), plan_line.size(), "plan: " + plans_dir() + "/dc01-minimal.yaml");
  const std::string reg = "DsRestoreRegister, DsRestoreRegisterComplete";
  REQUIRE(text.find(reg) != std::string::npos);
  text.replace(text.find(reg), reg.size(), "DsRestoreRegisterComplete");
  return dir.write("broken.test.yaml", text);
}

}  // namespace

TEST_SUITE("plantest") {
  TEST_CASE("every example plan test passes") {
    RunResult r = run_adrestore({"test", plans_dir()}, 300);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\n0 failed") == std::string::npos);
    CHECK(r.out.find(" passed, 0 failed\n") != std::string::npos);
  }

  TEST_CASE("a wrong call list fails and shows the first point of divergence") {
    TempDir dir;
    const std::string file = broken_test(dir);
    RunResult r = run_adrestore({"test", file}, 60);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("0 passed, 1 failed") != std::string::npos);
    CHECK(r.out.find("expectation: calls") != std::string::npos);
    CHECK(r.out.find("DsRestoreRegister") != std::string::npos);
    CHECK(r.out.find(file + ":") != std::string::npos);
  }

  TEST_CASE("the JUnit report passes the schema and names test cases by metadata.name") {
    TempDir dir;
    const std::string xml = (dir / "junit.xml").string();
    RunResult r = run_adrestore({"test", "--junit", xml, (source_dir() / "plans/tests/dc01-minimal").string()}, 120);
    CHECK(r.exit_code == 0);
    const std::string text = adrestore::testing::read_file(xml);
    CHECK(text.find("<testcase name=\"dc01-minimal-happy-path\"") != std::string::npos);
    RunResult lint = adrestore::testing::run_process(
        {"/usr/bin/xmllint", "--noout", "--schema", (source_dir() / "schema/junit.xsd").string(), xml}, 30);
    if (lint.exit_code != 127 && lint.exit_code != -1) CHECK_MESSAGE(lint.exit_code == 0, lint.err);
  }

  TEST_CASE("the JSON report is one document with a result per test") {
    RunResult r = run_adrestore({"test", "--format", "json", (source_dir() / "plans/tests/dc03-unc").string()}, 120);
    CHECK(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    CHECK(doc["failed"] == 0);
    CHECK(doc["tests"].size() >= 8);
    CHECK(doc["tests"][0].contains("observed"));
  }
}
