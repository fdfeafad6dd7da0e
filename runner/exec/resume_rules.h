// The resume rules of step-graph.md ("Resume"): what resume does with each step, decided from
// the journal's RunState as a pure function, so status shows it and tests check it directly.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "exec/run_state.h"

namespace adrestore::exec {

enum class ResumeAction {
  run,            // run the step (again)
  skip,           // finished before; not repeated
  need_decision,  // a non-idempotent hook was running when the process died
};
const char* to_string(ResumeAction a);

struct ResumeStep {
  std::string step;
  ResumeAction action = ResumeAction::run;
  std::string reason;  // one line for status and the log
};

struct ResumeOptions {
  std::set<std::string> rerun_hooks;  // --rerun-hook NAME
  std::set<std::string> skip_hooks;   // --skip-hook NAME
};

// Decides, for every step of the compiled order, what resume does with it (step-graph.md,
// "Resume"). `idempotent` tells whether a hook step may run again after a crash.
std::vector<ResumeStep> plan_resume(const std::vector<std::string>& order, const RunState& state,
                                    const std::map<std::string, bool>& idempotent, const ResumeOptions& options);

// The hook name of a step id (hook.pre.NAME / hook.post.NAME), or empty.
std::string hook_name_of(const std::string& step_id);

}  // namespace adrestore::exec
