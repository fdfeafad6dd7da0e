// One restore run in one process: journals its start (or continuation), decides on resume what
// each step does, walks the compiled order deciding per step whether it runs (failure rules,
// finaliser guards, post-hook `when`), journals it, dispatches to the step's handler, and
// journals how the run ended. Used by run_plan and resume_plan (executor.h).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "exec/executor.h"
#include "exec/file_clear.h"
#include "exec/resume_rules.h"
#include "exec/run_state.h"
#include "placement/destinations.h"

namespace adrestore::exec {

// How a --events line says a step, run or hook ended.
EventOutcome event_outcome(StepOutcome o);
EventOutcome event_outcome(Outcome o);
EventOutcome event_outcome(HookOutcome o);

class RestoreRun {
 public:
  RestoreRun(const plan::Plan& plan, const graph::StepGraph& graph, ExecEnv& env, const ExecOptions& options,
             std::unique_ptr<JournalWriter> journal, std::optional<RunState> resumed);
  ~RestoreRun();  // wipes m_secrets
  RestoreRun(const RestoreRun&) = delete;
  RestoreRun& operator=(const RestoreRun&) = delete;
  ExecResult execute();

 private:
  struct StepResult {
    StepOutcome outcome = StepOutcome::succeeded;
    std::string message;
    std::optional<ntds::HResult> hresult;
    static StepResult ok(std::string msg = {}) { return {StepOutcome::succeeded, std::move(msg), std::nullopt}; }
    static StepResult fail(std::string msg, std::optional<ntds::HResult> hr = std::nullopt) {
      return {StepOutcome::failed, std::move(msg), hr};
    }
    static StepResult refuse(std::string msg) { return {StepOutcome::refused, std::move(msg), std::nullopt}; }
    static StepResult interrupted(std::string msg) { return {StepOutcome::interrupted, std::move(msg), std::nullopt}; }
  };

  // The first failure of the run: the one the run reports and restore.complete passes on.
  struct Failure {
    Outcome kind = Outcome::failed;
    std::string step;
    std::string message;
    std::optional<ntds::HResult> hresult;
    bool of_restore = true;  // not a post hook's: the post hooks after it see a failed restore
  };

  // execute()'s parts, in order.
  Status start();  // journals run-started (or run-resumed) with the machine it runs on
  // resume: what to do with each step of `order`; a run that must first ask the operator
  // (a non-idempotent hook died mid-way) stops with the result awaiting_decision returns.
  std::vector<ResumeStep> decide_resume(const std::vector<const graph::Step*>& order) const;
  std::optional<ExecResult> awaiting_decision(const std::vector<ResumeStep>& decisions);
  // resume: system.restart began but its end was never journaled (the restart, or a power
  // cut, stopped the process first). A DC now in normal mode was restarted: that is journaled,
  // and only the post-restart check remains. In DSRM the step simply runs again.
  Status settle_unrecorded_restart();
  void run_step(const graph::Step& step, const ResumeStep* decision);  // skipped (and said why) or attempted
  void attempt(const graph::Step& step);                  // journaled start, handler, journaled finish
  void settle(const graph::Step& step, const StepResult& r);  // what the outcome means for the run
  ExecResult finish();  // the run's result, journaled as run-finished when the journal still works

  // Why a step does not run now; empty when it runs.
  std::string skip_reason(const graph::Step& step, const ResumeStep* decision) const;
  StepResult dispatch(const graph::Step& step);
  StepResult dispatch_guarded(const graph::Step& step);
  Status record(RecordBody body);
  // For records whose loss changes no resume decision (notes, hook results, the run's end,
  // the context's close): a failed write already marks the journal broken, and the run stops
  // at the next step that must be journaled.
  void record_best_effort(RecordBody body);
  void emit(EventType type, const std::string& step, EventOutcome outcome, const std::string& message,
            nlohmann::json data = nlohmann::json::object());
  void warn(const std::string& step, const std::string& message, nlohmann::json data = nlohmann::json::object());
  // Adds the journal's chain head to a step's or the run's end event and writes it to the
  // system log: the head leaves the state directory after every step.
  void publish_head(EventType type, const std::string& step, EventOutcome outcome, nlohmann::json& data);
  void journal_skip_decision(const graph::Step& step, const std::string& reason);
  void fail_run(Outcome kind, const std::string& step, const std::string& message, std::optional<ntds::HResult> hr);

  // Step handlers (restore_run_*.cpp).
  StepResult preflight_host();
  StepResult preflight_privilege();
  StepResult preflight_credentials();
  StepResult preflight_ntds_offline();
  // DsIsNTDSOnline must say FALSE; `since` is added to the refusal ("" or " again (...)").
  StepResult check_ntds_offline(const std::string& since);
  StepResult backup_verify();
  StepResult run_hook(const graph::Step& step);
  StepResult restore_prepare();
  StepResult restore_locations();
  StepResult restore_register();
  StepResult files_clear();
  StepResult files_copy();
  StepResult restore_complete();
  StepResult restore_end();
  StepResult restore_authoritative();
  StepResult system_restart();
  StepResult system_verify_online();

  // restore.locations' share of issue 13: overrides that differ from the report are
  // announced (a Note and a warning event); the directory's identity is journaled before
  // anything changes, for system.verify-online (restore_run_verify.cpp).
  void warn_override_differences(const backup::Locations& reported);
  void capture_identity();
  // The checks of system.verify-online after AD DS came online; empty when all passed.
  std::string verify_restored_identity(std::string& checked);

  Status load_manifest();
  ClearOptions clear_options() const;  // files.clear's, also checked by restore.locations
  // The set was taken on this DC, or the override allows it (journaled); else a refusal.
  std::optional<StepResult> check_set_identity();
  std::string describe(ntds::HResult hr) const;
  std::int64_t now() const;

  const plan::Plan& m_plan;
  const graph::StepGraph& m_graph;
  ExecEnv& m_env;
  const ExecOptions& m_opt;
  std::unique_ptr<JournalWriter> m_journal;
  std::optional<RunState> m_resumed;  // the journal as a resumed run found it; empty for a new run
  std::string m_run_id;

  // What this process has learnt and done.
  std::string m_server;                       // the DC's NetBIOS name, for the API's server arguments
  std::vector<std::string> m_machine_names;   // for ntds::local_form
  std::optional<backup::Manifest> m_manifest;
  std::optional<placement::Resolution> m_resolution;
  ntds::Hbc m_hbc;
  bool m_context_open = false;  // restore.prepare opened the backup context; restore.end closes it
  std::set<std::string> m_succeeded_here;
  // What this process did to the DC's registration. `registered` (DsRestoreRegister returned
  // S_OK) is restore.complete's guard, also when restore.register then failed its check of the
  // registry key; `restarted` stops every step after system.restart.
  RestorePhase m_phase = RestorePhase::none;
  // Scrubbed from hook logs (the DSRM password): the only copy that outlives
  // preflight.credentials, wiped by the destructor. Without it a hook that prints the
  // password would put it in its log; keeping it costs one copy in memory for the run.
  std::vector<std::string> m_secrets;

  // How the run is going. A failure and an interrupt are independent: the run reports the
  // failure, but after an interrupt only the finalisers run, failed or not.
  std::optional<Failure> m_failure;
  bool m_interrupted = false;
  bool m_journal_broken = false;  // a record could not be written: only the finalisers run now
};

}  // namespace adrestore::exec
