// Where a run stands, folded from its journal. resume and status both read it; the resume
// rules of step-graph.md are decided here, as pure functions, so they are tested directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace adrestore::exec {

enum class StepStatus { not_started, running, succeeded, failed, skipped };
const char* to_string(StepStatus s);

struct StepState {
  StepStatus status = StepStatus::not_started;
  bool interrupted = false;  // failed because Ctrl-C stopped it (a hook is killed mid-way)
  int attempts = 0;
  std::uint32_t hresult = 0;
  std::string message;
};

// --allow-foreign-backup as journaled (record foreign-backup-allowed).
struct ForeignBackup {
  std::string backup_dc;  // the manifest's DC
  std::string plan_dc;    // metadata.domainController
  std::string host;       // the machine restored onto
  std::string at;         // when, RFC 3339 UTC
};

struct RunState {
  std::string run_id;
  std::string plan_name;
  std::string plan_file;
  std::string plan_hash;
  std::string tool_version;
  std::string api;        // sim or win32
  std::string world;      // the simulated world, with --api sim
  std::string started_at;
  std::map<std::string, StepState> steps;  // by step id, the latest attempt
  std::string last_step;                   // the last step that started
  std::vector<std::string> step_order;     // steps in the order they first started
  // restore.prepare succeeded in a process that has not called restore.end since.
  bool context_open = false;
  std::optional<std::string> destinations;  // canonical text of the resolved destinations
  std::set<std::string> cleared_files;      // files.clear progress (source paths)
  std::map<std::string, std::uint64_t> verified_bytes;  // files.copy progress by file
  std::set<std::string> copied_files;
  std::set<std::string> copied_names;      // the same files by their path in the backup set
  std::optional<std::string> outcome;      // set by run-finished: succeeded, failed, refused, interrupted
  std::optional<std::string> failed_step;
  std::string failure_message;
  int processes = 0;                       // how many processes have worked on this run
  std::optional<ForeignBackup> foreign_backup;  // the latest override, if any

  const StepState& step(const std::string& id) const;
  bool succeeded(const std::string& id) const { return step(id).status == StepStatus::succeeded; }
  // DsRestoreRegister is done (or may be: the process died inside restore.register) and
  // DsRestoreRegisterComplete has not reported success: the DC must not be restarted into
  // normal mode now.
  bool must_not_restart() const;
  // restore.complete reported S_OK: the restored database will be recovered at the next boot.
  bool restore_completed_ok() const { return succeeded("restore.complete") && step("restore.complete").hresult == 0; }
  // The run has passed system.restart; resume only runs the post-restart check.
  bool restarted() const { return succeeded("system.restart"); }
};

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
