#include "exec/restore_run.h"

#include <chrono>
#include <ctime>

#include "platform/account.h"
#include "platform/secure_wipe.h"
#include "base/text.h"
#include "exec/run_setup.h"
#include "graph/compile.h"
#include "ntds/hresult.h"

namespace adrestore::exec {

namespace ids = graph::ids;

EventOutcome event_outcome(StepOutcome o) {
  switch (o) {
    case StepOutcome::succeeded:
      return EventOutcome::succeeded;
    case StepOutcome::failed:
      return EventOutcome::failed;
    case StepOutcome::skipped:
      return EventOutcome::skipped;
    case StepOutcome::refused:
      return EventOutcome::refused;
    case StepOutcome::interrupted:
      return EventOutcome::interrupted;
  }
  return EventOutcome::failed;
}

EventOutcome event_outcome(Outcome o) {
  switch (o) {
    case Outcome::succeeded:
      return EventOutcome::succeeded;
    case Outcome::failed:
      return EventOutcome::failed;
    case Outcome::refused:
      return EventOutcome::refused;
    case Outcome::interrupted:
      return EventOutcome::interrupted;
    case Outcome::restarting:
      return EventOutcome::restarting;
  }
  return EventOutcome::failed;
}

EventOutcome event_outcome(HookOutcome o) {
  switch (o) {
    case HookOutcome::succeeded:
      return EventOutcome::succeeded;
    case HookOutcome::failed:
      return EventOutcome::failed;
    case HookOutcome::timed_out:
      return EventOutcome::timed_out;
    case HookOutcome::cancelled:
      return EventOutcome::cancelled;
    case HookOutcome::spawn_failed:
      return EventOutcome::spawn_failed;
  }
  return EventOutcome::failed;
}

RestoreRun::RestoreRun(const plan::Plan& plan, const graph::StepGraph& graph, ExecEnv& env, const ExecOptions& options,
                       std::unique_ptr<JournalWriter> journal, std::optional<RunState> resumed)
    : m_plan(plan), m_graph(graph), m_env(env), m_opt(options), m_journal(std::move(journal)),
      m_resumed(std::move(resumed)) {
  m_run_id = m_resumed ? m_resumed->run.run_id : options.run_id.empty() ? make_run_id(now()) : options.run_id;
}

RestoreRun::~RestoreRun() { platform::secure_wipe(m_secrets); }

std::int64_t RestoreRun::now() const {
  if (m_env.now_unix) return m_env.now_unix();
  return static_cast<std::int64_t>(std::time(nullptr));
}

std::string RestoreRun::describe(ntds::HResult hr) const {
  // Called right after the call that returned hr, so the backend's detail is about it.
  const std::string detail = hr.ok() ? std::string() : m_env.api.failure_detail();
  return ntds::describe_hresult(hr) + (detail.empty() ? "" : " (" + detail + ")");
}

Status RestoreRun::record(RecordBody body) {
  if (m_journal_broken) return Status::error(Code::io, "the journal cannot be written");
  if (Status f = m_env.faults.before_record(m_journal->next_seq()); !f) {
    m_journal_broken = true;
    return f;
  }
  auto r = m_journal->append(std::move(body));
  if (!r) {
    m_journal_broken = true;
    return r.status();
  }
  m_env.faults.after_record(r->seq);
  return Status::ok();
}

void RestoreRun::record_best_effort(RecordBody body) { (void)record(std::move(body)); }

void RestoreRun::emit(EventType type, const std::string& step, EventOutcome outcome, const std::string& message,
                      nlohmann::json data) {
  if (type == EventType::step_finished || type == EventType::run_finished) publish_head(type, step, outcome, data);
  m_env.observer.on_event(Event{type, step, outcome, message, std::move(data)});
}

void RestoreRun::publish_head(EventType type, const std::string& step, EventOutcome outcome, nlohmann::json& data) {
  const std::optional<JournalHead> head = m_journal ? m_journal->head() : std::nullopt;
  if (!head) return;  // a run continued in a format before the chain: CRC only, nothing to publish
  if (!data.is_object()) data = nlohmann::json::object();
  data["journalSeq"] = head->seq;
  data["journalHead"] = head->sha256;
  std::string what = type == EventType::run_finished ? std::string("run finished") : "step " + step;
  if (outcome != EventOutcome::none) what += std::string(" ") + to_string(outcome);
  const std::string line = "run " + m_run_id + " of plan " + m_plan.name.value + ": " + what + "; journal " +
                           m_journal->path() + " head after record " + std::to_string(head->seq) + ": sha256 " +
                           head->sha256;
  if (m_env.system_log) {
    m_env.system_log(platform::LogLevel::info, line);
  } else {
    platform::write_system_log(platform::LogLevel::info, line);
  }
}

void RestoreRun::warn(const std::string& step, const std::string& message, nlohmann::json data) {
  emit(EventType::warning, step, EventOutcome::none, message, std::move(data));
}

void RestoreRun::fail_run(Outcome kind, const std::string& step, const std::string& message,
                          std::optional<ntds::HResult> hr) {
  if (m_failure) return;  // the first failure is the one that counts
  const graph::Step* failed = m_graph.find(step);
  m_failure = Failure{kind, step, message, hr, !(failed && failed->kind == graph::StepKind::post_hook)};
}

std::string RestoreRun::skip_reason(const graph::Step& step, const ResumeStep* decision) const {
  if (m_phase == RestorePhase::restarted) return "the DC is restarting";
  if (decision && decision->action == ResumeAction::skip) return decision->reason;
  const bool guard_met = m_succeeded_here.count(step.guard) > 0 ||
                         (step.guard == ids::k_restore_register && m_phase == RestorePhase::registered);
  if (!step.guard.empty() && !guard_met) {
    return step.guard + " did not succeed in this process";
  }
  // The finalisers close what this process opened, whatever stopped it: an interrupt, a
  // failed step or a journal that can no longer be written (the registration is never left
  // open by a live process).
  if (step.is_finaliser()) {
    if (step.id == ids::k_restore_end && !m_context_open) return "the backup context is not open";
    return {};
  }
  if (m_interrupted) return "the run was interrupted";
  if (m_journal_broken) return "the journal cannot be written";
  // Post hooks follow the restore's outcome: a failed post hook fails the run, but does not
  // make the restore a failure for the hooks after it.
  const bool failed_before = m_failure && (step.kind != graph::StepKind::post_hook || m_failure->of_restore);
  if (failed_before) {
    if (!step.runs_on_failure()) return "the run failed at " + m_failure->step;
    // A failure in steps 1-5 changed nothing: no hook runs after it (doc/step-order.md).
    const graph::Step* failed = m_graph.find(m_failure->step);
    if (step.is_hook() && failed && failed->number <= 5) {
      return "the run stopped at " + m_failure->step + ", before any hook";
    }
  } else if (!step.runs_on_success()) {
    return "runs only when the restore fails";
  }
  return {};
}

ExecResult RestoreRun::execute() {
  auto order = m_graph.execution_order();
  if (!order) return {Outcome::failed, {}, order.status().message()};
  if (Status s = start(); !s) return {Outcome::failed, {}, "cannot write the journal: " + s.message()};
  std::vector<ResumeStep> decisions;
  if (m_resumed) {
    if (Status s = settle_unrecorded_restart(); !s) return {Outcome::failed, {}, "cannot write the journal: " + s.message()};
    decisions = decide_resume(*order);
    if (auto stop = awaiting_decision(decisions)) return *stop;
  }
  for (std::size_t i = 0; i < order->size(); ++i) run_step(*(*order)[i], m_resumed ? &decisions[i] : nullptr);
  return finish();
}

Status RestoreRun::start() {
  // Journal the start (or the continuation) of the run, with the machine it runs on.
  std::string host_name = "unknown";
  if (auto name = m_env.host.machine_name()) {
    host_name = name->display();
    m_server = name->netbios;
    m_machine_names = name->all();
  }
  if (m_resumed) {
    Status s = record(RunResumed{ADRESTORE_VERSION, host_name});
    emit(EventType::run_started, {}, EventOutcome::none, "resuming run " + m_run_id + " of plan " + m_plan.name.value);
    return s;
  }
  RunStarted rs;
  rs.plan_name = m_plan.name.value;
  rs.plan_file = m_plan.file;
  rs.plan_sha256 = plan_content_hash(m_opt.plan_text);
  rs.tool_version = ADRESTORE_VERSION;
  rs.run_id = m_run_id;
  rs.api = m_opt.api_name;
  rs.world = m_opt.world;
  rs.host = host_name;
  rs.operator_account = m_env.operator_account ? m_env.operator_account() : platform::current_account();
  // A name the journal could not hold is never worth failing a restore over.
  if (rs.operator_account.size() > 256 || find_invalid_utf8(rs.operator_account)) rs.operator_account = "unknown";
  Status s = record(rs);
  emit(EventType::run_started, {}, EventOutcome::none,
       "run " + m_run_id + " of plan " + m_plan.name.value + " (" + m_plan.file + ")",
       {{"run", m_run_id}, {"plan", m_plan.name.value}});
  return s;
}

std::vector<ResumeStep> RestoreRun::decide_resume(const std::vector<const graph::Step*>& order) const {
  std::vector<std::string> ids_in_order;
  std::map<std::string, bool> idempotent;
  for (const graph::Step* st : order) {
    ids_in_order.push_back(st->id);
    if (st->hook) idempotent[st->hook->name] = st->hook->idempotent;
  }
  return plan_resume(ids_in_order, *m_resumed, idempotent, {m_opt.rerun_hooks, m_opt.skip_hooks});
}

std::optional<ExecResult> RestoreRun::awaiting_decision(const std::vector<ResumeStep>& decisions) {
  for (const ResumeStep& d : decisions) {
    if (d.action != ResumeAction::need_decision) continue;
    const std::string msg = d.step + " " + d.reason;
    record_best_effort(Note{NoteLevel::warning, msg});
    // Not journaled as finished (the run goes on after the decision), but the events file
    // closes this attempt like any other.
    emit(EventType::run_finished, d.step, event_outcome(Outcome::interrupted), msg);
    return ExecResult{Outcome::interrupted, d.step, msg};
  }
  return std::nullopt;
}

void RestoreRun::run_step(const graph::Step& step, const ResumeStep* decision) {
  if (!m_interrupted && m_env.cancel.load()) {
    m_interrupted = true;
    record_best_effort(Note{NoteLevel::warning, "interrupted before " + step.id});
  }
  const bool after_restart = m_resumed && m_resumed->restarted();
  // Before the restart the post-restart check waits for a resume; after it only that check
  // remains, and there is nothing to report about the rest.
  if ((step.phase == graph::Phase::post_restart) != after_restart) return;
  if (const std::string why = skip_reason(step, decision); !why.empty()) {
    if (decision && decision->action == ResumeAction::skip && step.hook && m_opt.skip_hooks.count(step.hook->name)) {
      journal_skip_decision(step, decision->reason);
    }
    emit(EventType::step_finished, step.id, EventOutcome::skipped, why);
    return;
  }
  attempt(step);
}

void RestoreRun::attempt(const graph::Step& step) {
  const auto started = std::chrono::steady_clock::now();
  if (!m_journal_broken && !record(StepStarted{step.id, m_journal->state().step(step.id).attempts + 1})) {
    fail_run(Outcome::failed, step.id, "the journal could not be written", std::nullopt);
    // A finaliser still runs, journaled best-effort; anything else stops here.
    if (!step.is_finaliser()) {
      emit(EventType::step_finished, step.id, EventOutcome::skipped, "the journal could not be written; stopping");
      return;
    }
  }
  emit(EventType::step_started, step.id, EventOutcome::none, step.action);
  m_env.faults.at_step(step.id, 0, 0);
  const StepResult r = dispatch_guarded(step);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  StepFinished fin{step.id, r.outcome, std::nullopt, ms, r.message};
  if (r.hresult) fin.hresult = r.hresult->value();
  nlohmann::json data = {{"durationMs", ms}};
  if (r.hresult) data["hresult"] = describe(*r.hresult);
  if (!m_journal_broken && !record(fin)) {
    fail_run(Outcome::failed, step.id, "the journal could not be written", std::nullopt);
    warn(step.id, "the journal could not be written; only the finalisers run now");
  }
  emit(EventType::step_finished, step.id, event_outcome(r.outcome), r.message, data);
  settle(step, r);
}

void RestoreRun::settle(const graph::Step& step, const StepResult& r) {
  // What the step did counts even when its record was lost: a registration that succeeded
  // must still be completed, a context that opened must still be ended.
  switch (r.outcome) {
    case StepOutcome::succeeded:
      m_succeeded_here.insert(step.id);
      break;
    case StepOutcome::skipped:
      break;
    case StepOutcome::interrupted:
      m_interrupted = true;
      break;
    case StepOutcome::refused:
      fail_run(Outcome::refused, step.id, r.message, r.hresult);
      break;
    case StepOutcome::failed:
      if (step.hook && step.hook->on_error == plan::OnError::keep_going) break;  // onError: continue
      fail_run(Outcome::failed, step.id, r.message, r.hresult);
      break;
  }
}

ExecResult RestoreRun::finish() {
  ExecResult result;
  if (m_journal_broken && !m_failure) fail_run(Outcome::failed, {}, "the journal could not be written", std::nullopt);
  if (m_failure) {
    result = {m_failure->kind, m_failure->step, m_failure->message};
  } else if (m_interrupted) {
    result = {Outcome::interrupted, {}, "interrupted; run 'adrestore resume --state " + m_opt.state_dir + "' to continue"};
  } else if (m_phase == RestorePhase::restarted) {
    result = {Outcome::restarting, {},
              "the DC is restarting into normal mode; after the restart run 'adrestore resume --state " +
                  m_opt.state_dir + "' to confirm that AD DS came online"};
    emit(EventType::run_finished, {}, EventOutcome::restarting, result.message);
    return result;
  } else {
    result = {Outcome::succeeded, {}, "the restore of " + m_plan.domain_controller.value + " completed"};
  }
  if (!m_journal_broken) record_best_effort(RunFinished{journal_outcome_of(result.outcome)});
  emit(EventType::run_finished, result.failed_step, event_outcome(result.outcome), result.message);
  return result;
}

void RestoreRun::journal_skip_decision(const graph::Step& step, const std::string& reason) {
  // --skip-hook NAME means "treat it as done": journaled as a skipped attempt, so that a later
  // resume (after another crash) neither asks again nor runs the hook.
  const StepState& before = m_journal->state().step(step.id);
  if (before.status == StepStatus::succeeded || before.status == StepStatus::skipped) return;  // already settled
  if (!record(StepStarted{step.id, before.attempts + 1})) return;
  record_best_effort(StepFinished{step.id, StepOutcome::skipped, std::nullopt, 0, reason});
}

RestoreRun::StepResult RestoreRun::dispatch_guarded(const graph::Step& step) {
  // An exception inside a step (out of memory, a library's) is that step's failure: the
  // finalisers after it must still run.
  try {
    return dispatch(step);
  } catch (const std::exception& e) {
    return StepResult::fail(std::string("internal error: ") + e.what());
  }
}

RestoreRun::StepResult RestoreRun::dispatch(const graph::Step& step) {
  using K = graph::StepKind;
  switch (step.kind) {
    case K::preflight_host:
      return preflight_host();
    case K::preflight_privilege:
      return preflight_privilege();
    case K::preflight_credentials:
      return preflight_credentials();
    case K::preflight_ntds_offline:
      return preflight_ntds_offline();
    case K::backup_verify:
      return backup_verify();
    case K::pre_hook:
    case K::post_hook:
      return run_hook(step);
    case K::restore_prepare:
      return restore_prepare();
    case K::restore_locations:
      return restore_locations();
    case K::restore_register:
      return restore_register();
    case K::files_clear:
      return files_clear();
    case K::files_copy:
      return files_copy();
    case K::restore_complete:
      return restore_complete();
    case K::restore_end:
      return restore_end();
    case K::restore_authoritative:
      return restore_authoritative();
    case K::system_restart:
      return system_restart();
    case K::system_verify_online:
      return system_verify_online();
  }
  return StepResult::fail("unknown step kind");
}

}  // namespace adrestore::exec
