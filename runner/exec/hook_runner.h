// Runs one plan hook (steps hook.pre.<name> and hook.post.<name>) and says honestly how it
// went. The executor decides when a hook runs and what its result means for the run, with
// hook_verdict() and should_run_post_hook(); the journal and resume rules are the executor's.
//
// What a hook gets (doc/hooks.md has the whole contract):
// - argv: the plan's `run` after substitution of ${plan.name}, ${plan.dc}, ${run.id},
//   ${run.outcome} (post hooks), ${run.stateDir} and ${backup.source}; nothing else is expanded
//   and no shell is involved. argv[0] is resolved by the caller's ProgramResolver.
// - environment: the runner's, minus the credentials variable (passwordFrom env:NAME) and any
//   variable whose value holds a secret, plus the hook's `env`, plus ADRESTORE_PLAN_NAME,
//   ADRESTORE_RUN_ID, ADRESTORE_STATE_DIR, ADRESTORE_HOOK_NAME, ADRESTORE_PHASE and (post hooks)
//   ADRESTORE_OUTCOME.
// - working directory: the hook's workingDir, else the run's state directory;
//   stdin: the null device; stdout and stderr: <stateDir>/logs/hooks/<name>.log (appended, one
//   section per attempt, capped per attempt), with every secret value replaced by [redacted].
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"
#include "host/disks.h"
#include "plan/model.h"
#include "platform/process.h"

namespace adrestore::exec {

// How the restore ended, as post hooks see it (${run.outcome}, ADRESTORE_OUTCOME, `when`).
enum class RestoreOutcome { succeeded, failed };
const char* to_string(RestoreOutcome v);

struct HookContext {
  std::string plan_name;
  std::string plan_dc;
  std::string run_id;
  std::string state_dir;              // host path; logs go under <state_dir>/logs/hooks
  std::string backup_source;          // the plan's Windows path, as the plan names it
  std::optional<RestoreOutcome> outcome;  // set for post hooks
  std::vector<std::string> secret_env_names;  // removed from every hook's environment
};

// Fills plan name, DC, backup source and the credentials variable from the plan.
HookContext make_hook_context(const plan::Plan& plan, std::string run_id, std::string state_dir);

// Turns element 0 of `run` into a host path to execute, and workingDir into a host directory.
using ProgramResolver = std::function<Result<std::string>(const std::string& program)>;
using DirResolver = std::function<Result<std::string>(const WinPath& dir)>;

// Plan paths through the DC's file system: a Windows path is the file host::Disks maps it to
// (with SimDisks, C:\Tools\avctl.exe runs <world>/fs/C/Tools/avctl.exe); a bare name is looked
// up in `path_value` (the runner's PATH). `disks` must outlive the resolvers.
ProgramResolver disks_program_resolver(host::Disks& disks, std::string path_value);
DirResolver disks_dir_resolver(host::Disks& disks);

struct HookRunOptions {
  ProgramResolver resolve_program;   // required
  DirResolver resolve_dir;           // required for hooks with workingDir
  std::vector<std::string> base_env;  // the runner's environment (platform::current_environment())
  std::vector<std::string> secrets;   // values never passed on in the environment nor logged
  std::uint64_t output_cap = platform::k_default_output_cap;  // per attempt
  std::chrono::milliseconds kill_grace{500};
  const std::atomic<bool>* cancel = nullptr;  // Ctrl-C: stop the hook, outcome cancelled
  platform::ProcessRunner* runner = nullptr;  // null: platform::system_process_runner()
  platform::FileSystem* fs = nullptr;         // of the hook log; null: platform::system_fs()
  std::function<std::int64_t()> now_unix = nullptr;  // the hook log's clock; null: the system's
};

enum class HookOutcome { succeeded, failed, timed_out, cancelled, spawn_failed };
const char* to_string(HookOutcome v);

struct HookResult {
  std::string name;
  plan::HookPhase phase = plan::HookPhase::pre;
  HookOutcome outcome = HookOutcome::spawn_failed;
  bool exited = false;          // ended by itself: exit_code is valid
  std::int64_t exit_code = -1;  // POSIX 0..255, Windows 32-bit (NTSTATUS on a crash)
  int signal = 0;               // POSIX: ended by this signal
  std::chrono::milliseconds duration{0};
  bool timed_out = false;
  bool output_truncated = false;
  bool strays = false;          // some process of its tree could not be confirmed gone
  std::string log_path;
  std::string description;      // "exit code 3", "timed out after 2m and was stopped (...)"
  Status error;                 // spawn_failed: why it never ran
  Status log_error;             // the log is incomplete (the outcome still stands)
};

std::string hook_log_path(const std::string& state_dir, const std::string& hook_name);

// Runs the hook to its end (or its timeout, or cancellation). Never throws; every failure is
// in the result, and in the hook's log when the log could be opened.
HookResult run_hook(const plan::Hook& hook, const HookContext& ctx, const HookRunOptions& opts);

// What the run does after a hook.
enum class HookVerdict {
  proceed,                  // it succeeded
  proceed_despite_failure,  // it failed and onError is continue
  stop,                     // it failed (or timed out, or never started) and onError is fail
  interrupted,              // it was cancelled: stop, resumable
};
const char* to_string(HookVerdict v);
HookVerdict hook_verdict(const HookResult& r, plan::OnError on_error);
inline bool continues(HookVerdict v) {
  return v == HookVerdict::proceed || v == HookVerdict::proceed_despite_failure;
}

// success: only after a successful restore; failure: only after a failed one; always: both.
bool should_run_post_hook(plan::When when, RestoreOutcome outcome);

// The last lines of a hook's log, safe to print on a terminal: control characters and invalid
// UTF-8 escaped, secrets redacted. At most max_lines lines from the last 64 KiB.
Result<std::string> hook_log_tail(const std::string& log_path, std::size_t max_lines = 20,
                                  const std::vector<std::string>& secrets = {});

}  // namespace adrestore::exec
