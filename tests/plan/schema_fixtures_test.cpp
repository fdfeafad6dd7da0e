// The schema fixtures, checked as a table: each file under fixtures/schema breaks one or more
// constraints of schema/restore-plan.schema.json and says in its header exactly which errors
// (line, column, field path, message) must come out. fixtures/valid holds the passing side.
#include <doctest/doctest.h>

#include "plan/fixture_support.h"

namespace adrestore::testing {

TEST_SUITE("plan") {
  TEST_CASE("every schema fixture reports exactly the errors its header expects") {
    const std::vector<std::string> names = list_plan_fixtures("schema");
    REQUIRE(names.size() >= 60);
    for (const std::string& name : names) {
      CAPTURE(name);
      const Fixture f = read_plan_fixture(name);
      CHECK_MESSAGE(!f.expect.empty(), name << " has no '# expect:' line");
      CHECK_MESSAGE(!f.violates.empty(), name << " has no '# violates:' line");
      check_plan_fixture(f, load_plan_fixture(f));
    }
  }

  TEST_CASE("every valid fixture loads into a plan without a single diagnostic") {
    const std::vector<std::string> names = list_plan_fixtures("valid");
    REQUIRE(names.size() >= 4);
    for (const std::string& name : names) {
      CAPTURE(name);
      const Fixture f = read_plan_fixture(name);
      REQUIRE_MESSAGE(f.expect.empty(), name << " is a valid fixture and must not expect errors");
      check_plan_fixture(f, load_plan_fixture(f));
    }
  }

  TEST_CASE("the limits fixture is at every upper bound, so one more of anything is refused") {
    // A guard against the fixture quietly shrinking: the bounds are counted from the plan.
    const Fixture f = read_plan_fixture("valid/limits-max.yaml");
    const plan::PlanLoad load = load_plan_fixture(f);
    REQUIRE(load.plan.has_value());
    const plan::Plan& p = *load.plan;
    CHECK(p.name.value.size() == 63);
    CHECK(p.domain_controller.value.size() == 255);
    CHECK(p.description.size() == 4096);
    CHECK(p.labels.size() == 64);
    CHECK(p.backup_source.value.str().size() == 32000);
    CHECK(p.max_age_seconds == 3650LL * 86400);
    CHECK(p.authoritative_subtrees.size() == 1000);
    CHECK(p.authoritative_objects.size() == 1000);
    CHECK(p.pre_hooks.size() == 32);
    CHECK(p.post_hooks.size() == 32);
    CHECK(p.pre_hooks.back().run.size() == 256);
    CHECK(p.pre_hooks.back().env.size() == 128);
    CHECK(p.pre_hooks.front().timeout_seconds == 86400);
  }
}

}  // namespace adrestore::testing
