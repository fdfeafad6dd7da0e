// adrestore run PLAN / resume --state DIR: execute a plan, or continue an interrupted run.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "base/text.h"
#include "cli/app.h"
#include "cli/backend.h"
#include "cli/exit_codes.h"
#include "cli/prepare_plan.h"
#include "cli/report.h"
#include "cli/run_output.h"
#include "exec/executor.h"
#include "exec/journal.h"
#include "exec/lock.h"
#include "exec/run_setup.h"
#include "graph/compile.h"
#include "graph/invariants.h"
#include "platform/fs.h"
#include "platform/interrupt.h"
#include "plan/validate.h"

namespace adrestore::cli {
namespace {

struct RunOptions {
  std::string plan;
  std::string state;
  BackendOptions backend;
  bool yes = false;
  std::string events;
  bool allow_other_dc = false;
  bool allow_foreign_backup = false;
  bool plan_changed_ok = false;
  std::vector<std::string> rerun_hooks;
  std::vector<std::string> skip_hooks;
};

void add_common(CLI::App* cmd, RunOptions& o) {
  add_backend_options(cmd, o.backend);
  cmd->add_flag("-y,--yes", o.yes, "Do not ask for confirmation (required when stdin is not a terminal)");
  cmd->add_option("--events", o.events, "Append one JSON object per line per step event to FILE");
}

// cli.md: ask on a terminal unless --yes; never ask when stdin is not a terminal.
bool confirmed(const RunOptions& o, const plan::Plan& plan, const std::string& what, int& exit_code) {
  if (o.yes) return true;
  if (!platform::is_terminal(0)) {
    std::cerr << "adrestore: error: stdin is not a terminal, so adrestore cannot ask for confirmation; pass --yes "
                 "to "
              << what << "\n";
    exit_code = k_exit_usage;
    return false;
  }
  std::cerr << "About to " << what << " for " << plan.domain_controller.value << " from "
            << plan.backup_source.value.str() << ".\n"
            << "Files in the destination directories will be "
            << (plan.existing_files == plan::ExistingFiles::remove ? "DELETED" : "quarantined") << ".\n"
            << "Type the DC name (" << plan.domain_controller.value << ") to continue: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (!iequals(answer, plan.domain_controller.value) &&
      !iequals(answer, plan.domain_controller.value.substr(0, plan.domain_controller.value.find('.')))) {
    std::cerr << "Not confirmed; nothing was changed.\n";
    exit_code = k_exit_refused;
    return false;
  }
  return true;
}

int execute(bool resume, RunOptions& o, const GlobalOptions& global) {
  std::string state = o.state;
  std::string plan_path = o.plan;
  // resume: the lock first, then the journal, read once (and a torn tail cut off): nobody can
  // append between this read and the run, so the run continues exactly what was read here.
  Result<std::unique_ptr<exec::StateLock>> lock = Status::error(Code::internal, "not locked yet");
  std::unique_ptr<exec::JournalWriter> journal;
  exec::JournalContents found;
  if (resume) {
    const std::string path = exec::journal_path(state);
    if (auto f = platform::stat_nofollow(path); f && f->type == platform::FileType::missing) {
      std::cerr << "adrestore: error: no journal at " << path << "\n";  // and no lock file left behind
      return k_exit_usage;
    }
    lock = exec::StateLock::acquire(platform::system_fs(), state);
    if (!lock && lock.status().code() == Code::refused) {
      std::cerr << "adrestore: error: " << lock.status().message() << "\n";
      return k_exit_refused;
    }
    auto opened = exec::JournalWriter::open(state, &found);
    if (!opened) {
      std::cerr << "adrestore: error: " << opened.status().message() << "\n";
      return opened.status().code() == Code::not_found ? k_exit_usage : k_exit_invalid;
    }
    if (!lock) {
      std::cerr << "adrestore: error: " << lock.status().message() << "\n";
      return k_exit_refused;
    }
    journal = std::move(*opened);
    const exec::RunStarted& run = journal->state().run;
    if (journal->state().records == 0) {
      std::cerr << "adrestore: error: the journal in " << state << " has no run\n";
      return k_exit_invalid;
    }
    if (plan_path.empty()) plan_path = run.plan_file;
    if (o.backend.api.empty()) o.backend.api = run.api;
    if (o.backend.world.empty()) o.backend.world = run.world;
  }
  int exit_code = k_exit_ok;
  std::string text;
  auto compiled = prepare_plan(plan_path, text, global, exit_code);
  if (!compiled) return exit_code;
  const plan::Plan& plan = compiled->first;
  if (state.empty()) state = exec::default_state_dir(plan.name.value);
  if (!confirmed(o, plan, resume ? "resume the restore" : "restore Active Directory", exit_code)) return exit_code;

  auto backend = open_backend(o.backend);
  if (!backend) {
    std::cerr << "adrestore: error: " << backend.status().message() << "\n";
    return exit_code_for(backend.status().code());
  }
  if (Status s = check_state_dir(state, plan, *backend); !s) {
    std::cerr << "adrestore: error: " << s.message() << "\n";
    return exit_code_for(s.code());
  }
  if (Status s = platform::create_dirs(platform::join_path(state, "logs")); !s) {
    std::cerr << "adrestore: error: cannot create the state directory: " << s.message() << "\n";
    return exit_code_for(s.code());
  }
  if (!resume) lock = exec::StateLock::acquire(platform::system_fs(), state);
  if (!lock) {
    std::cerr << "adrestore: error: " << lock.status().message() << "\n";
    return exit_code_for(lock.status().code());
  }
  RunOutput::Options ro;
  ro.terminal = platform::is_terminal(2);
  ro.color = global.use_color(2);
  ro.verbosity = global.verbosity;
  ro.events_path = o.events;
  ro.log_path = platform::join_path(platform::join_path(state, "logs"), "run.log");
  RunOutput output(ro);
  if (!output.events_ok()) {
    std::cerr << "adrestore: error: cannot open the events file " << o.events << "\n";
    return k_exit_usage;
  }
  exec::ExecEnv env{*backend->api, *backend->host, *backend->disks, output, *backend->faults,
                    platform::install_interrupt_flag(), backend->resolve_program};
  exec::ExecOptions eo;
  eo.state_dir = state;
  eo.plan_text = text;
  eo.api_name = backend->api_name;
  eo.world = backend->world_dir;
  eo.allow_other_dc = o.allow_other_dc;
  eo.allow_foreign_backup = o.allow_foreign_backup;
  eo.plan_changed_ok = o.plan_changed_ok;
  eo.rerun_hooks = {o.rerun_hooks.begin(), o.rerun_hooks.end()};
  eo.skip_hooks = {o.skip_hooks.begin(), o.skip_hooks.end()};
  eo.interactive = platform::is_terminal(0);
  const exec::ExecResult r =
      resume ? exec::resume_plan(plan, compiled->second, env, eo, std::move(journal), found.warnings)
             : exec::run_plan(plan, compiled->second, env, eo);
  if (!r.message.empty() && !output.saw_finish()) {
    const bool bad = r.outcome == exec::Outcome::failed || r.outcome == exec::Outcome::refused;
    output.say(std::string(bad ? "error: " : "") + r.message + (r.failed_step.empty() ? "" : " [" + r.failed_step + "]"));
  }
  if (r.outcome == exec::Outcome::interrupted || r.outcome == exec::Outcome::failed) {
    output.say("State: " + state + ". 'adrestore status --state " + state + "' shows where the run stands.");
  }
  return run_exit_code(r.outcome);
}

}  // namespace

