#include "exec/executor.h"

#include "platform/fs.h"

#include <chrono>
#include <ctime>

#include "base/text.h"
#include "exec/run_setup.h"
#include "exec/restore_run.h"

namespace adrestore::exec {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::succeeded:
      return "succeeded";
    case Outcome::failed:
      return "failed";
    case Outcome::refused:
      return "refused";
    case Outcome::interrupted:
      return "interrupted";
    case Outcome::restarting:
      return "restarting";
  }
  return "failed";
}

RunOutcome journal_outcome_of(Outcome o) {
  switch (o) {
    case Outcome::succeeded:
    case Outcome::restarting:
      return RunOutcome::succeeded;
    case Outcome::failed:
      return RunOutcome::failed;
    case Outcome::refused:
      return RunOutcome::refused;
    case Outcome::interrupted:
      return RunOutcome::interrupted;
  }
  return RunOutcome::failed;
}

namespace {

JournalWriter::Clock journal_clock(const ExecEnv& env) {
  if (!env.now_unix) return JournalWriter::system_clock_ms;
  return [now = env.now_unix] { return now() * 1000; };
}

}  // namespace

ExecResult run_plan(const plan::Plan& plan, const graph::StepGraph& graph, ExecEnv& env, const ExecOptions& options) {
  const std::string path = journal_path(options.state_dir);
  // A journal without a record is a run that died while starting (the power went before its
  // run-started record was durable): nothing happened yet, so the run starts afresh.
  if (auto j = read_journal(path, env.fs); j && j->records.empty()) (void)env.fs.remove(path);
  if (auto existing = env.fs.stat(path); existing && existing->type != platform::FileType::missing) {
    return {Outcome::refused, {},
            options.state_dir + " already holds a run; continue it with 'adrestore resume --state " + options.state_dir +
                "', look at it with 'adrestore status --state " + options.state_dir +
                "', or start a new run with another --state"};
  }
  // Record 0 is the journal's header: the simulator's journalFull fault can fail its write.
  Status header_fault = env.faults.before_record(0);
  auto writer = header_fault ? JournalWriter::create(options.state_dir, journal_clock(env), env.fs)
                             : Result<std::unique_ptr<JournalWriter>>(header_fault);
  if (!writer) {
    // A full disk or an I/O error is a failure (nothing changed), not a refusal: no check said no.
    return {Outcome::failed, {}, "cannot start a run in " + options.state_dir + ": " + writer.status().message()};
  }
  RestoreRun run(plan, graph, env, options, std::move(*writer), std::nullopt);
  return run.execute();
}

ExecResult resume_plan(const plan::Plan& plan, const graph::StepGraph& graph, ExecEnv& env, const ExecOptions& options,
                       std::unique_ptr<JournalWriter> journal, const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) env.observer.on_event({EventType::warning, {}, EventOutcome::none, w, {}});
  const RunState& js = journal->state();
  if (js.records == 0) {
    return {Outcome::refused, {},
            "the journal in " + options.state_dir +
                " has no run-started record: the run died while starting and nothing happened yet; start it again "
                "with 'adrestore run'"};
  }
  if (js.run.plan_name != plan.name.value) {
    return {Outcome::refused, {},
            "the journal in " + options.state_dir + " belongs to plan '" + js.run.plan_name + "', not '" +
                plan.name.value + "'"};
  }
  if (js.finished == RunOutcome::succeeded) {
    return {Outcome::succeeded, {}, "the run " + js.run.run_id + " already completed; nothing to resume"};
  }
  const std::string hash = plan_content_hash(options.plan_text);
  if (hash != js.run.plan_sha256 && !options.plan_changed_ok) {
    return {Outcome::refused, {},
            "the plan file changed since the run started (content hash differs from the journal's); resume with "
            "--plan-changed-ok to continue with the new plan (it still refuses if the destinations change)"};
  }
  // The run as this process found it (resume decides on it); the writer's state moves on.
  RunState found = js;
  RestoreRun run(plan, graph, env, options, std::move(journal), std::move(found));
  return run.execute();
}

}  // namespace adrestore::exec
