// The body of a run: walks the compiled order, decides per step whether it runs (failure
// rules, finaliser guards, post-hook `when`, resume decisions), journals it, and dispatches
// to the step's handler. Used by run_plan and resume_plan (executor.h).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "exec/executor.h"
#include "exec/file_clear.h"
#include "exec/journal_run_state.h"
#include "exec/run_state.h"
#include "placement/destinations.h"

namespace adrestore::exec {

class RunSteps {
 public:
  RunSteps(const plan::Plan& plan, const graph::StepGraph& graph, ExecEnv& env, const ExecOptions& options,
           std::unique_ptr<JournalWriter> journal, const RunState* resumed);
  ~RunSteps();  // wipes m_secrets
  RunSteps(const RunSteps&) = delete;
  RunSteps& operator=(const RunSteps&) = delete;
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

  // Why a step does not run now; empty when it runs.
  std::string skip_reason(const graph::Step& step, const ResumeStep* decision) const;
  StepResult dispatch(const graph::Step& step);
  StepResult dispatch_guarded(const graph::Step& step);
  Status record(RecordBody body);
  // For records whose loss changes no resume decision (notes, hook results, the run's end,
  // the context's close): a failed write already marks the journal broken, and the run stops
  // at the next step that must be journaled.
  void record_best_effort(RecordBody body);
  void emit(const std::string& type, const std::string& step, const std::string& outcome, const std::string& message,
            nlohmann::json data = nlohmann::json::object());
  void journal_skip_decision(const graph::Step& step, const std::string& reason);
  void fail_run(Outcome kind, const std::string& step, const std::string& message, std::optional<ntds::HResult> hr);

  // Step handlers (run_steps_*.cpp).
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
  // anything changes, for system.verify-online (run_steps_verify.cpp).
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
  std::optional<RunState> m_resumed;
  std::string m_run_id;

  // What this process has learnt and done.
  std::string m_server;                       // the DC's NetBIOS name, for the API's server arguments
  std::vector<std::string> m_machine_names;   // for ntds::local_form
  std::optional<backup::Manifest> m_manifest;
  std::optional<placement::Resolution> m_resolution;
  ntds::Hbc m_hbc;
  bool m_context_open = false;
  std::set<std::string> m_succeeded_here;
  // DsRestoreRegister returned S_OK in this process: restore.complete's guard, also when
  // restore.register then failed its check of the registry key.
  bool m_register_called = false;
  // Scrubbed from hook logs (the DSRM password): the only copy that outlives
  // preflight.credentials, wiped by the destructor. Without it a hook that prints the
  // password would put it in its log; keeping it costs one copy in memory for the run.
  std::vector<std::string> m_secrets;

  // How the run is going.
  bool m_failed = false;
  bool m_restore_failed = false;  // m_failed by a step other than a post hook
  bool m_interrupted = false;
  Outcome m_failure_kind = Outcome::failed;
  std::string m_failed_step;
  std::string m_failure_message;
  std::optional<ntds::HResult> m_failure_hr;
  bool m_restart_pending = false;
  bool m_journal_broken = false;
};

}  // namespace adrestore::exec
