// adrestore status --state DIR: where a run stands and what resume would do next.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/text.h"
#include "cli/app.h"
#include "cli/exit_codes.h"
#include "exec/journal.h"
#include "exec/lock.h"
#include "exec/resume_rules.h"
#include "exec/run_setup.h"
#include "graph/compile.h"
#include "ntds/hresult.h"
#include "platform/interrupt.h"
#include "plan/validate.h"

namespace adrestore::cli {
namespace {

std::string no_restart_warning(const exec::RunState& s) {
  const bool maybe = s.phase() == exec::RestorePhase::uncertain;
  if (!maybe && s.succeeded("restore.complete")) {
    return "DO NOT RESTART THIS DC INTO NORMAL MODE. The restore is registered and DsRestoreRegisterComplete "
           "reported a failure (" +
           ntds::describe_hresult(ntds::HResult(s.step("restore.complete").hresult.value_or(0))) +
           "): AD DS will not start until a restore completes. Resume the run (it registers again) until "
           "restore.complete reports success.";
  }
  return std::string("DO NOT RESTART THIS DC INTO NORMAL MODE. ") +
         (maybe ? "The run stopped inside restore.register, so DsRestoreRegister may have been called, and "
                : "DsRestoreRegister is done and ") +
         "DsRestoreRegisterComplete has not reported success: AD DS would try to recover a half-restored "
         "database. Resume the run (or run it again) until restore.complete succeeds.";
}

std::string status_line(const exec::RunState& s, bool lock_held) {
  if (s.finished) {
    if (*s.finished == exec::RunOutcome::succeeded) {
      return s.restarted() ? "completed; the DC was restarted into normal mode" : "completed";
    }
    return exec::to_string(*s.finished) + (s.failed_step ? " at " + *s.failed_step : std::string());
  }
  if (s.restarted()) return "restarted into normal mode; resume to confirm that AD DS came online";
  if (lock_held) return "running (another adrestore process holds the lock)";
  return "stopped while running " + (s.last_step.empty() ? std::string("(before the first step)") : s.last_step) +
         " (the process died or was killed); resumable";
}

std::string foreign_backup_warning(const exec::ForeignBackup& f) {
  return "FOREIGN BACKUP: --allow-foreign-backup (journaled " + f.at + ") let this run restore a backup set taken on " +
         f.backup_dc + " onto " + f.host + " (the plan restores " + f.plan_dc +
         "); the restored DC takes the directory identity of " + f.backup_dc +
         ". A resume of this run with the same set continues without asking again.";
}

}  // namespace

void add_status_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::string state;
    std::string format = "text";
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("status", "Show where a run stands and what resume would do");
  cmd->add_option("--state", o->state, "State directory of the run")->required();
  cmd->add_option("--format", o->format, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->footer("Example:\n  adrestore status --state C:\\ProgramData\\adrestore\\dc01");
  cmd->callback([o, &global, &exit_code] {
    auto contents = exec::read_journal(exec::journal_path(o->state));
    if (!contents) {
      std::cerr << "adrestore: error: " << contents.status().message() << "\n";
      exit_code = contents.status().code() == Code::not_found ? k_exit_usage : k_exit_invalid;
      return;
    }
    const exec::RunState& s = contents->state;
    bool lock_held = false;
    std::string holder;
    if (auto lock = exec::StateLock::acquire(platform::system_fs(), o->state); !lock) {
      lock_held = lock.status().code() == Code::refused;
      holder = lock.status().message();
    }
    // What resume would do needs the compiled order: from the plan file, when it is still there.
    std::vector<exec::ResumeStep> next;
    std::string plan_note;
    plan::PlanLoad load = plan::load_plan_file(s.run.plan_file);
    if (load.plan) {
      if (auto g = graph::compile(*load.plan)) {
        std::map<std::string, bool> idem;
        for (const auto& h : load.plan->pre_hooks) idem[h.name.value] = h.idempotent;
        for (const auto& h : load.plan->post_hooks) idem[h.name.value] = h.idempotent;
        std::vector<std::string> order = g->order_ids();
        next = exec::plan_resume(order, s, idem, {});
        if (exec::plan_content_hash(load.text) != s.run.plan_sha256) plan_note = "the plan file changed since the run started";
      }
    } else {
      plan_note = "the plan file " + s.run.plan_file + " cannot be loaded, so what resume would do is not shown";
    }
    const std::string line = status_line(s, lock_held);
    const std::optional<exec::JournalHead> head = exec::journal_head(*contents);
    if (o->format == "json") {
      nlohmann::json j;
      j["run"] = s.run.run_id;
      j["plan"] = s.run.plan_name;
      j["planFile"] = s.run.plan_file;
      j["operator"] = s.run.operator_account.empty() ? "unknown" : s.run.operator_account;
      j["state"] = o->state;
      j["status"] = line;
      j["outcome"] = s.finished ? nlohmann::json(exec::to_string(*s.finished)) : nlohmann::json(nullptr);
      j["failedStep"] = s.failed_step ? nlohmann::json(*s.failed_step) : nlohmann::json(nullptr);
      j["lockHeld"] = lock_held;
      j["mustNotRestart"] = s.must_not_restart();
      j["warnings"] = contents->warnings;
      // Null for a journal of a format before the chain (CRC only).
      j["journalHead"] = head ? nlohmann::json{{"seq", head->seq}, {"sha256", head->sha256}} : nlohmann::json(nullptr);
      j["journalFormat"] = contents->format_version;
      if (s.foreign_backup) {
        const exec::ForeignBackup& f = *s.foreign_backup;
        j["foreignBackup"] = {{"override", "allow-foreign-backup"},
                              {"backupDc", f.backup_dc},
                              {"planDc", f.plan_dc},
                              {"host", f.host},
                              {"at", f.at}};
      } else {
        j["foreignBackup"] = nullptr;
      }
      j["steps"] = nlohmann::json::array();
      for (const auto& [id, st] : s.steps) {
        j["steps"].push_back({{"step", id}, {"status", exec::to_string(st.status)}, {"attempts", st.attempts},
                              {"message", st.message}});
      }
      j["resume"] = nlohmann::json::array();
      for (const exec::ResumeStep& r : next) {
        j["resume"].push_back({{"step", r.step}, {"action", exec::to_string(r.action)}, {"reason", r.reason}});
      }
      if (!plan_note.empty()) j["note"] = plan_note;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "Run " << s.run.run_id << " of plan " << s.run.plan_name << " (" << s.run.plan_file << ")\n";
      std::cout << "State directory: " << o->state << "\n";
      std::cout << "Operator: "
                << escape_for_terminal(s.run.operator_account.empty() ? "unknown" : s.run.operator_account) << "\n";
      std::cout << "Status: " << line << "\n";
      if (lock_held) std::cout << "Lock: " << holder << "\n";
      if (head) {
        std::cout << "Journal head: sha256 " << head->sha256 << " after record " << head->seq << "\n";
      } else {
        std::cout << "Journal head: none (format " << contents->format_version << ", CRC only)\n";
      }
      for (const std::string& w : contents->warnings) std::cout << "warning: " << escape_for_terminal(w) << "\n";
      if (s.foreign_backup) {
        const bool color = global.use_color(1);
        std::cout << (color ? "\033[1;33m" : "")
                  << "warning: " << escape_for_terminal(foreign_backup_warning(*s.foreign_backup))
                  << (color ? "\033[0m" : "") << "\n";
      }
      if (s.must_not_restart()) {
        const bool color = global.use_color(1);
        std::cout << "\n" << (color ? "\033[1;31m" : "") << "!!! " << no_restart_warning(s) << (color ? "\033[0m" : "")
                  << "\n";
      }
      std::cout << "\nSteps so far:\n";
      for (const std::string& id : s.step_order) {
        const exec::StepState& st = s.step(id);
        std::cout << "  " << exec::to_string(st.status) << (st.attempts > 1 ? " (attempt " + std::to_string(st.attempts) + ")" : "")
                  << "  " << id << (st.message.empty() ? "" : ": " + escape_for_terminal(st.message)) << "\n";
      }
      const std::set<std::string> copied = s.copied_files();
      const std::map<std::string, std::uint64_t> partial = s.verified_bytes();
      if (!copied.empty() || !partial.empty()) {
        std::cout << "  files.copy: " << copied.size() << " file(s) done";
        for (const auto& [f, b] : partial) std::cout << "; " << f << " verified up to " << format_bytes(b);
        std::cout << "\n";
      }
      if (s.finished != exec::RunOutcome::succeeded || s.restarted()) {
        if (!next.empty()) {
          std::cout << "\nWhat 'adrestore resume --state " << o->state << "' would do:\n";
          for (const exec::ResumeStep& r : next) {
            std::cout << "  " << exec::to_string(r.action) << "  " << r.step << (r.reason.empty() ? "" : ": " + r.reason)
                      << "\n";
          }
        }
      }
      if (!plan_note.empty()) std::cout << "note: " << plan_note << "\n";
    }
    exit_code = k_exit_ok;
  });
}

}  // namespace adrestore::cli
