// The fixture of the issue-5 test matrices: a fresh simulated DC (DC01) in a temporary
// directory, a backup set of it at D:\Backups\DC01, the DC booted into DSRM, a plan file,
// and helpers that run the BUILT adrestore binary against it (run, resume, status) and
// read back the evidence: the destination directory, the quarantine, calls.log, the journal.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/run_state.h"
#include "sim/calls_log.h"
#include "support.h"

namespace adrestore::testing {

struct MatrixOptions {
  std::string database_size = "2Mi";
  std::string log_size = "64Ki";
  std::string chunk_size = "256Ki";
  std::string read_size = "64Ki";  // of the backup's DsBackupRead calls (each one is a world update)
  // YAML lines appended under `spec:` of the plan (indented by two spaces already).
  std::string plan_spec_extra;
  // Files put at C:\Windows\NTDS before the restore, besides the DC's own (name -> content).
  std::map<std::string, std::string> existing_files = {{"old-notes.txt", "left here before the restore\n"}};
  // More top-level keys for `sim init --from` (YAML lines), e.g. "clockOffset: -86400\n"
  // to take the backup a day in the past.
  std::string world_overrides;
  // Executable stand-ins in the world (Windows path -> shell script text).
  std::map<std::string, std::string> programs;
};

// Name -> content of every regular file under a host directory, recursively (relative,
// '/'-separated names).
std::map<std::string, std::string> files_under(const std::filesystem::path& dir);

class MatrixWorld {
 public:
  explicit MatrixWorld(const MatrixOptions& options = {});

  TempDir tmp;
  std::filesystem::path world;
  std::filesystem::path state;
  std::filesystem::path plan;

  std::vector<std::string> run_args(const std::vector<std::string>& extra = {}) const;
  std::vector<std::string> resume_args(const std::vector<std::string>& extra = {}) const;
  RunResult run(const std::vector<std::string>& extra = {}, const std::vector<std::string>& env = {}) const;
  RunResult resume(const std::vector<std::string>& extra = {}, const std::vector<std::string>& env = {}) const;
  // Resumes until exit 0 (at most `attempts` times); returns the last result.
  RunResult resume_until_done(int attempts = 4, const std::vector<std::string>& env = {}) const;

  // Adds faults (world.json form, e.g. {"crash": {"atRecord": 3}}) to the world.
  void add_faults(const nlohmann::json& faults) const;
  // Removes every fault from world.json.
  void clear_faults() const;

  std::filesystem::path host(const std::string& rel) const { return world / "fs" / rel; }
  std::map<std::string, std::string> destination() const;  // C:\Windows\NTDS
  std::map<std::string, std::string> backup_set() const;   // D:\Backups\DC01 without the manifest
  // Quarantined files, without the run-id folder: name -> content.
  std::multimap<std::string, std::string> quarantine() const;
  std::map<std::string, std::string> destination_before;  // C:\Windows\NTDS as it was before the run

  std::vector<sim::CallRecord> calls() const;
  std::vector<std::string> call_names() const;
  std::size_t journal_records() const;
  exec::RunState run_state() const;

  // Every file that was in the destination before the run is at its place unchanged or in
  // the quarantine (with its content); returns the names that are in neither.
  std::vector<std::string> lost_files() const;
};

// The checks every finished restore passes: exit 0 was seen, the destination holds exactly
// the backup set, the quarantine holds what was there before, the journal says succeeded.
void check_restored(const MatrixWorld& w);

// Checks the call sequence of calls.log, per process: prepare < locations < register <
// complete < end; DsRestoreRegisterComplete only after a successful DsRestoreRegister and at
// most once; and, for a process that was not killed, DsRestoreEnd after every successful
// DsRestorePrepare and DsRestoreRegisterComplete after every successful DsRestoreRegister.
// `killed_pids` {"*"} counts every process as killed. Every other process, also one stopped
// by Ctrl-C or a journal it could not write, closes what it opened.
void check_call_invariants(const std::vector<sim::CallRecord>& calls, const std::vector<std::string>& killed_pids = {});

// Every failed API call in calls.log was failed by a fault: the runner never used a handle of
// a dead process or called out of order (what the simulator refuses by itself).
void check_no_unforced_failures(const std::vector<sim::CallRecord>& calls);

// The pid a calls.log line was made by, or empty.
std::string call_pid(const sim::CallRecord& c);
// The distinct pids of calls[from..], in order of first appearance.
std::vector<std::string> pids_from(const std::vector<sim::CallRecord>& calls, std::size_t from);

// A child process started in the background (its output goes to files).
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::filesystem::path& out_dir, const std::vector<std::string>& env = {});
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return m_pid; }
  void signal(int sig) const;
  // Waits for the end; returns the exit code, or -signal when killed.
  int wait(double timeout_seconds = 30);
  // Whether the child has ended (then wait() returns at once).
  bool poll();
  std::string out() const;
  std::string err() const;

 private:
  pid_t m_pid = -1;
  bool m_reaped = false;
  int m_status = 0;
  std::filesystem::path m_out;
  std::filesystem::path m_err;
};

}  // namespace adrestore::testing
