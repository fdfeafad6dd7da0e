// One step of a compiled restore (step-graph.md): what it does, which mandated step of the
// restore procedure it implements, what it needs, and the rules the executor applies to it
// (when it runs after a failure, what happens to it on resume).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/winpath.h"
#include "plan/model.h"

namespace adrestore::graph {

// The kinds of step, one per row of the table in step-graph.md, plus the post-restart check.
enum class StepKind {
  preflight_host,
  preflight_privilege,
  preflight_credentials,
  preflight_ntds_offline,
  backup_verify,
  pre_hook,
  restore_prepare,
  restore_locations,
  restore_register,
  files_clear,
  files_copy,
  restore_complete,
  restore_end,
  restore_authoritative,
  post_hook,
  system_restart,
  system_verify_online,
};
const char* to_string(StepKind k);

// The step number of step-graph.md's table. The post-restart phase has no row there; it gets
// the number after the last one so that "numbers never decrease along the order" holds.
int mandated_number(StepKind k);
inline constexpr int k_post_restart_number = 17;

// What a step may do to the DC. read_only steps change nothing on the machine (a failure
// there leaves everything as it was); state_changing steps (and every hook, whose effects
// are unknown) may; a finaliser is a state-changing step that also runs after a failure,
// once its guard step has succeeded in this process (a `finally`).
enum class StepClass { read_only, state_changing, finaliser };
const char* to_string(StepClass c);

// Which outcome of the run so far lets the step start. `success`: only when no step has
// failed. `failure`: only when one has. `always`: either way (finalisers, and post hooks
// with when: always). A finaliser runs only when its guard also succeeded.
enum class RunsOn { success, failure, always };
const char* to_string(RunsOn r);

// When the step runs: in the restore itself, or on resume after system.restart.
enum class Phase { restore, post_restart };
const char* to_string(Phase p);

// What `adrestore resume` does with the step when the journal shows it (step-graph.md, Resume).
enum class ResumeRule {
  always_repeat,        // preflight.*: conditions can change across a crash
  files_not_yet_copied, // backup.verify: re-verify the files still to be copied
  with_new_context,     // prepare/locations/register: redone when the process that held the context died
  once,                 // skipped when finished
  never_twice,          // files.clear: never again once finished (it would delete restored files)
  per_file,             // files.copy: skip verified files, continue a partial one at its last verified chunk
  hook,                 // skipped when finished; when it was running: again only if idempotent
};
const char* to_string(ResumeRule r);

// An argument of an API call as far as it is known when the plan is compiled. When
// `known` is false, `value` says where it comes from at run time.
struct Arg {
  std::string name;
  std::string value;
  bool known = true;
};

struct ApiCall {
  std::string function;  // DsRestorePrepare...
  std::vector<Arg> args;
};

struct HookInputs {
  plan::HookPhase phase = plan::HookPhase::pre;
  std::size_t index = 0;  // position in the plan's list
  std::string name;
  std::vector<std::string> argv;  // before substitution of ${...}
  std::int64_t timeout_seconds = 300;
  plan::OnError on_error = plan::OnError::fail;
  plan::When when = plan::When::always;  // post hooks only
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<WinPath> working_dir;
  bool idempotent = false;
};

struct Step {
  std::string id;  // preflight.host, hook.pre.<name>, ...
  StepKind kind = StepKind::preflight_host;
  int number = 0;  // the mandated step it implements, 1-16 (hooks 6 and 15), 17 after a restart
  StepClass step_class = StepClass::read_only;
  RunsOn runs_on = RunsOn::success;
  std::string guard;  // finalisers: the step that must have succeeded in this process
  Phase phase = Phase::restore;
  ResumeRule resume = ResumeRule::once;
  std::string action;  // one line for people: what the step does
  std::optional<ApiCall> api;
  std::optional<HookInputs> hook;
  std::vector<std::pair<std::string, std::string>> inputs;  // other inputs, name -> value, in a fixed order

  // restore.complete and restore.end: they close what the process opened, on every path.
  bool is_finaliser() const { return step_class == StepClass::finaliser; }
  bool is_hook() const { return kind == StepKind::pre_hook || kind == StepKind::post_hook; }
  bool runs_on_failure() const { return runs_on != RunsOn::success; }
  bool runs_on_success() const { return runs_on != RunsOn::failure; }
  // True when the step may change the machine: state-changing steps, finalisers and hooks
  // (the compiler classes every hook as state-changing: its effects are unknown). Such a
  // step never starts unless steps 1-5 all succeeded in the run, whatever its runs_on says:
  // after a preflight or backup.verify failure nothing runs, not even a when: failure hook.
  bool may_change_state() const { return step_class != StepClass::read_only; }
};

}  // namespace adrestore::graph
