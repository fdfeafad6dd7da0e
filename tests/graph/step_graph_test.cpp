// StepGraph itself and the compiler's choices, on hand-built graphs and small plans.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "graph/compile.h"
#include "graph/invariants.h"
#include "plan/validate.h"

namespace adrestore::graph {
namespace {

Step plain(const std::string& id) {
  Step s;
  s.id = id;
  return s;
}

plan::Plan load(const std::string& spec_tail, const std::string& restore = "") {
  const std::string yaml = "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata: {name: t, domainController: DC01}\n"
                           "spec:\n  backup: {source: 'D:\\Backups'}\n" +
                           restore + spec_tail;
  plan::PlanLoad l = plan::load_plan_text(yaml, "t.yaml");
  REQUIRE_MESSAGE(l.plan.has_value(), (l.diags.items().empty() ? "" : input::format_text(l.diags.items().front())));
  return *l.plan;
}

StepGraph must_compile(const plan::Plan& p) {
  Result<StepGraph> g = compile(p);
  REQUIRE(g.is_ok());
  return *g;
}

bool contains(const std::vector<std::string>& v, const std::string& needle) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

// A correct graph, rebuilt with `mutate` applied to its steps before the chain is laid.
StepGraph rebuilt(const StepGraph& good, const std::function<void(std::vector<Step>&)>& mutate) {
  std::vector<Step> steps;
  for (const std::string& id : good.order_ids()) steps.push_back(*good.find(id));
  mutate(steps);
  StepGraph g;
  g.summary = good.summary;
  for (const Step& s : steps) REQUIRE(g.add_step(s).is_ok());
  for (std::size_t i = 1; i < steps.size(); ++i) REQUIRE(g.add_edge(steps[i - 1].id, steps[i].id).is_ok());
  for (const Step& s : steps) {
    if (!s.guard.empty() && g.find(s.guard)) REQUIRE(g.add_edge(s.guard, s.id, EdgeKind::guard).is_ok());
  }
  return g;
}

void move_before(std::vector<Step>& steps, const std::string& id, const std::string& before) {
  auto it = std::find_if(steps.begin(), steps.end(), [&](const Step& s) { return s.id == id; });
  REQUIRE(it != steps.end());
  Step moved = *it;
  steps.erase(it);
  auto at = std::find_if(steps.begin(), steps.end(), [&](const Step& s) { return s.id == before; });
  steps.insert(at, moved);
}

}  // namespace

TEST_SUITE("graph") {
  TEST_CASE("a two-step cycle is reported as the chain a -> b -> a") {
    StepGraph g;
    REQUIRE(g.add_step(plain("a")).is_ok());
    REQUIRE(g.add_step(plain("b")).is_ok());
    REQUIRE(g.add_edge("a", "b").is_ok());
    REQUIRE(g.add_edge("b", "a").is_ok());
    const Status s = g.check_acyclic();
    CHECK(s.code() == Code::invalid_input);
    CHECK(s.message() == "step graph has a cycle: a -> b -> a");
    CHECK_FALSE(g.execution_order().is_ok());
    CHECK(g.order_ids().empty());
  }

  TEST_CASE("a longer cycle behind an acyclic prefix names only the steps on the cycle") {
    StepGraph g;
    for (const char* id : {"start", "a", "b", "c"}) REQUIRE(g.add_step(plain(id)).is_ok());
    REQUIRE(g.add_edge("start", "a").is_ok());
    REQUIRE(g.add_edge("a", "b").is_ok());
    REQUIRE(g.add_edge("b", "c").is_ok());
    REQUIRE(g.add_edge("c", "a").is_ok());
    CHECK(g.check_acyclic().message() == "step graph has a cycle: a -> b -> c -> a");
    const std::vector<std::string> v = check_invariants(g);
    REQUIRE(v.size() == 1);
    CHECK(v.front() == "step graph has a cycle: a -> b -> c -> a");
  }

  TEST_CASE("duplicate ids, unknown edge ends and self-loops are refused") {
    StepGraph g;
    REQUIRE(g.add_step(plain("a")).is_ok());
    CHECK_FALSE(g.add_step(plain("a")).is_ok());
    CHECK_FALSE(g.add_step(plain("")).is_ok());
    CHECK_FALSE(g.add_edge("a", "nowhere").is_ok());
    CHECK_FALSE(g.add_edge("nowhere", "a").is_ok());
    CHECK_FALSE(g.add_edge("a", "a").is_ok());
  }

  TEST_CASE("execution order breaks ties by insertion order") {
    StepGraph g;
    for (const char* id : {"x", "y", "z"}) REQUIRE(g.add_step(plain(id)).is_ok());
    REQUIRE(g.add_edge("z", "x").is_ok());
    CHECK(g.order_ids() == std::vector<std::string>{"y", "z", "x"});
  }

  TEST_CASE("the minimal plan compiles to the mandated steps in order, without the optional ones") {
    const StepGraph g = must_compile(load(""));
    CHECK(g.order_ids() == std::vector<std::string>{"preflight.host", "preflight.privilege", "preflight.ntds-offline",
                                                    "backup.verify", "restore.prepare", "restore.locations",
                                                    "restore.register", "files.clear", "files.copy",
                                                    "restore.complete", "restore.end"});
    CHECK(check_invariants(g).empty());
  }

  TEST_CASE("options add exactly their steps: credentials, authoritative DNs, restart") {
    const StepGraph g = must_compile(load(
        "  credentials: {user: Administrator, passwordFrom: prompt}\n  afterRestore: {restart: normal-mode}\n",
        "  restore:\n    authoritative: {subtrees: ['OU=A,DC=x']}\n"));
    const std::vector<std::string> ids = g.order_ids();
    REQUIRE(ids.size() == 15);
    CHECK(ids[2] == "preflight.credentials");
    CHECK(ids[11] == "restore.end");
    CHECK(ids[12] == "restore.authoritative");
    CHECK(ids[13] == "system.restart");
    CHECK(g.find("system.verify-online")->phase == Phase::post_restart);
    CHECK(g.find("system.verify-online")->api->function == "DsIsNTDSOnline");
    CHECK(g.find("preflight.credentials")->api->args[2].known == false);  // the password never is
    CHECK(ids.back() == "system.verify-online");
  }

  TEST_CASE("finalisers carry their guard and run after failures; post hooks run as their when says") {
    const StepGraph g = must_compile(load(
        "  hooks:\n    post:\n      - {name: a, run: [x], when: success}\n      - {name: b, run: [x], when: failure}\n"
        "      - {name: c, run: [x]}\n"));
    const Step* end = g.find("restore.end");
    CHECK(end->step_class == StepClass::finaliser);
    CHECK(end->guard == "restore.prepare");
    CHECK(end->runs_on_failure());
    CHECK(g.find("restore.complete")->guard == "restore.register");
    CHECK_FALSE(g.find("hook.post.a")->runs_on_failure());
    CHECK(g.find("hook.post.b")->runs_on == RunsOn::failure);
    CHECK_FALSE(g.find("hook.post.b")->runs_on_success());
    CHECK(g.find("hook.post.c")->runs_on == RunsOn::always);
    CHECK(g.find("hook.post.c")->hook->when == plan::When::always);
    CHECK_FALSE(g.find("files.clear")->runs_on_failure());
    CHECK(g.find("files.clear")->resume == ResumeRule::never_twice);
    const std::vector<std::string> before_end = g.predecessors("restore.end");
    CHECK(before_end == std::vector<std::string>{"restore.complete", "restore.prepare"});
  }

  TEST_CASE("hook steps carry argv, timeout, policy and when as the plan wrote them") {
    const StepGraph g = must_compile(load(
        "  hooks:\n    pre:\n      - {name: p, run: ['C:\\t\\a.exe', '--x', '${plan.name}'], timeout: 2m, onError: "
        "continue, idempotent: true}\n"));
    const Step* h = g.find("hook.pre.p");
    REQUIRE(h);
    CHECK(h->number == 6);
    CHECK(h->hook->argv == std::vector<std::string>{"C:\\t\\a.exe", "--x", "${plan.name}"});
    CHECK(h->hook->timeout_seconds == 120);
    CHECK(h->hook->on_error == plan::OnError::keep_going);
    CHECK(h->hook->idempotent);
  }

  TEST_CASE("overrides fix DsRestoreRegister's directories at compile time; otherwise the DC reports them") {
    const StepGraph fixed = must_compile(load("", "  restore:\n    destinations: {logs: 'F:\\L', checkpoint: 'G:\\C'}\n"));
    const ApiCall& reg = *fixed.find("restore.register")->api;
    CHECK(reg.args[1].name == "checkpointDir");
    CHECK(reg.args[1].known);
    CHECK(reg.args[1].value == "G:\\C (override)");
    CHECK(reg.args[2].value == "F:\\L (override)");
    const StepGraph open = must_compile(load(""));
    CHECK_FALSE(open.find("restore.register")->api->args[1].known);
    CHECK(open.find("restore.register")->api->args[1].value.find(k_reported_at_run_time) != std::string::npos);
  }

  TEST_CASE("the checker catches files.clear moved before backup.verify") {
    const StepGraph good = must_compile(load(""));
    const StepGraph bad = rebuilt(good, [](std::vector<Step>& s) { move_before(s, "files.clear", "backup.verify"); });
    const std::vector<std::string> v = check_invariants(bad);
    CHECK(contains(v, "files.clear runs before backup.verify"));
    CHECK(contains(v, "state-changing step files.clear (step 10) runs before backup.verify (step 5)"));
  }

  TEST_CASE("the checker is not fooled when a misplaced step is also mislabelled read-only") {
    const StepGraph good = must_compile(load(""));
    const StepGraph bad = rebuilt(good, [](std::vector<Step>& s) {
      move_before(s, "restore.prepare", "preflight.ntds-offline");
      for (Step& x : s) {
        if (x.id == "restore.prepare") x.step_class = StepClass::read_only;
      }
    });
    const std::vector<std::string> v = check_invariants(bad);
    CHECK(contains(v, "restore.prepare is classed read-only but is state-changing"));
    CHECK(contains(v, "state-changing step restore.prepare (step 7) runs before preflight.ntds-offline (step 4)"));
  }

  TEST_CASE("the checker catches a missing or duplicated mandated step and a hook out of phase") {
    const StepGraph good = must_compile(load("  hooks:\n    pre: [{name: h, run: [x]}]\n"));
    const StepGraph missing = rebuilt(good, [](std::vector<Step>& s) {
      s.erase(std::remove_if(s.begin(), s.end(), [](const Step& x) { return x.id == "restore.end"; }), s.end());
    });
    CHECK(contains(check_invariants(missing), "mandated step restore.end is missing"));
    const StepGraph late_hook = rebuilt(good, [](std::vector<Step>& s) { move_before(s, "hook.pre.h", "restore.end"); });
    CHECK(contains(check_invariants(late_hook), "pre hook hook.pre.h runs after restore.prepare"));
    StepGraph dup = good;
    Step copy = *good.find("files.copy");
    copy.id = "files.copy.again";
    REQUIRE(dup.add_step(copy).is_ok());
    REQUIRE(dup.add_edge("restore.end", "files.copy.again").is_ok());
    CHECK(contains(check_invariants(dup), "files-copy step is named files.copy.again"));
  }

  TEST_CASE("the checker catches restart before the restore ended and steps after the restart") {
    const StepGraph good = must_compile(load("  afterRestore: {restart: normal-mode}\n"));
    const StepGraph early = rebuilt(good, [](std::vector<Step>& s) { move_before(s, "system.restart", "restore.end"); });
    CHECK(contains(check_invariants(early), "system.restart runs before restore.end"));
    CHECK(contains(check_invariants(early), "restore.end runs after system.restart"));
  }

  TEST_CASE("the checker compares the graph with the plan's options and hooks") {
    const plan::Plan with_hooks = load("  hooks:\n    pre: [{name: a, run: [x]}, {name: b, run: [y]}]\n");
    const StepGraph good = must_compile(with_hooks);
    CHECK(check_invariants(good, with_hooks).empty());
    const StepGraph swapped = rebuilt(good, [](std::vector<Step>& s) { move_before(s, "hook.pre.b", "hook.pre.a"); });
    CHECK(contains(check_invariants(swapped, with_hooks), "should be hook.pre.a (plan order) but is hook.pre.b"));
    const plan::Plan with_restart = load("  afterRestore: {restart: normal-mode}\n");
    CHECK(contains(check_invariants(must_compile(load("")), with_restart), "system.restart is missing"));
  }
}

}  // namespace adrestore::graph
