// The run as its journal describes it: the fold of the records, in order. apply() refuses
// a record that cannot follow the ones before it (the reader turns that into a corrupt-
// journal error naming the record); the writer runs the same rules before writing, so it
// never writes what a reader would refuse. The executor and `status` read resume facts here.
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

struct JournalStep {
  std::uint32_t attempts = 0;  // step-started records so far
  bool running = false;        // started and not finished in the current session
  bool interrupted_by_crash = false;  // it was running when a process died (then run-resumed)
  std::optional<StepOutcome> outcome;  // of the last finished attempt
  std::optional<std::uint32_t> hresult;
  std::string message;
};

// Where the copy of one destination file stands.
struct FileCopyState {
  std::string file;  // the destination as first journaled
  bool done = false;
  std::uint64_t verified_offset = 0;  // bytes [0, verified_offset) flushed and verified
  std::optional<std::uint64_t> last_chunk;  // index of the chunk that ends at verified_offset
};

class JournalState {
 public:
  // Checks that `r` may follow the records applied so far and folds it in. On error the
  // state is unchanged and the message says what is impossible (without offsets).
  Status apply(const Record& r);

  std::uint64_t records() const { return m_records; }
  std::int64_t last_time_ms() const { return m_last_time; }
  const std::optional<RunStarted>& run() const { return m_run; }
  int sessions() const { return m_sessions; }  // 1 + run-resumed records
  const std::map<std::string, JournalStep>& steps() const { return m_steps; }
  const JournalStep* step(const std::string& id) const;
  bool step_succeeded(const std::string& id) const;
  bool context_open() const { return m_context_open; }
  const std::optional<RunOutcome>& finished() const { return m_finished; }  // reset by run-resumed
  const std::optional<DestinationsResolved>& destinations() const { return m_destinations; }
  const std::map<std::string, HookRecord>& hooks() const { return m_hooks; }
  const std::vector<FileCleared>& cleared() const { return m_cleared; }
  // The first directory-identity record: the facts from before the restore.
  const std::optional<Record>& identity_before() const { return m_identity_before; }
  // Copy progress by destination path (compared case-insensitively, as Windows does).
  FileCopyState file(const std::string& destination) const;
  const std::map<std::string, FileCopyState>& files() const { return m_files; }  // keys lower-cased

 private:
  // Whether a record of this kind may come next (the generic rules are in apply()).
  template <class T>
  Status check(const T&) const {
    return Status::ok();
  }
  Status check(const StepStarted& b) const;
  Status check(const StepFinished& b) const;
  Status check(const FileProgress& b) const;
  Status check(const FileRestarted& b) const;
  Status check(const FileDone& b) const;
  Status check(const ContextOpened& b) const;
  Status check(const ContextClosed& b) const;
  template <class T>
  void fold(const T&) {}
  void fold(const RunStarted& b);
  void fold(const RunResumed& b);
  void fold(const StepStarted& b);
  void fold(const StepFinished& b);
  void fold(const FileProgress& b);
  void fold(const FileRestarted& b);
  void fold(const FileDone& b);
  void fold(const FileCleared& b);
  void fold(const DestinationsResolved& b);
  void fold(const HookRecord& b);
  void fold(const ContextOpened& b);
  void fold(const ContextClosed& b);
  void fold(const RunFinished& b);
  void fold_identity(const Record& r);

  std::uint64_t m_records = 0;
  std::int64_t m_last_time = 0;
  std::optional<RunStarted> m_run;
  int m_sessions = 0;
  std::map<std::string, JournalStep> m_steps;
  bool m_context_open = false;
  std::optional<RunOutcome> m_finished;
  std::optional<DestinationsResolved> m_destinations;
  std::map<std::string, HookRecord> m_hooks;
  std::vector<FileCleared> m_cleared;
  std::map<std::string, FileCopyState> m_files;
  std::optional<Record> m_identity_before;
};

}  // namespace adrestore::exec
