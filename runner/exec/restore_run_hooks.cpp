// Hook steps (6 and 15): run the hook, journal its result, report it.
#include "platform/secure_wipe.h"
#include "exec/hook_runner.h"
#include "exec/restore_run.h"
#include "platform/process.h"

namespace adrestore::exec {

RestoreRun::StepResult RestoreRun::run_hook(const graph::Step& step) {
  const plan::Hook* hook = m_plan.find_hook(step.hook->name);
  if (!hook) return StepResult::fail("the plan has no hook named " + step.hook->name);
  if (m_opt.skip_all_hooks) {
    return {StepOutcome::skipped, "not run: a drill runs hooks only with --hooks run", std::nullopt};
  }
  HookContext ctx = make_hook_context(m_plan, m_run_id, m_opt.state_dir);
  if (hook->phase == plan::HookPhase::post) {
    ctx.outcome = m_failure && m_failure->of_restore ? RestoreOutcome::failed : RestoreOutcome::succeeded;
  }
  HookRunOptions ho;
  ho.resolve_program = m_env.resolve_program;
  ho.resolve_dir = disks_dir_resolver(m_env.disks);
  ho.base_env = m_env.environment ? m_env.environment() : platform::current_environment();
  ho.secrets = m_secrets;
  ho.output_cap = m_opt.hook_log_cap;
  ho.cancel = &m_env.cancel;
  ho.fs = &m_env.fs;
  ho.now_unix = [this] { return now(); };
  const HookResult r = exec::run_hook(*hook, ctx, ho);
  platform::secure_wipe(ho.secrets);  // the hook's copy of the DSRM password

  HookRecord rec;
  rec.name = r.name;
  if (r.exited) rec.exit_code = static_cast<std::int32_t>(r.exit_code);
  if (r.signal) rec.signal = r.signal;
  rec.duration_ms = r.duration.count();
  rec.timed_out = r.timed_out;
  rec.log = r.log_path;
  record_best_effort(rec);
  emit(EventType::hook_finished, step.id, event_outcome(r.outcome), r.description,
       {{"hook", r.name},
        {"exitCode", r.exited ? nlohmann::json(r.exit_code) : nlohmann::json(nullptr)},
        {"signal", r.signal ? nlohmann::json(r.signal) : nlohmann::json(nullptr)},
        {"durationMs", r.duration.count()},
        {"timedOut", r.timed_out},
        {"log", r.log_path}});
  switch (r.outcome) {
    case HookOutcome::succeeded:
      return StepResult::ok(r.description + "; log " + r.log_path);
    case HookOutcome::cancelled:
      return StepResult::interrupted("interrupted while the hook ran; log " + r.log_path);
    case HookOutcome::spawn_failed:
      return StepResult::fail("the hook could not start: " + r.error.message());
    case HookOutcome::failed:
    case HookOutcome::timed_out:
      break;
  }
  std::string msg = r.description + "; log " + r.log_path;
  if (hook->on_error == plan::OnError::keep_going) msg += " (onError: continue, so the run goes on)";
  return StepResult::fail(msg);
}

}  // namespace adrestore::exec
