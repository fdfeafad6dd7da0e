// The state of a simulated DC, as world.json holds it (doc/simulator.md). Plain data: the
// World (world.h) loads it under a lock, the simulated API and host change it, and it is
// written back atomically after every call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/winpath.h"
#include "input/diagnostic.h"
#include "host/host.h"
#include "ntds/api.h"
#include "ntds/hresult.h"
#include "sim/faults.h"

namespace adrestore::plan {
class Diagnostics;
}

namespace adrestore::sim {

inline constexpr const char* k_world_format = "adrestore-sim-world/1";
inline constexpr std::size_t k_max_world_bytes = 1 << 20;  // world.json is refused above 1 MiB
inline constexpr std::int64_t k_default_tombstone_lifetime = 180LL * 86400;
// Limits that keep world.json within its schema; the API answers ERROR_NOT_ENOUGH_MEMORY
// or ERROR_INVALID_PARAMETER past them, as a DC out of resources would.
inline constexpr std::size_t k_max_open_contexts = 128;
inline constexpr std::size_t k_max_buffers = 4000;
inline constexpr std::size_t k_max_faults = 256;
inline constexpr std::size_t k_max_restore_map = 16;
inline constexpr std::size_t k_max_account_name = 256;
inline constexpr std::size_t k_max_authoritative_marks = 64;
inline constexpr std::size_t k_max_event_log = 64;

// Who opened a context or received a buffer: the process and the boot it ran in.
struct Owner {
  std::int64_t pid = 0;
  std::string nonce;
  std::uint64_t boot = 0;
  friend bool operator==(const Owner& a, const Owner& b) {
    return a.pid == b.pid && a.nonce == b.nonce && a.boot == b.boot;
  }
};

// The DC's file places: the DIT file, the log directory, the checkpoint directory.
struct NtdsPaths {
  std::optional<WinPath> database;
  std::optional<WinPath> logs;
  std::optional<WinPath> checkpoint;
};

enum class ContextKind { backup, restore, restore_limited };
const char* to_string(ContextKind k);

struct OpenBackupFile {
  std::string name;  // as the caller passed it
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
};

struct Context {
  std::uint64_t id = 0;
  ContextKind kind = ContextKind::backup;
  Owner owner;
  std::string ended;  // empty while open; else why: "DsBackupEnd", "process exited", "restart"
  // Backup contexts.
  std::vector<std::string> database_names;  // what GetDatabaseNames listed
  std::vector<std::string> log_names;       // what GetBackupLogs listed
  std::vector<std::string> files_done;      // read to the end and closed
  std::optional<OpenBackupFile> open_file;
  // Restore contexts.
  std::int64_t token_created = 0;
  bool locations_given = false;  // DsRestoreGetDatabaseLocations answered on this context
  bool registered = false;
  bool completed = false;
};

struct Buffer {
  std::uint64_t id = 0;
  std::string call;  // which call returned it
  std::uint64_t bytes = 0;
  Owner owner;
};

struct Leak {
  std::uint64_t buffer = 0;
  std::string call;
  std::int64_t pid = 0;
};

struct RestoreMapPair {
  std::string from;
  std::string to;
};

// HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore in Progress (ntds-api.md 6.3).
struct Registration {
  WinPath checkpoint_file_path;
  WinPath log_path;
  WinPath backup_log_path;
  std::uint32_t low_log = 0;
  std::uint32_t high_log = 0;
  std::vector<RestoreMapPair> restore_map;
  std::int64_t registered_at = 0;
  std::optional<ntds::HResult> restore_state;  // set by DsRestoreRegisterComplete
};

struct BootRecord {
  std::uint64_t boot = 0;
  std::int64_t at = 0;
  bool ntds_started = false;
  std::string reason;
  std::vector<int> events;  // 1109: invocation id changed after a restore
};

// One entry of the DC's Directory Service event log, as far as the simulator keeps one.
struct LoggedEvent {
  int event = 0;        // 1109: invocation id changed after a restore
  std::int64_t at = 0;  // world time, seconds
  std::uint64_t boot = 0;
};

struct AuthIdentity {
  std::string user;
  std::string domain;
  Owner owner;
};

struct AuthoritativeMark {
  std::vector<std::string> subtrees;
  std::vector<std::string> objects;
  std::int64_t at = 0;
};

struct Counters {
  std::uint64_t calls = 0;
  std::uint64_t double_frees = 0;
  std::uint64_t invalid_frees = 0;
  std::uint64_t leaked_buffers = 0;
  std::uint64_t truncated_logs = 0;
  std::uint64_t restarts = 0;
};

struct WorldState {
  std::string dc = "DC01";
  bool ntds_online = true;
  bool dsrm = false;
  std::vector<host::Privilege> privileges;
  std::int64_t tombstone_lifetime = k_default_tombstone_lifetime;  // seconds
  std::int64_t clock_offset = 0;  // seconds added to the host clock
  ntds::Win32Form win32_errors = ntds::Win32Form::raw;
  // Lists name files \\DC\C$\... as a real DC does, and DsRestoreRegister refuses the local
  // form (C:\...) of a location DsRestoreGetDatabaseLocations gave the same context.
  bool unc_paths = false;
  std::uint32_t read_fragment = 0;     // DsBackupRead returns at most this many bytes; 0: no limit
  NtdsPaths ntds;                      // where the DC keeps its database, logs and checkpoint
  std::optional<NtdsPaths> locations;  // what DsRestoreGetDatabaseLocations reports; absent: ntds
  // More entries DsRestoreGetDatabaseLocations reports after those (a reply with codes it
  // should not hold, to rehearse what the runner makes of them).
  std::vector<ntds::BftEntry> extra_locations;
  // false: DsRestoreRegister succeeds without creating the Restore in Progress key (a
  // registration that did not take), to rehearse the runner's check of the key.
  bool restore_key_on_register = true;
  std::string invocation_id;
  std::uint64_t restore_count = 0;
  std::uint64_t boot_count = 1;
  std::optional<BootRecord> last_boot;
  std::vector<LoggedEvent> event_log;  // oldest first, at most k_max_event_log
  std::optional<Registration> restore_in_progress;
  std::optional<std::uint64_t> interlock;  // the context holding DsRestoreRegister's interlock
  std::optional<AuthIdentity> auth_identity;
  std::vector<AuthoritativeMark> authoritative;
  std::vector<Context> contexts;
  std::vector<Buffer> buffers;
  std::vector<Leak> leaks;
  Counters counters;
  std::uint64_t next_id = 1;
  std::vector<Fault> faults;

  host::MachineName machine_name() const;
  const NtdsPaths& reported_locations() const { return locations ? *locations : ntds; }
  Context* find_context(std::uint64_t id);
};

nlohmann::json world_to_json(const WorldState& w);

// Checks a state against the world schema before it is written, so the simulator never
// leaves a world.json that it would refuse to load (a safety net behind the limits the
// calls enforce themselves).
Status check_world_json(const nlohmann::json& doc, const std::string& label);

// World-file problems as a Status message: a "file:line:col: path: message" line per error,
// at most 10. Without "error:", which the printer adds.
std::string diagnostics_text(const input::Diagnostics& diags);

// Parses and validates world.json text: size cap, JSON syntax, the schema
// (schema/world.schema.json, messages like plan errors) and the semantic checks. `label` is
// the file name used in messages. Never throws.
Result<WorldState> parse_world_text(std::string_view text, const std::string& label);

}  // namespace adrestore::sim
