// The typed records of the run journal (doc/journal-format.md). Each record is one event
// of a run; its payload on disk is a JSON object with a "type" name and "time_ms", and
// the record type number also appears in the frame. Record numbers are never reused: a
// retired type keeps its number forever, and a new type or field means a new format version.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"

namespace adrestore::exec {

enum class RecordType : std::uint16_t {
  run_started = 1,
  run_resumed = 2,
  step_started = 3,
  step_finished = 4,
  file_progress = 5,
  file_done = 6,
  file_cleared = 7,
  destinations_resolved = 8,
  hook_result = 9,
  context_opened = 10,
  context_closed = 11,
  run_finished = 12,
  note = 13,
  file_restarted = 14,
  foreign_backup_allowed = 15,  // format version 2
  directory_identity = 16,      // format version 2
};
const char* to_string(RecordType t);
std::optional<RecordType> record_type_from_number(std::uint32_t n);

enum class StepOutcome { succeeded, failed, skipped, refused, interrupted };
enum class RunOutcome { succeeded, failed, refused, interrupted };
enum class ClearAction { remove, quarantine };  // "delete" / "quarantine" on disk
enum class NoteLevel { info, warning };
const char* to_string(StepOutcome v);
const char* to_string(RunOutcome v);
const char* to_string(ClearAction v);
const char* to_string(NoteLevel v);

// The first record of every journal.
struct RunStarted {
  std::string plan_name;
  std::string plan_file;    // as the user named it
  std::string plan_sha256;  // of the plan file's bytes, 64 lower-case hex digits
  std::string tool_version;
  std::string run_id;
  std::string api;    // "sim" or "win32"
  std::string world;  // the simulated world folder; empty with win32
  std::string host;   // the DC's name as the host reported it
  // Who ran it: DOMAIN\user on Windows, the effective user elsewhere. Empty in journals
  // written before it was recorded (read as "unknown").
  std::string operator_account;
};

// A new process continues the run (adrestore resume). Steps and the backup context that
// were open when the previous process died are closed by this record.
struct RunResumed {
  std::string tool_version;
  std::string host;
};

struct StepStarted {
  std::string step;
  std::uint32_t attempt = 1;  // 1 + the number of earlier starts of this step in the journal
};

struct StepFinished {
  std::string step;
  StepOutcome outcome = StepOutcome::succeeded;
  std::optional<std::uint32_t> hresult;
  std::int64_t duration_ms = 0;
  std::string message;
};

// Bytes [0, offset) of the file's partial copy are on disk (flushed) and match the
// manifest's hashes of chunks 0..chunk.
struct FileProgress {
  std::string file;  // destination, a Windows path
  std::uint64_t offset = 0;
  std::uint64_t chunk = 0;
};

// A partial copy did not match its journaled progress; the file is copied again from 0.
struct FileRestarted {
  std::string file;
  std::string reason;
};

// The file is in place under its final name, verified against the manifest.
struct FileDone {
  std::string file;
  std::uint64_t size = 0;
  std::string sha256;
};

struct FileCleared {
  std::string file;  // where it was, a Windows path
  ClearAction action = ClearAction::quarantine;
  std::string to;  // quarantine: where it is now; empty for delete
};

struct ResolvedDestination {
  std::string kind;  // database, log, patch, checkpoint
  std::string name;  // the file's name in the backup set
  std::string destination;  // Windows path
};

struct DestinationsResolved {
  std::vector<ResolvedDestination> destinations;
};

struct HookRecord {
  std::string name;
  std::optional<std::int32_t> exit_code;  // absent when killed by a signal or timed out
  std::optional<std::int32_t> signal;
  std::int64_t duration_ms = 0;
  bool timed_out = false;
  std::string log;  // host path of the hook's output log
};

// DsRestorePrepare returned a backup context (it does not survive the process).
struct ContextOpened {};
// DsRestoreEnd released it.
struct ContextClosed {
  std::optional<std::uint32_t> hresult;
};

struct RunFinished {
  RunOutcome outcome = RunOutcome::succeeded;
};

struct Note {
  NoteLevel level = NoteLevel::info;
  std::string text;
};

// --allow-foreign-backup let backup.verify accept a backup set taken on another DC than
// the one being restored (issue 13). Journaled before backup.verify finishes, so status
// shows it and a resume of this run remembers it for the same set.
struct ForeignBackupAllowed {
  std::string backup_dc;  // the manifest's "dc"
  std::string plan_dc;    // metadata.domainController
  std::string host;       // the machine the restore runs on
};

// What the DC said about its directory before the restore (host::DirectoryIdentity), so
// that system.verify-online can compare after the restart. A fact the host could not read
// is absent (database: empty).
struct DirectoryIdentityRecord {
  std::string database;  // Windows path, or empty
  std::optional<std::string> invocation_id;
  std::optional<std::uint64_t> restore_count;
};

using RecordBody = std::variant<RunStarted, RunResumed, StepStarted, StepFinished, FileProgress, FileRestarted,
                                FileDone, FileCleared, DestinationsResolved, HookRecord, ContextOpened, ContextClosed,
                                RunFinished, Note, ForeignBackupAllowed, DirectoryIdentityRecord>;

struct Record {
  std::uint64_t seq = 0;      // 1-based; assigned by the writer
  std::int64_t time_ms = 0;   // Unix time in milliseconds; assigned by the writer, never decreasing
  RecordBody body;

  RecordType type() const;
  template <class T>
  const T* as() const {
    return std::get_if<T>(&body);
  }
};

// The payload object: {"type": "...", "time_ms": N, fields...}.
nlohmann::json record_payload(const Record& r);
// Checks and converts a payload: every field present with the right type and a sane value,
// no unknown field, and the "type" name matching the frame's type number.
Result<Record> record_from_payload(const nlohmann::json& payload, RecordType framed_type);

// "2026-11-24T10:00:00.123Z" (UTC, RFC 3339), for messages and `journal dump`.
std::string format_utc_ms(std::int64_t unix_ms);

// One line for humans: "step-finished step=files.copy outcome=succeeded duration=1.2s".
std::string describe(const Record& r);

}  // namespace adrestore::exec