// Two overrides of two different checks; each covers only its own, so both may be needed.
void add_identity_overrides(CLI::App* cmd, RunOptions& o, bool resume) {
  cmd->add_flag("--allow-other-dc", o.allow_other_dc,
                "preflight.host: run although THIS MACHINE is not metadata.domainController (the plan's DC)");
  cmd->add_flag("--allow-foreign-backup", o.allow_foreign_backup,
                std::string("backup.verify: restore although the BACKUP SET was taken on another DC than the plan's "
                            "DC or this machine; the restored DC takes that DC's directory identity. Journaled, "
                            "warned, shown by status") +
                    (resume ? "; not needed again when this run already journaled it for the same set" : ""));
}

void add_run_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Validate, compile and execute a restore plan");
  cmd->add_option("plan", o->plan, "The restore plan")->required();
  cmd->add_option("--state", o->state, "State directory (journal, lock, logs); default: " +
                                           exec::default_state_dir("<plan name>"));
  add_common(cmd, *o);
  add_identity_overrides(cmd, *o, false);
  cmd->footer("Examples:\n"
              "  adrestore run plans/dc01.yaml                          on the DC, booted into DSRM\n"
              "  adrestore run --api sim --world w --yes --state s plans/dc01.yaml   rehearse on a simulated DC\n"
              "Exit codes: 0 restored, 3 failed safely (the journal says where), 4 interrupted (resume it),\n"
              "5 refused (lock held, AD DS online, wrong host, another DC's backup set), 1 invalid plan, 2 usage.");
  cmd->callback([o, &global, &exit_code] { exit_code = execute(false, *o, global); });

  auto r = std::make_shared<RunOptions>();
  CLI::App* res = app.add_subcommand("resume", "Continue an interrupted run from its journal");
  res->add_option("--state", r->state, "State directory of the run")->required();
  res->add_option("--plan", r->plan, "The plan file, if it moved since the run started");
  add_common(res, *r);
  res->add_flag("--plan-changed-ok", r->plan_changed_ok,
                "Continue although the plan file changed (still refused if the destinations change)");
  res->add_option("--rerun-hook", r->rerun_hooks, "Run this hook again although it was running when the process died");
  res->add_option("--skip-hook", r->skip_hooks, "Skip this hook, which was running when the process died");
  add_identity_overrides(res, *r, true);
  res->footer(
      "Examples:\n"
      "  adrestore resume --state C:\\ProgramData\\adrestore\\dc01\n"
      "  adrestore resume --state s --skip-hook notify-ops --yes\n"
      "Run 'adrestore status --state DIR' first to see what resume would do.");
  res->callback([r, &global, &exit_code] { exit_code = execute(true, *r, global); });
}

}  // namespace adrestore::cli
