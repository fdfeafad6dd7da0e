// The schema checker itself (input/schema_check.h): loading, reuse, and the key lists that
// feed "did you mean" suggestions.
#include "input/schema_check.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "input/guard.h"
#include "input/json_convert.h"
#include "plan/validate.h"
#include "support.h"

namespace adrestore::testing {

TEST_SUITE("input") {
  TEST_CASE("the schema built into the binary is the one in schema/") {
    CHECK(std::string(plan::restore_plan_schema_text()) ==
          read_file(source_dir() / "schema" / "restore-plan.schema.json"));
  }

  TEST_CASE("a schema that is not JSON is refused with a reason") {
    const auto c = input::SchemaChecker::create("{\"type\": ");
    REQUIRE_FALSE(c.is_ok());
    CHECK(c.status().code() == Code::internal);
    CHECK(c.status().message().find("cannot load the built-in schema") != std::string::npos);
  }

  TEST_CASE("the keys allowed at a field path follow $ref and list items") {
    const auto c = input::SchemaChecker::create(plan::restore_plan_schema_text());
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
    const auto c = input::SchemaChecker::create(plan::restore_plan_schema_text());
    REQUIRE(c.is_ok());
    for (int i = 0; i < 3; ++i) {
      input::Diagnostics diags("t.yaml");
      const input::Loaded l = input::parse_yaml_text("apiVersion: adrestore/v" + std::to_string(i + 2) + "\n", diags);
      REQUIRE(l.root.has_value());
      (*c)->check(*l.root, input::to_json(*l.root), diags);
      CHECK(diags.error_count() == 4);  // three required fields missing, and the version
    }
  }
}

}  // namespace adrestore::testing
