// Compiling a forest plan (forest/compile.h) and its previews: the waves, the order of a
// first DC's steps, the conditional steps, the barrier, and the JSON contract's shape.
#include <doctest/doctest.h>

#include <algorithm>

#include "forest/compile.h"
#include "forest/forest_fixture.h"
#include "forest/render.h"

namespace adrestore::testing {
namespace {

forest::CompiledForest compiled(const ForestFixture& fx, const std::string& from = {}, const std::string& to = {}) {
  const forest::ForestLoad l = fx.load(from, to);
  REQUIRE_MESSAGE(l.plan.has_value(), (l.diags.items().empty() ? std::string() : l.diags.items().front().message));
  return forest::compile(*l.plan);
}

std::vector<std::string> step_ids(const forest::DomainWork& d) {
  std::vector<std::string> ids;
  for (const forest::ForestStep& s : d.steps) ids.push_back(s.id);
  return ids;
}

bool has_step(const forest::DomainWork& d, const std::string& id) {
  const std::vector<std::string> ids = step_ids(d);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

TEST_SUITE("forest") {
  TEST_CASE("waves: the root, then its two children in parallel, then the grandchild") {
    ForestFixture fx;
    const forest::CompiledForest c = compiled(fx);
    CHECK(c.wave_count == 3);
    REQUIRE(c.domains.size() == 4);
    CHECK(c.domains[0].domain == "corp.example.com");
    CHECK(c.domains[0].wave == 0);
    CHECK(c.domains[0].parent.empty());
    CHECK(c.domains[1].domain == "emea.corp.example.com");
    CHECK(c.domains[2].domain == "apac.corp.example.com");
    CHECK(c.domains[1].wave == 1);
    CHECK(c.domains[2].wave == 1);
    CHECK(c.domains[3].domain == "paris.emea.corp.example.com");
    CHECK(c.domains[3].wave == 2);
    CHECK(c.domains[3].parent == "emea.corp.example.com");
    CHECK(c.domains[3].dc == "DC30.paris.emea.corp.example.com");
    CHECK(c.domains[3].plan_name == "dc30");
    // The grandchild listed before its parent still comes after it.
    ForestFixture fx2;
    const std::string paris = "    - name: paris.emea.corp.example.com\n      parent: emea.corp.example.com\n"
                              "      firstDC: {plan: dc30.yaml, seizeRoles: domain}\n      sysvol: authoritative\n"
                              "      cleanup: []\n";
    std::string text = k_forest;
    text.erase(text.find(paris));
    text.insert(text.find("    - name: corp.example.com\n"), paris);
    const forest::ForestLoad l = fx2.load_text(text);
    REQUIRE(l.plan.has_value());
    const forest::CompiledForest c2 = forest::compile(*l.plan);
    CHECK(c2.domains.back().domain == "paris.emea.corp.example.com");
    CHECK(c2.domains.front().domain == "corp.example.com");
  }

  TEST_CASE("a first DC's steps in the spec's order, without the conditional ones") {
    ForestFixture fx;
    const forest::CompiledForest c = compiled(fx);
    CHECK(step_ids(c.domains[0]) == std::vector<std::string>{
                                        "restore.plan", "forest.sysvol-authoritative", "forest.seize-roles",
                                        "forest.metadata-cleanup", "forest.dns", "forest.raise-rid-pool",
                                        "forest.reset-computer-password", "forest.reset-krbtgt", "forest.remove-gc"});
    // No cleanup list: no metadata cleanup; DNS still.
    CHECK_FALSE(has_step(c.domains[1], "forest.metadata-cleanup"));
    CHECK(has_step(c.domains[1], "forest.dns"));
    CHECK(c.domains[0].steps[3].targets == std::vector<std::string>{"DC02.corp.example.com"});
    CHECK(c.domains[0].steps[2].inputs.front().second == "all");
    CHECK(c.domains[1].steps[2].inputs.front().second == "domain");
  }

  TEST_CASE("the timed krbtgt wait is the plan's minInterval, 10h by default") {
    ForestFixture fx;
    forest::CompiledForest c = compiled(fx);
    const forest::ForestStep& k = c.domains[0].steps[7];
    REQUIRE(k.id == "forest.reset-krbtgt");
    CHECK(k.wait_seconds == 36000);
    c = compiled(fx, "      cleanup: [DC02.corp.example.com]\n",
                 "      cleanup: [DC02.corp.example.com]\n      krbtgt: {minInterval: 12h}\n");
    CHECK(c.domains[0].steps[7].wait_seconds == 12 * 3600);
  }

  TEST_CASE("conditional steps: breach, system-state restore, multi-domain") {
    ForestFixture fx;
    forest::CompiledForest c = compiled(fx, "  breach: false\n", "  breach: true\n");
    CHECK(has_step(c.domains[0], "forest.reset-admin-passwords"));
    CHECK(has_step(c.domains[0], "forest.reset-trusts"));
    // The root's trusts are its children's; emea's its parent and its child.
    const auto trusts = [](const forest::DomainWork& d) {
      for (const forest::ForestStep& s : d.steps) {
        if (s.id == "forest.reset-trusts") return s.targets;
      }
      return std::vector<std::string>{};
    };
    CHECK(trusts(c.domains[0]) == std::vector<std::string>{"emea.corp.example.com", "apac.corp.example.com"});
    CHECK(trusts(c.domains[1]) == std::vector<std::string>{"corp.example.com", "paris.emea.corp.example.com"});
    const std::vector<std::string> ids = step_ids(c.domains[0]);
    CHECK(std::find(ids.begin(), ids.end(), "forest.reset-admin-passwords") <
          std::find(ids.begin(), ids.end(), "forest.reset-krbtgt"));
    CHECK(std::find(ids.begin(), ids.end(), "forest.reset-krbtgt") <
          std::find(ids.begin(), ids.end(), "forest.reset-trusts"));

    c = compiled(fx, "{plan: dc10.yaml, seizeRoles: domain}", "{plan: dc10.yaml, seizeRoles: domain, restoreKind: fullServer}");
    CHECK_FALSE(has_step(c.domains[0], "forest.invalidate-rid-pool"));
    const std::vector<std::string> emea = step_ids(c.domains[1]);
    const auto inv = std::find(emea.begin(), emea.end(), "forest.invalidate-rid-pool");
    REQUIRE(inv != emea.end());
    CHECK(*(inv - 1) == "forest.raise-rid-pool");

    // A single-domain forest keeps its global catalog.
    const std::string one = k_forest.substr(0, k_forest.find("    - name: emea"));
    const forest::ForestLoad l = fx.load_text(one);
    REQUIRE(l.plan.has_value());
    c = forest::compile(*l.plan);
    CHECK_FALSE(has_step(c.domains[0], "forest.remove-gc"));
    CHECK(c.wave_count == 1);
  }

  TEST_CASE("the barrier and what is left for the operator") {
    ForestFixture fx;
    const forest::CompiledForest c = compiled(fx);
    REQUIRE(c.barrier.size() == 4);
    CHECK(c.barrier[0].id == "forest.reconnect");
    CHECK(c.barrier[0].where == "operator");
    CHECK(c.barrier[1].id == "forest.check-replication");
    CHECK(c.barrier[2].id == "forest.add-gc");
    CHECK(c.barrier[2].where == "DC01.corp.example.com");
    CHECK(c.barrier[3].id == "forest.backup");
    CHECK(c.barrier[3].targets.size() == 4);
    REQUIRE(c.left_for_operator.size() == 2);
    CHECK(contains(c.left_for_operator[0], "redeploy DC02.corp.example.com in corp.example.com"));
  }

  TEST_CASE("the JSON preview's shape: version, waves, domains, steps, barrier") {
    ForestFixture fx;
    const nlohmann::ordered_json j = forest::render_json(compiled(fx));
    CHECK(j["format"] == "adrestore-forest-plan");
    CHECK(j["version"] == 1);
    CHECK(j["forest"]["root"] == "corp.example.com");
    CHECK(j["forest"]["breach"] == false);
    CHECK(j["forest"]["tombstoneLifetimeSeconds"] == 180 * 86400);
    REQUIRE(j["waves"].size() == 3);
    CHECK(j["waves"][1]["domains"] == nlohmann::json::array({"emea.corp.example.com", "apac.corp.example.com"}));
    const auto& emea = j["domains"][1];
    CHECK(emea["parent"] == "corp.example.com");
    CHECK(emea["startsAfter"]["domain"] == "corp.example.com");
    CHECK(emea["startsAfter"]["step"] == "forest.dns");
    CHECK(j["domains"][0]["startsAfter"].is_null());
    CHECK(emea["firstDC"]["dc"] == "DC10.emea.corp.example.com");
    CHECK(emea["firstDC"]["plan"] == "dc10.yaml");
    for (const auto& s : emea["steps"]) {
      for (const char* key : {"id", "on", "what", "guide", "inputs", "targets", "wait"}) CHECK(s.contains(key));
    }
    const auto& krbtgt = j["domains"][0]["steps"][7];
    CHECK(krbtgt["id"] == "forest.reset-krbtgt");
    CHECK(krbtgt["wait"]["seconds"] == 36000);
    CHECK(krbtgt["guide"] == "ad-forest-recovery-reset-the-krbtgt-password");
    CHECK(j["barrier"].size() == 4);
    CHECK(j["leftForOperator"].size() == 2);
  }

  TEST_CASE("text, dot and mermaid name every domain, the parallel wave and the wait") {
    ForestFixture fx;
    const forest::CompiledForest c = compiled(fx);
    const std::string text = forest::render_text(c);
    CHECK(contains(text, "Wave 2: each domain starts when its parent's first DC has done forest.dns; these run in parallel"));
    CHECK(contains(text, "timed wait: 10h between the two resets"));
    CHECK(contains(text, "Left for the operator"));
    const std::string dot = forest::render_dot(c);
    CHECK(contains(dot, "subgraph cluster_3"));
    CHECK(contains(dot, "d0s4 -> d1s0 [style=bold"));  // root's forest.dns -> emea's restore
    CHECK(contains(dot, "d1s3 -> d3s0 [style=bold"));  // emea's forest.dns -> paris's restore
    const std::string mermaid = forest::render_mermaid(c);
    CHECK(contains(mermaid, "flowchart TD"));
    CHECK(contains(mermaid, "d0s4 ==>|"));
    CHECK(contains(mermaid, "b3 --> op"));
  }
}

}  // namespace adrestore::testing
