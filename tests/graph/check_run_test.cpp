// check_run: the invariants applied to the steps one process actually ran, as the executor
// tests will use it.
#include <doctest/doctest.h>

#include <algorithm>

#include "graph/compile.h"
#include "graph/invariants.h"
#include "plan/validate.h"

namespace adrestore::graph {
namespace {

StepGraph dc02_like() {
  const std::string yaml =
      "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata: {name: t, domainController: DC02}\n"
      "spec:\n  backup: {source: 'D:\\Backups'}\n"
      "  restore:\n    authoritative: {subtrees: ['OU=A,DC=x']}\n"
      "  hooks:\n    pre: [{name: av, run: [x]}]\n"
      "    post:\n      - {name: notify, run: [x], when: always}\n      - {name: page, run: [x], when: failure}\n"
      "      - {name: celebrate, run: [x], when: success}\n"
      "  afterRestore: {restart: normal-mode}\n";
  plan::PlanLoad l = plan::load_plan_text(yaml, "t.yaml");
  REQUIRE(l.plan.has_value());
  Result<StepGraph> g = compile(*l.plan);
  REQUIRE(g.is_ok());
  return *g;
}

std::vector<ExecutedStep> ok_steps(const std::vector<std::string>& ids) {
  std::vector<ExecutedStep> out;
  for (const std::string& id : ids) out.push_back({id, StepOutcome::succeeded});
  return out;
}

// The steps up to and including `last`, all successful.
std::vector<ExecutedStep> through(const StepGraph& g, const std::string& last) {
  std::vector<std::string> ids;
  for (const std::string& id : g.order_ids()) {
    ids.push_back(id);
    if (id == last) break;
  }
  return ok_steps(ids);
}

bool contains(const std::vector<std::string>& v, const std::string& needle) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

}  // namespace

TEST_SUITE("graph") {
  TEST_CASE("a successful run of every due step satisfies check_run") {
    const StepGraph g = dc02_like();
    std::vector<ExecutedStep> run = through(g, "system.restart");
    run.erase(std::remove_if(run.begin(), run.end(), [](const ExecutedStep& e) { return e.id == "hook.post.page"; }),
              run.end());
    CHECK(check_run(g, run).empty());
  }

  TEST_CASE("a copy failure runs the finalisers and the failure hooks, and never restarts") {
    const StepGraph g = dc02_like();
    std::vector<ExecutedStep> run = through(g, "files.clear");
    run.push_back({"files.copy", StepOutcome::failed});
    for (const char* id : {"restore.complete", "restore.end", "hook.post.notify", "hook.post.page"}) {
      run.push_back({id, StepOutcome::succeeded});
    }
    CHECK(check_run(g, run).empty());

    std::vector<ExecutedStep> no_end = run;
    no_end.erase(std::remove_if(no_end.begin(), no_end.end(),
                                [](const ExecutedStep& e) { return e.id == "restore.end"; }),
                 no_end.end());
    CHECK(contains(check_run(g, no_end), "finaliser restore.end did not run although restore.prepare succeeded"));

    std::vector<ExecutedStep> restarted = run;
    restarted.push_back({"system.restart", StepOutcome::succeeded});
    CHECK(contains(check_run(g, restarted), "system.restart runs only on success but ran after files.copy failed"));

    std::vector<ExecutedStep> celebrated = run;
    celebrated.push_back({"hook.post.celebrate", StepOutcome::succeeded});
    CHECK(contains(check_run(g, celebrated), "hook.post.celebrate runs only on success but ran after files.copy failed"));
  }

  TEST_CASE("a preflight failure runs no hook and no finaliser: it changes nothing") {
    const StepGraph g = dc02_like();
    const std::vector<ExecutedStep> refused = {{"preflight.host", StepOutcome::failed}};
    CHECK(check_run(g, refused).empty());
    std::vector<ExecutedStep> paged = refused;
    paged.push_back({"hook.post.page", StepOutcome::succeeded});
    CHECK(contains(check_run(g, paged), "state-changing step hook.post.page started before preflight.host succeeded"));
    std::vector<ExecutedStep> ended = refused;
    ended.push_back({"restore.end", StepOutcome::succeeded});
    CHECK(contains(check_run(g, ended), "finaliser restore.end ran although restore.prepare had not succeeded"));
  }

  TEST_CASE("a failing pre hook skips the restore and runs the failure hooks") {
    const StepGraph g = dc02_like();
    std::vector<ExecutedStep> run = through(g, "backup.verify");
    run.push_back({"hook.pre.av", StepOutcome::failed});
    run.push_back({"hook.post.notify", StepOutcome::succeeded});
    run.push_back({"hook.post.page", StepOutcome::succeeded});
    CHECK(check_run(g, run).empty());
    run.pop_back();
    CHECK(contains(check_run(g, run), "hook.post.page did not run although its condition (failure) held"));
  }

  TEST_CASE("a state-changing step before the backup is verified is a violation") {
    const StepGraph g = dc02_like();
    const std::vector<ExecutedStep> run = ok_steps({"preflight.host", "preflight.privilege", "preflight.ntds-offline",
                                                    "hook.pre.av"});
    const std::vector<std::string> v = check_run(g, run, {RunEnd::stopped, {}});
    CHECK(contains(v, "state-changing step hook.pre.av started before backup.verify succeeded"));
  }

  TEST_CASE("a pre hook that fails with onError continue does not stop the restore") {
    const StepGraph g = dc02_like();
    std::vector<ExecutedStep> run = through(g, "system.restart");
    for (ExecutedStep& e : run) {
      if (e.id == "hook.pre.av") e.outcome = StepOutcome::failed_ignored;
    }
    run.erase(std::remove_if(run.begin(), run.end(), [](const ExecutedStep& e) { return e.id == "hook.post.page"; }),
              run.end());
    CHECK(check_run(g, run).empty());
  }

  TEST_CASE("on resume, files.clear never runs again and preflight must run again before any change") {
    const StepGraph g = dc02_like();
    RunContext ctx;
    ctx.end = RunEnd::stopped;
    for (const std::string& id : g.order_ids()) {
      ctx.already_done.push_back(id);
      if (id == "files.clear") break;
    }
    const std::vector<ExecutedStep> good = ok_steps({"preflight.host", "preflight.privilege", "preflight.ntds-offline",
                                                     "backup.verify", "restore.prepare", "restore.locations",
                                                     "restore.register", "files.copy"});
    CHECK(check_run(g, good, ctx).empty());
    std::vector<ExecutedStep> again = good;
    again.insert(again.end() - 1, ExecutedStep{"files.clear", StepOutcome::succeeded});
    CHECK(contains(check_run(g, again, ctx), "files.clear ran again although an earlier process finished it"));
    const std::vector<ExecutedStep> skipped = ok_steps({"restore.prepare", "restore.locations"});
    CHECK(contains(check_run(g, skipped, ctx),
                   "state-changing step restore.prepare started before preflight.host succeeded"));
  }

  TEST_CASE("the post-restart process only checks that AD DS is online") {
    const StepGraph g = dc02_like();
    RunContext ctx;
    for (const std::string& id : g.order_ids()) {
      if (id != "system.verify-online" && id != "hook.post.page") ctx.already_done.push_back(id);
    }
    CHECK(check_run(g, ok_steps({"system.verify-online"}), ctx).empty());
    CHECK(check_run(g, {}, ctx).empty());  // a process that ran nothing broke nothing
    const std::vector<ExecutedStep> after_restart = ok_steps({"preflight.host", "preflight.privilege",
                                                              "preflight.ntds-offline", "backup.verify",
                                                              "restore.authoritative", "system.restart",
                                                              "system.verify-online"});
    RunContext fresh;
    fresh.end = RunEnd::stopped;
    CHECK(contains(check_run(g, after_restart, fresh), "system.verify-online ran after system.restart in the same process"));
    CHECK(contains(check_run(g, after_restart, fresh), "system.restart ran before restore.end succeeded"));
  }
}

}  // namespace adrestore::graph
