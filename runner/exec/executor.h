// run_plan and resume_plan run a compiled step graph against the API boundary. A step
// counts as done only once the journal says so durably; when the journal cannot be written
// (a full disk) the run fails, and the finalisers restore.complete and restore.end still run,
// unjournaled. The failure rules of step-graph.md apply (the finalisers run after a failure;
// post hooks by their `when`); an interrupt stops at a safe point; a resume continues from
// the journal.
//
// Every side effect goes through ExecEnv: the DC's (API, host, disks), the state directory's
// files (the journal and the hook logs, through `fs`), the clock (journal times, the run id,
// hook logs), environment variables, the password prompt and the system log. The state lock and the CLI's
// events file and run.log go through the same platform::FileSystem interface. The executor
// never prints (it tells the Observer) and knows no exit codes: the CLI maps the Outcome.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exec/fault_points.h"
#include "exec/hook_runner.h"
#include "exec/journal.h"
#include "exec/observer.h"
#include "graph/step_graph.h"
#include "host/disks.h"
#include "host/host.h"
#include "ntds/api.h"
#include "plan/model.h"
#include "platform/fs.h"
#include "platform/system_log.h"

namespace adrestore::exec {

struct ExecEnv {
  ntds::Api& api;
  host::Host& host;
  host::Disks& disks;
  Observer& observer;
  FaultPoints& faults;
  std::atomic<bool>& cancel;
  ProgramResolver resolve_program;
  std::function<std::int64_t()> now_unix = nullptr;  // defaults to the system clock
  // The state directory's file system: the journal and hook logs. The DC's files go
  // through `disks`, which holds a FileSystem of its own (the same one in a test).
  platform::FileSystem& fs = platform::system_fs();
  // Environment variables (credentials' env:NAME); defaults to the process environment.
  std::function<std::optional<std::string>(const std::string& name)> env_var = nullptr;
  // The environment hooks inherit (NAME=value); defaults to the process environment.
  std::function<std::vector<std::string>()> environment = nullptr;
  // The password prompt (credentials' prompt): false when there is no terminal to ask on;
  // defaults to the terminal without echo.
  std::function<bool(const std::string& prompt, std::string& out)> read_secret = nullptr;
  // The machine's log, where the journal's chain head is published after every step;
  // defaults to platform::write_system_log (syslog, the Windows Application log).
  std::function<void(platform::LogLevel level, const std::string& line)> system_log = nullptr;
  // Who runs the restore, journaled in run-started; defaults to platform::current_account.
  std::function<std::string()> operator_account = nullptr;
};

struct ExecOptions {
  std::string state_dir;
  std::string run_id;            // fresh runs
  std::string plan_text;         // the plan file's bytes (content hash)
  std::string api_name = "sim";  // journaled
  std::string world;             // journaled with --api sim
  bool allow_other_dc = false;   // preflight.host: this machine need not be the plan's DC
  bool allow_foreign_backup = false;  // backup.verify: the set may come from another DC (journaled)
  bool plan_changed_ok = false;
  std::set<std::string> rerun_hooks;
  std::set<std::string> skip_hooks;
  // adrestore drill without --hooks run: every hook step is journaled as skipped, never run
  // (a rehearsal must not page the on-call team or stop the real DC's antivirus).
  bool skip_all_hooks = false;
  bool interactive = false;  // a terminal is there to ask for a password
  std::uint64_t hook_log_cap = 16ULL << 20;
  unsigned verify_threads = 0;  // 0: the number of cores
};

enum class Outcome { succeeded, failed, refused, interrupted, restarting };
const char* to_string(Outcome o);
RunOutcome journal_outcome_of(Outcome o);

// The outcome is the typed reason the CLI maps to an exit code (cli/); the executor knows none.
struct ExecResult {
  Outcome outcome = Outcome::succeeded;
  std::string failed_step;
  std::string message;
};

// Starts a new run in options.state_dir (which must hold no journal yet).
ExecResult run_plan(const plan::Plan& plan, const graph::StepGraph& graph, ExecEnv& env, const ExecOptions& options);

// Continues the run in `journal` with the plan as it is now. The caller opened the journal
// (JournalWriter::open) while holding the state lock; `warnings` are what that read reported
// (a torn tail cut off), passed on to the observer.
ExecResult resume_plan(const plan::Plan& plan, const graph::StepGraph& graph, ExecEnv& env, const ExecOptions& options,
                       std::unique_ptr<JournalWriter> journal, const std::vector<std::string>& warnings);

}  // namespace adrestore::exec
