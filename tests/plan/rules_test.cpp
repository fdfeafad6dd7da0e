// The semantic rules of plan-format.md ("Rules the schema cannot express" 1-8), each with a
// failing and a passing fixture under fixtures/rules. The expected errors (line, column,
// field path, message) are in each fixture's '# expect:' lines.
#include <doctest/doctest.h>

#include "plan/fixture_support.h"
#include "support.h"

namespace adrestore::testing {

TEST_SUITE("plan") {
  TEST_CASE("rule 1: '..', '.', wildcards, device names and alternate data streams are refused in every path field") {
    expect_plan_fixture("rules/rule1-path-tricks-bad.yaml");
    expect_plan_fixture("rules/rule1-path-names-bad.yaml");
  }

  TEST_CASE("rule 1: relative and drive-relative paths are refused where an absolute path belongs") {
    expect_plan_fixture("rules/rule1-relative-paths-bad.yaml");
  }

  TEST_CASE("rule 1: forward slashes, trailing separators, UNC paths and dots inside names are accepted") {
    const plan::PlanLoad load = expect_plan_fixture("rules/rule1-paths-ok.yaml");
    REQUIRE(load.plan.has_value());
    CHECK(load.plan->backup_source.value.str() == "\\\\backup01\\adbackups\\DC01");
    REQUIRE(load.plan->dest_database.has_value());
    CHECK(load.plan->dest_database->value.str() == "E:\\NTDS");
  }

  TEST_CASE("rule 2: a destination equal to the backup source is refused, whatever the case and trailing separator") {
    expect_plan_fixture("rules/rule2-destination-equals-source-bad.yaml");
  }

  TEST_CASE("rule 2: a destination inside the backup source is refused at the destination") {
    expect_plan_fixture("rules/rule2-destination-inside-source-bad.yaml");
  }

  TEST_CASE("rule 2: a backup source inside a destination is refused at the source") {
    expect_plan_fixture("rules/rule2-source-inside-destination-bad.yaml");
    expect_plan_fixture("rules/rule2-unc-bad.yaml");
  }

  TEST_CASE("rule 2: the quarantine may not equal, lie inside or contain the backup source") {
    expect_plan_fixture("rules/rule2-quarantine-equals-source-bad.yaml");
    expect_plan_fixture("rules/rule2-quarantine-inside-source-bad.yaml");
    expect_plan_fixture("rules/rule2-quarantine-contains-source-bad.yaml");
  }

  TEST_CASE("rule 2: siblings with a common prefix are not inside each other, in either direction") {
    expect_plan_fixture("rules/rule2-sibling-prefix-ok.yaml");
    expect_plan_fixture("rules/rule2-sibling-prefix-reversed-ok.yaml");
    expect_plan_fixture("rules/rule2-unc-siblings-ok.yaml");
  }

  TEST_CASE("rule 3: the quarantine may not be or lie inside any destination") {
    expect_plan_fixture("rules/rule3-quarantine-inside-destination-bad.yaml");
    expect_plan_fixture("rules/rule3-quarantine-equals-destination-bad.yaml");
    expect_plan_fixture("rules/rule3-quarantine-beside-destination-ok.yaml");
  }

  TEST_CASE("rule 4: hook names are unique across pre and post hooks") {
    expect_plan_fixture("rules/rule4-duplicate-hook-names-bad.yaml");
  }

  TEST_CASE("rule 4: only known substitutions are allowed, and ${run.outcome} only in post hooks") {
    expect_plan_fixture("rules/rule4-substitutions-bad.yaml");
    expect_plan_fixture("rules/rule4-hooks-ok.yaml");
  }

  TEST_CASE("rule 5: maxAge lies between 1d and 3650d, in whatever unit it is written") {
    expect_plan_fixture("rules/rule5-max-age-too-short-bad.yaml");
    expect_plan_fixture("rules/rule5-max-age-too-long-bad.yaml");
    const plan::PlanLoad ok = expect_plan_fixture("rules/rule5-bounds-ok.yaml");
    REQUIRE(ok.plan.has_value());
    CHECK(ok.plan->max_age_seconds == 86400);
  }

  TEST_CASE("rule 5: a hook timeout lies between 1s and 24h and the message quotes it as written") {
    expect_plan_fixture("rules/rule5-timeouts-bad.yaml");
    const plan::PlanLoad ok = expect_plan_fixture("rules/rule5-bounds-ok.yaml");
    REQUIRE(ok.plan.has_value());
    CHECK(ok.plan->pre_hooks.at(0).timeout_seconds == 86400);
    CHECK(ok.plan->post_hooks.at(0).timeout_seconds == 86400);
  }

  TEST_CASE("rule 6: keys that look like secrets are refused anywhere, passwordFrom only outside credentials") {
    expect_plan_fixture("rules/rule6-secrets-bad.yaml");
  }

  TEST_CASE("rule 6: the secret words may appear in values, and credentials.passwordFrom is allowed") {
    expect_plan_fixture("rules/rule6-secret-words-in-values-ok.yaml");
  }

  TEST_CASE("rule 7: every unknown key is reported at its own position, with a suggestion when one is close") {
    expect_plan_fixture("rules/rule7-unknown-keys-bad.yaml");
    expect_plan_fixture("valid/full.yaml");
  }

  TEST_CASE("rule 7: a suggestion that looks identical to the key names the look-alike character") {
    expect_plan_fixture("rules/rule7-lookalike-key-bad.yaml");
  }

  TEST_CASE("rule 8: duplicate keys are reported at the second occurrence, naming the first line") {
    expect_plan_fixture("rules/rule8-duplicate-keys-bad.yaml");
    expect_plan_fixture("rules/rule8-same-key-in-different-maps-ok.yaml");
  }

  TEST_CASE("hooks: batch files, an empty program and bad environment names are refused") {
    expect_plan_fixture("rules/hook-programs-bad.yaml");
  }

  TEST_CASE("authoritative distinguished names are checked against RFC 4514 syntax") {
    expect_plan_fixture("rules/distinguished-names-bad.yaml");
    expect_plan_fixture("rules/distinguished-names-ok.yaml");
  }

  TEST_CASE("label names are 1 to 63 characters long") { expect_plan_fixture("rules/labels-bad.yaml"); }

  TEST_CASE("every rule fixture is used by a test above") {
    // A fixture nobody loads proves nothing; this keeps the directory and the tests in step.
    const std::string self = read_file(source_dir() / "tests" / "plan" / "rules_test.cpp");
    for (const std::string& name : list_plan_fixtures("rules")) {
      CHECK_MESSAGE(self.find("\"" + name + "\"") != std::string::npos, name << " is not used by rules_test.cpp");
    }
  }
}

}  // namespace adrestore::testing
