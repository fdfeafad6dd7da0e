// `adrestore validate` and `adrestore plan` on forest recovery plans, through the built
// binary: dispatch on kind, referenced plans reported against their own files, exit codes,
// and the JSON preview of the example forest.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "forest/forest_fixture.h"

namespace adrestore::testing {

TEST_SUITE("forest") {
  TEST_CASE("validate: a forest and its plans in one folder, each plan reported once") {
    ForestFixture fx;
    fx.dir.write("forest.yaml", k_forest);
    const RunResult r = run_adrestore({"validate", "--format", "json", fx.dir.path().string()});
    CHECK(r.exit_code == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    REQUIRE(j["files"].size() == 5);
    int forests = 0;
    for (const auto& f : j["files"]) forests += f["kind"] == "ForestRecoveryPlan" ? 1 : 0;
    CHECK(forests == 1);
  }

  TEST_CASE("validate: a referenced plan's error names its own file; a lint error exits 1") {
    ForestFixture fx;
    fx.dir.write("dc10.yaml", restore_plan("dc10", "DC10.emea.corp.example.com", "    maxAge: 5 days\n"));
    std::string text = k_forest;
    text.replace(text.find("seizeRoles: all}"), 16, "seizeRoles: domain}");
    const std::string forest = fx.dir.write("forest.yaml", text);
    const RunResult r = run_adrestore({"validate", forest});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, "forest.yaml:10:46: error: spec.domains[0].firstDC.seizeRoles: the forest root's first DC"));
    CHECK(contains(r.out, "forest.yaml:15:23: error: spec.domains[1].firstDC.plan: the RestorePlan"));
    CHECK(contains(r.out, "dc10.yaml:9:13: error: spec.backup.maxAge:"));
    // A missing plan is the forest's error, not an unreadable file.
    std::filesystem::remove(fx.dir / "dc20.yaml");
    const RunResult missing = run_adrestore({"validate", forest});
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.out, "forest.yaml:20:23: error: spec.domains[2].firstDC.plan: the RestorePlan"));
  }

  TEST_CASE("validate: JUnit names the forest's kind") {
    ForestFixture fx;
    const std::string forest = fx.dir.write("forest.yaml", k_forest);
    const std::string junit = (fx.dir / "v.xml").string();
    const RunResult r = run_adrestore({"validate", "--junit", junit, forest});
    CHECK(r.exit_code == 0);
    CHECK(contains(read_file(junit), "forest.yaml"));
  }

  TEST_CASE("run of a forest plan: one error that says which commands take it") {
    const std::string example = (source_dir() / "plans/forest/corp-forest.yaml").string();
    const RunResult r = run_adrestore({"run", "--yes", "--api", "sim", "--world", "/nonexistent-adrestore-world", example});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err + r.out, "corp-forest.yaml:5:7: error: kind: this is a forest recovery plan"));
    CHECK_FALSE(contains(r.err + r.out, "unknown field"));
  }

  TEST_CASE("schema --kind ForestRecoveryPlan prints the forest's schema; the default is unchanged") {
    const RunResult forest = run_adrestore({"schema", "--kind", "ForestRecoveryPlan"});
    CHECK(forest.exit_code == 0);
    CHECK(contains(forest.out, "forest-recovery-plan.schema.json"));
    CHECK(nlohmann::json::parse(forest.out)["properties"]["kind"]["enum"][0] == "ForestRecoveryPlan");
    const RunResult plan = run_adrestore({"schema"});
    CHECK(contains(plan.out, "restore-plan.schema.json"));
  }

  TEST_CASE("plan: the example forest previews in every format; an invalid forest exits 1") {
    const std::string example = (source_dir() / "plans/forest/corp-forest.yaml").string();
    const RunResult json = run_adrestore({"plan", "--format", "json", example});
    REQUIRE(json.exit_code == 0);
    const nlohmann::json j = nlohmann::json::parse(json.out);
    CHECK(j["format"] == "adrestore-forest-plan");
    CHECK(j["version"] == 1);
    CHECK(j["domains"].size() == 3);
    CHECK(j["waves"].size() == 2);
    for (const char* format : {"text", "dot", "mermaid"}) {
      const RunResult r = run_adrestore({"plan", "--format", format, example});
      CHECK(r.exit_code == 0);
      CHECK(contains(r.out, "apac.corp.example.com"));
    }
    ForestFixture fx;
    std::string text = k_forest;
    text.replace(text.find("seizeRoles: all}"), 16, "seizeRoles: domain}");
    const RunResult bad = run_adrestore({"plan", fx.dir.write("forest.yaml", text)});
    CHECK(bad.exit_code == 1);
    CHECK(bad.out.empty());
    CHECK(contains(bad.err, "spec.domains[0].firstDC.seizeRoles"));
  }
}

}  // namespace adrestore::testing
