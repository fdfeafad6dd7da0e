// The run as its journal describes it: the one fold of the journal's records, in order.
// The reader folds every record it reads (JournalContents::state), the writer every record it
// writes (JournalWriter::state()); the executor, resume, `status` and plan tests all decide on
// this one state, so what they see cannot drift apart.
//
// apply() refuses a record that cannot follow the ones before it (the reader turns that into
// a corrupt-journal error naming the record); the writer runs the same rules before writing,
// so it never writes what a reader would refuse. The fields are plain data so that tests can
// state a situation directly; a journal changes them only through apply().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "exec/journal_records.h"

namespace adrestore::exec {

enum class StepStatus { not_started, running, succeeded, failed, skipped };
const char* to_string(StepStatus s);

// Where the DC's restore registration stands (ntds-api.md, sections 3.14-3.16). One state
// machine, read from the journal by RunState::phase() and kept by the running process as it
// calls the API: none -> registered -> completed -> restarted. A restart needs a completed
// restore (system.restart runs only after restore.complete reported S_OK).
enum class RestorePhase {
  none,        // nothing registered, or the registration failed
  uncertain,   // a process died inside restore.register: DsRestoreRegister may have run
  registered,  // DsRestoreRegister succeeded; DsRestoreRegisterComplete has not reported S_OK
  completed,   // DsRestoreRegisterComplete reported S_OK: the database is recovered at the next boot
  restarted,   // system.restart succeeded: only the post-restart check remains
};

struct StepState {
  StepStatus status = StepStatus::not_started;  // `running` also when its process died in it
  bool crashed = false;                // it was running when its process died (a run-resumed followed)
  std::optional<StepOutcome> outcome;  // of the last finished attempt
  std::uint32_t attempts = 0;          // step-started records so far
  std::optional<std::uint32_t> hresult;
  std::string message;

  // Started and not finished by the current process.
  bool running_now() const { return status == StepStatus::running && !crashed; }
  // Failed because Ctrl-C stopped it (a hook is killed mid-way).
  bool interrupted() const { return status == StepStatus::failed && outcome == StepOutcome::interrupted; }
};

// Where the copy of one destination file stands.
struct FileCopyState {
  std::string file;  // the destination as first journaled
  bool done = false;
  std::uint64_t verified_offset = 0;  // bytes [0, verified_offset) flushed and verified
  std::optional<std::uint64_t> last_chunk;  // index of the chunk that ends at verified_offset
};

// --allow-foreign-backup as journaled (record foreign-backup-allowed).
struct ForeignBackup {
  std::string backup_dc;  // the manifest's DC
  std::string plan_dc;    // metadata.domainController
  std::string host;       // the machine restored onto
  std::string at;         // when, RFC 3339 UTC
};

struct RunState {
  std::uint64_t records = 0;
  std::int64_t last_time_ms = 0;
  RunStarted run;               // the first record; empty while records == 0
  std::int64_t started_ms = 0;  // its time
  int processes = 0;            // how many processes have worked on this run: 1 + run-resumed records
  std::map<std::string, StepState> steps;  // by step id, the latest attempt
  std::string last_step;                   // the last step that started
  std::vector<std::string> step_order;     // steps in the order they first started
  // context-opened without context-closed since the last process started.
  bool context_open = false;
  std::optional<DestinationsResolved> destinations;
  std::map<std::string, HookRecord> hooks;  // by hook name, the latest run
  std::vector<FileCleared> cleared;         // files.clear progress
  std::map<std::string, FileCopyState> files;  // files.copy progress; keys lower-cased
  std::optional<Record> identity_before;       // the first directory-identity record
  std::optional<RunOutcome> finished;          // run-finished; reset by run-resumed
  // The last step of the current process that failed or was refused, and why.
  std::optional<std::string> failed_step;
  std::string failure_message;
  std::optional<ForeignBackup> foreign_backup;  // the latest override, if any

  // Checks that `r` may follow the records applied so far and folds it in. On error the
  // state is unchanged and the message says what is impossible (without offsets).
  Status apply(const Record& r);

  const StepState& step(const std::string& id) const;
  bool succeeded(const std::string& id) const { return step(id).status == StepStatus::succeeded; }
  // Copy progress by destination path (compared case-insensitively, as Windows does).
  FileCopyState file(const std::string& destination) const;
  std::set<std::string> copied_files() const;                   // destinations copied and verified
  std::map<std::string, std::uint64_t> verified_bytes() const;  // partly copied destinations
  std::set<std::string> copied_names() const;    // the copied files by their path in the backup set
  std::set<std::string> cleared_files() const;   // source paths files.clear has dealt with
  std::string started_at() const;                // RFC 3339 UTC, empty before the first record

  RestorePhase phase() const;
  // The DC must not be restarted into normal mode now: DsRestoreRegister is done (or may be)
  // and DsRestoreRegisterComplete has not reported success. A registration completed with a
  // failure (a failed copy, an interrupt) keeps AD DS down until a later run completes it.
  bool must_not_restart() const {
    return phase() == RestorePhase::uncertain || phase() == RestorePhase::registered;
  }
  bool restore_completed_ok() const { return phase() >= RestorePhase::completed; }
  bool restarted() const { return phase() == RestorePhase::restarted; }
};

// One line per destination, "kind name -> destination", in the journaled order, with paths
// lower-cased: resume compares the text of the journaled and the newly resolved ones.
std::string canonical_destinations(const DestinationsResolved& d);

}  // namespace adrestore::exec
