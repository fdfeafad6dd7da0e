// plan_resume's hook decisions (step-graph.md, "Resume"), as a pure function of the RunState.
#include <doctest/doctest.h>

#include "exec/resume_rules.h"

using namespace adrestore::exec;

namespace {

const ResumeStep& decision(const std::vector<ResumeStep>& steps, const std::string& id) {
  for (const ResumeStep& s : steps) {
    if (s.step == id) return s;
  }
  FAIL("no decision for " << id);
  static ResumeStep none;
  return none;
}

ResumeStep decide_hook(const StepState& st, bool idempotent, const ResumeOptions& options = {}) {
  RunState rs;
  rs.steps["hook.pre.notify"] = st;
  const std::vector<std::string> order{"preflight.host", "hook.pre.notify", "backup.verify"};
  return decision(plan_resume(order, rs, {{"notify", idempotent}}, options), "hook.pre.notify");
}

StepState state(StepStatus status, bool interrupted = false) {
  StepState s;
  s.status = status;
  if (interrupted) s.outcome = StepOutcome::interrupted;
  s.attempts = 1;
  return s;
}

}  // namespace

TEST_SUITE("journal") {
  TEST_CASE("a hook killed with the process, or stopped by Ctrl-C, runs again only when idempotent") {
    for (const bool interrupted : {false, true}) {
      CAPTURE(interrupted);
      const StepState st = interrupted ? state(StepStatus::failed, true) : state(StepStatus::running);
      CHECK(decide_hook(st, true).action == ResumeAction::run);
      const ResumeStep d = decide_hook(st, false);
      CHECK(d.action == ResumeAction::need_decision);
      CHECK(d.reason.find("--rerun-hook notify or --skip-hook notify") != std::string::npos);
      CHECK(d.reason.find(interrupted ? "stopped by an interrupt" : "process died") != std::string::npos);
      ResumeOptions rerun;
      rerun.rerun_hooks = {"notify"};
      CHECK(decide_hook(st, false, rerun).action == ResumeAction::run);
      ResumeOptions skip;
      skip.skip_hooks = {"notify"};
      CHECK(decide_hook(st, false, skip).action == ResumeAction::skip);
    }
  }

  TEST_CASE("a hook that failed on its own runs again; a finished or skipped one does not") {
    CHECK(decide_hook(state(StepStatus::failed), false).action == ResumeAction::run);
    CHECK(decide_hook(state(StepStatus::succeeded), false).action == ResumeAction::skip);
    CHECK(decide_hook(state(StepStatus::skipped), false).action == ResumeAction::skip);
    CHECK(decide_hook(StepState{}, false).action == ResumeAction::run);
  }
}
