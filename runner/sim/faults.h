// Faults are data (simulator.md): entries of world.json's "faults" list, added by hand or
// by a plan test. Eight kinds:
//   {call, hresult, times?, after?}          the named API call fails with that HRESULT
//   {crash: {atStep, afterBytes?}}           the executor kills itself in that step
//   {diskFull: {path, afterBytes, hidden?}}  writes under a Windows path fail past N bytes;
//                                            the free space seen there is N (unless hidden:
//                                            the disk fills during the run, unforeseeable)
//   {locked: {path}}                         another process holds the file open: it cannot
//                                            be moved or deleted
//   {corrupt: {backupFile, atByte}}          one byte of a backup-set file is flipped
//   {journalFull: {atRecord}}                the state folder's disk is full: writing journal
//                                            record N (and every later one) fails
//   {boot: {skip}}                           the next post-restore boot leaves one thing out
//   {ese: {problem, backupFile?}}            the backup set would not recover (ESE headers),
//                                            though its manifest is re-hashed to match
// Each kind also keeps its progress in the world (seen/fired, taken, written/tripped,
// applied), so a fault fires the right number of times across processes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/winpath.h"
#include "ntds/api.h"
#include "ntds/hresult.h"

namespace adrestore::sim {

// A byte count written as a number, a size ("10Mi") or a share of a total ("50%").
struct ByteCount {
  std::uint64_t bytes = 0;
  std::optional<double> percent;  // set for "N%"
  // The count for a total of `total` bytes (percentages round down).
  std::uint64_t resolve(std::uint64_t total) const;
  nlohmann::json to_json() const;
  static Result<ByteCount> from_json(const nlohmann::json& j);
};

struct CallFault {
  ntds::Call call = ntds::Call::is_ntds_online;
  ntds::HResult hresult;
  std::string hresult_text;           // as written, kept when saving ("hrCouldNotConnect", "0x80070005")
  std::optional<std::uint64_t> times;  // absent: every matching call
  std::uint64_t after = 0;            // let this many matching calls through first
  std::uint64_t seen = 0;             // matching calls so far
  std::uint64_t fired = 0;            // calls failed so far
};

// Handed to the executor by World::take_crash_fault(): kill the process once `after_bytes`
// of the step's work are done (bytes copied for files.copy; 0 means at the step's start).
struct CrashFault {
  std::string at_step;                  // empty when at_record is set
  std::optional<std::uint64_t> at_record;  // die right after journal record N is durable (crash matrix)
  ByteCount after_bytes;
  bool taken = false;
};

struct DiskFullFault {
  WinPath path;
  ByteCount after_bytes;  // a percentage is refused: there is no total
  bool hidden = false;    // not seen by the free-space question (Disks::free_bytes)
  std::uint64_t written = 0;
  bool tripped = false;
};

struct CorruptFault {
  std::string backup_file;  // a file name (ntds.dit) or a path relative to the backup set
  std::uint64_t at_byte = 0;
  bool applied = false;
};

// The runner's journal cannot be written from record `at_record` on (the state folder's disk
// filled): tests that the finalisers still run when the journal fails.
struct JournalFullFault {
  std::uint64_t at_record = 1;
  bool taken = false;
};

// A file that another process (an antivirus, a backup agent) holds open.
struct LockedFault {
  WinPath path;
};

// What the next boot that applies a restore registration leaves out, so that tests can
// show system.verify-online catching a DC that did not really come up on the restored
// database: the restore map (AD DS opens the database at its old path), the new invocation
// id, the restore count's increment, or event 1109. The boot still succeeds. Once.
enum class BootSkip { restore_map, invocation_id, restore_count, event_1109 };
const char* to_string(BootSkip s);  // "restoreMap", "invocationId", "restoreCount", "event1109"

struct BootFault {
  BootSkip skip = BootSkip::restore_map;
  bool applied = false;
};

// A backup set whose bytes match its manifest but that would not recover (doc/ese-checks.md):
// its files are rewritten and the manifest re-hashed, as whoever can write to the backup
// share could. Applied with the corrupt faults, once. backupFile picks the file (a name or
// a set path); unset: the first log (foreignLog), a middle log (logGap), ntds.dit (the rest).
enum class EseProblem {
  foreign_log,         // a log's header gets another database's log signature
  dirty_without_logs,  // the database is marked dirty, needing one log past genHigh
  log_gap,             // a log between the oldest and the newest is removed from the set
  header_checksum,     // one byte of a header changes without its checksum
};
const char* to_string(EseProblem p);  // "foreignLog", "dirtyWithoutLogs", "logGap", "headerChecksum"

struct EseFault {
  EseProblem problem = EseProblem::foreign_log;
  std::string backup_file;
  bool applied = false;
};

struct Fault {
  std::variant<CallFault, CrashFault, DiskFullFault, CorruptFault, JournalFullFault, LockedFault, BootFault, EseFault> kind;
};

// A fault entry as JSON (world.json form, with its progress fields).
nlohmann::json fault_to_json(const Fault& f);
// Reads one entry; `path` names it in errors ("faults[2]"). The JSON must already have
// passed the schema; this checks what the schema cannot (exactly one kind, known HRESULT
// names, Windows paths).
Result<Fault> fault_from_json(const nlohmann::json& j, const std::string& path);

// The HRESULT a call fault injects for `call` now, if any; counts the call either way.
std::optional<ntds::HResult> next_call_fault(std::vector<Fault>& faults, ntds::Call call);

// Marks the unapplied boot faults as applied and returns what they skip.
std::vector<BootSkip> take_boot_faults(std::vector<Fault>& faults);

// "call DsRestoreRegister -> hrCouldNotConnect (0xC7FF0007) 1 time", for messages.
std::string describe_fault(const Fault& f);

}  // namespace adrestore::sim
