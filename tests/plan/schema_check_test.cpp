// The schema checker itself (plan/schema_check.h): loading, reuse, and the key lists that
// feed "did you mean" suggestions.
#include "plan/schema_check.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "plan/guard.h"
#include "plan/json_convert.h"
#include "support.h"

namespace adrestore::testing {

TEST_SUITE("plan") {
  TEST_CASE("the schema built into the binary is the one in schema/") {
    CHECK(std::string(plan::restore_plan_schema_text()) ==
          read_file(source_dir() / "schema" / "restore-plan.schema.json"));
  }

  TEST_CASE("a schema that is not JSON is refused with a reason") {
    const auto c = plan::SchemaChecker::create("{\"type\": ");
    REQUIRE_FALSE(c.is_ok());
    CHECK(c.status().code() == Code::internal);
    CHECK(c.status().message().find("cannot load the built-in schema") != std::string::npos);
  }

  TEST_CASE("the keys allowed at a field path follow $ref and list items") {
    const auto c = plan::SchemaChecker::create(plan::restore_plan_schema_text());
    REQUIRE(c.is_ok());
    const std::vector<std::string> pre = (*c)->allowed_keys({"spec", "hooks", "pre", "0"});
    CHECK(std::find(pre.begin(), pre.end(), "run") != pre.end());
    CHECK(std::find(pre.begin(), pre.end(), "when") == pre.end());
    const std::vector<std::string> post = (*c)->allowed_keys({"spec", "hooks", "post", "3"});
    CHECK(std::find(post.begin(), post.end(), "when") != post.end());
    CHECK((*c)->allowed_keys({}).size() == 4);
    CHECK((*c)->allowed_keys({"spec", "nope"}).empty());
  }

  TEST_CASE("one checker validates many documents, each with its own findings") {
    const auto c = plan::SchemaChecker::create(plan::restore_plan_schema_text());
    REQUIRE(c.is_ok());
    for (int i = 0; i < 3; ++i) {
      plan::Diagnostics diags("t.yaml");
      const plan::Loaded l = plan::parse_yaml_text("apiVersion: adrestore/v" + std::to_string(i + 2) + "\n", diags);
      REQUIRE(l.root.has_value());
      (*c)->check(*l.root, plan::to_json(*l.root), diags);
      CHECK(diags.error_count() == 4);  // three required fields missing, and the version
    }
  }
}

}  // namespace adrestore::testing
