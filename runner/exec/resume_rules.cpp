#include "exec/resume_rules.h"

#include "base/text.h"

namespace adrestore::exec {

const char* to_string(ResumeAction a) {
  switch (a) {
    case ResumeAction::run:
      return "run";
    case ResumeAction::skip:
      return "skip";
    case ResumeAction::need_decision:
      return "needs a decision";
  }
  return "?";
}

std::string hook_name_of(const std::string& step_id) {
  if (starts_with(step_id, "hook.pre.")) return step_id.substr(9);
  if (starts_with(step_id, "hook.post.")) return step_id.substr(10);
  return {};
}

std::vector<ResumeStep> plan_resume(const std::vector<std::string>& order, const RunState& state,
                                    const std::map<std::string, bool>& idempotent, const ResumeOptions& options) {
  std::vector<ResumeStep> out;
  const bool restored_ok = state.restore_completed_ok();
  const std::set<std::string> copied = state.copied_files();
  const std::set<std::string> cleared = state.cleared_files();
  // The backup context died with the previous process. Unless the restore already completed,
  // prepare/locations/register run again (and the destinations must come out the same).
  const bool redo_context = state.succeeded("restore.prepare") && !restored_ok;
  for (const std::string& id : order) {
    const StepState& st = state.step(id);
    ResumeStep rs{id, ResumeAction::run, {}};
    if (state.restarted() && id != "system.verify-online") {
      rs.action = ResumeAction::skip;
      rs.reason = "the DC was restarted; only the post-restart check remains";
    } else if (starts_with(id, "preflight.")) {
      rs.reason = "preflight checks always run again: conditions can change across a crash";
    } else if (id == "backup.verify") {
      rs.reason = copied.empty() ? "verifies the whole backup set"
                                              : "verifies the files not yet copied (" +
                                                    std::to_string(copied.size()) + " already copied)";
      if (restored_ok) {
        rs.action = ResumeAction::skip;
        rs.reason = "every file is restored";
      }
    } else if (id == "restore.prepare" || id == "restore.locations" || id == "restore.register") {
      if (restored_ok) {
        rs.action = ResumeAction::skip;
        rs.reason = "the restore completed";
      } else if (redo_context) {
        rs.reason = "the backup context died with the previous process; opened again";
        if (id == "restore.locations") rs.reason += "; the destinations must match the journaled ones";
      } else if (st.status == StepStatus::succeeded) {
        rs.reason = "runs again";
      }
    } else if (id == "files.clear") {
      if (st.status == StepStatus::succeeded) {
        rs.action = ResumeAction::skip;
        rs.reason = "finished; never runs twice (it would delete restored files)";
      } else if (!cleared.empty()) {
        rs.reason = "continues: " + std::to_string(cleared.size()) + " file(s) already cleared";
      }
    } else if (id == "files.copy") {
      if (st.status == StepStatus::succeeded || restored_ok) {
        rs.action = ResumeAction::skip;
        rs.reason = "every file is copied and verified";
      } else if (!copied.empty() || !state.verified_bytes().empty()) {
        rs.reason = "continues: " + std::to_string(copied.size()) +
                    " file(s) done; partial files resume from their last verified chunk";
      }
    } else if (id == "restore.complete") {
      if (restored_ok) {
        rs.action = ResumeAction::skip;
        rs.reason = "DsRestoreRegisterComplete already reported success";
      }
    } else if (id == "restore.end") {
      rs.reason = "closes the context opened by this process";
      if (restored_ok && !state.context_open) {
        rs.action = ResumeAction::skip;
        rs.reason = "the context was closed";
      } else if (restored_ok) {
        rs.action = ResumeAction::skip;
        rs.reason = "the context died with the previous process";
      }
    } else if (id == "system.restart" && st.status == StepStatus::running && restored_ok) {
      rs.reason = "was running when the process stopped: if the DC is in normal mode now, the restart happened and "
                  "only the post-restart check runs; in DSRM it runs again";
    } else if (const std::string hook = hook_name_of(id); !hook.empty()) {
      if (options.skip_hooks.count(hook)) {
        rs.action = ResumeAction::skip;
        rs.reason = "skipped by --skip-hook";
      } else if (options.rerun_hooks.count(hook)) {
        rs.reason = "run again by --rerun-hook";
      } else if (st.status == StepStatus::succeeded || st.status == StepStatus::skipped) {
        rs.action = ResumeAction::skip;
        rs.reason = "finished; hooks are not run again";
      } else if (st.status == StepStatus::running || st.interrupted()) {
        // Killed with the process, or by Ctrl-C: either way it may have done part of its work.
        const std::string how = st.interrupted() ? "was stopped by an interrupt while it ran" : "was running when the process died";
        auto it = idempotent.find(hook);
        if (it != idempotent.end() && it->second) {
          rs.reason = how + "; idempotent, so it runs again";
        } else {
          rs.action = ResumeAction::need_decision;
          rs.reason = how + " and is not idempotent: resume with --rerun-hook " + hook + " or --skip-hook " + hook;
        }
      } else if (st.status == StepStatus::failed) {
        rs.reason = "failed last time; runs again";
      }
    } else if (st.status == StepStatus::succeeded) {
      rs.action = ResumeAction::skip;
      rs.reason = "finished";
    }
    out.push_back(std::move(rs));
  }
  return out;
}

}  // namespace adrestore::exec
