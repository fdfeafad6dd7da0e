// The invariants of step-graph.md hold for every valid plan: hundreds of generated plans,
// and every combination of the options that could plausibly move a step.
#include <doctest/doctest.h>

#include <map>

#include "base/text.h"
#include "graph/compile.h"
#include "graph/invariants.h"
#include "graph/plan_gen.h"
#include "plan/validate.h"

namespace adrestore::graph {
namespace {

constexpr std::uint32_t k_generated_plans = 400;

plan::Plan must_load(const std::string& yaml, const std::string& name) {
  plan::PlanLoad load = plan::load_plan_text(yaml, name);
  if (!load.plan) {
    std::string msgs;
    for (const auto& d : load.diags.items()) msgs += input::format_text(d) + "\n";
    FAIL_CHECK("generated plan does not validate:\n" << msgs << "---\n" << yaml);
    return {};
  }
  return *load.plan;
}

std::map<std::string, std::size_t> positions(const StepGraph& g) {
  std::map<std::string, std::size_t> pos;
  const std::vector<std::string> order = g.order_ids();
  for (std::size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
  return pos;
}

// The promise of step-graph.md in its plainest form, checked without the invariant checker:
// nothing that may change the machine comes before the offline check and the backup check.
void check_nothing_changes_before_checks(const StepGraph& g, const std::string& label) {
  std::map<std::string, std::size_t> pos = positions(g);
  REQUIRE(pos.count(ids::k_backup_verify));
  REQUIRE(pos.count(ids::k_preflight_ntds_offline));
  for (const Step& s : g.steps()) {
    const bool changes = s.is_hook() || s.kind == StepKind::restore_prepare || s.kind == StepKind::restore_register ||
                         s.kind == StepKind::files_clear || s.kind == StepKind::files_copy ||
                         s.kind == StepKind::restore_complete || s.kind == StepKind::restore_end ||
                         s.kind == StepKind::restore_authoritative || s.kind == StepKind::system_restart;
    if (!changes) continue;
    INFO(label << ": " << s.id);
    CHECK(pos[s.id] > pos[ids::k_backup_verify]);
    CHECK(pos[s.id] > pos[ids::k_preflight_ntds_offline]);
  }
}

}  // namespace

TEST_SUITE("graph") {
  TEST_CASE("every generated valid plan compiles to a graph that keeps every invariant") {
    std::map<std::string, int> seen;
    for (std::uint32_t seed = 1; seed <= k_generated_plans; ++seed) {
      const testing::GeneratedPlan gen = testing::generate_plan(seed);
      INFO("seed " << seed << "\n" << gen.yaml);
      const plan::Plan p = must_load(gen.yaml, "gen-" + std::to_string(seed) + ".yaml");
      if (p.name.value.empty()) continue;
      // The generator and the loader agree on what the plan holds.
      REQUIRE(p.pre_hooks.size() == gen.pre_hooks.size());
      REQUIRE(p.post_hooks.size() == gen.post_hooks.size());
      Result<StepGraph> g = compile(p);
      REQUIRE(g.is_ok());
      const std::vector<std::string> violations = check_invariants(*g, p);
      CHECK_MESSAGE(violations.empty(), "violations: " << join(violations, "; "));
      check_nothing_changes_before_checks(*g, "seed " + std::to_string(seed));

      // Hooks appear in plan order, as hook.<phase>.<name>.
      std::vector<std::string> pre;
      std::vector<std::string> post;
      for (const std::string& id : g->order_ids()) {
        if (id.rfind("hook.pre.", 0) == 0) pre.push_back(id.substr(9));
        if (id.rfind("hook.post.", 0) == 0) post.push_back(id.substr(10));
      }
      CHECK(pre == gen.pre_hooks);
      CHECK(post == gen.post_hooks);

      seen["credentials"] += gen.credentials;
      seen["authoritative"] += gen.authoritative;
      seen["restart"] += gen.restart;
      seen["quarantine root"] += gen.quarantine_root;
      seen["delete"] += gen.delete_existing;
      seen["fail on locations"] += gen.fail_on_locations;
      seen["all overrides"] += gen.overrides == 3;
      seen["pre hooks"] += !gen.pre_hooks.empty();
      seen["many pre hooks"] += gen.pre_hooks.size() >= 4;
      for (const std::string& w : gen.post_when) seen["when " + (w.empty() ? std::string("default") : w)] += 1;
    }
    // The generator really exercises every option (a generator stuck on defaults proves nothing).
    for (const char* option : {"credentials", "authoritative", "restart", "quarantine root", "delete",
                               "fail on locations", "all overrides", "pre hooks", "many pre hooks", "when default",
                               "when success", "when failure", "when always"}) {
      INFO(option);
      CHECK(seen[option] >= 10);
    }
  }

  TEST_CASE("the same seed generates the same plan") {
    CHECK(testing::generate_plan(7).yaml == testing::generate_plan(7).yaml);
    CHECK(testing::generate_plan(7).yaml != testing::generate_plan(8).yaml);
  }

  TEST_CASE("no combination of plan options moves a state-changing step ahead of backup.verify or the offline check") {
    int plans = 0;
    for (int bits = 0; bits < 64; ++bits) {
      for (int dest = 0; dest < 4; ++dest) {
        for (int hooks = 0; hooks < 3; ++hooks) {
          testing::PlanOptions o;
          o.credentials = bits & 1;
          o.authoritative = bits & 2;
          o.restart = bits & 4;
          o.quarantine_root = bits & 8;
          o.delete_existing = bits & 16;
          o.fail_on_locations = bits & 32;
          o.destinations = dest;
          o.hooks = hooks;
          const std::string label = "options " + std::to_string(bits) + "/" + std::to_string(dest) + "/" +
                                    std::to_string(hooks);
          INFO(label);
          const plan::Plan p = must_load(testing::plan_yaml(o, "combo"), label + ".yaml");
          if (p.name.value.empty()) continue;
          Result<StepGraph> g = compile(p);
          REQUIRE(g.is_ok());
          check_nothing_changes_before_checks(*g, label);
          const std::vector<std::string> violations = check_invariants(*g, p);
          CHECK_MESSAGE(violations.empty(), "violations: " << join(violations, "; "));
          ++plans;
        }
      }
    }
    CHECK(plans == 64 * 4 * 3);
  }
}

}  // namespace adrestore::graph
