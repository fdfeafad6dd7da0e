// Making a world with a plausible DC in it: `adrestore sim init`, and plan tests (which
// start every test from a fresh world). The DC keeps its DIT, logs edb00001.log.. and
// edb.chk under C:\Windows\NTDS unless told otherwise; their bytes are deterministic
// (content.h), so a restore can be checked byte for byte.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"
#include "host/host.h"
#include "input/diagnostic.h"
#include "input/node.h"
#include "sim/faults.h"
#include "sim/world.h"

namespace adrestore::sim {

// A file to put on the DC's disks before anything runs (existingFiles).
struct ExistingFile {
  WinPath path;
  std::string content;  // used when size is unset
  std::optional<std::uint64_t> size;  // a file of this many pattern bytes
};

struct WorldOptions {
  std::string dc = "DC01";
  bool ntds_online = true;  // sim init: online, so that a backup can be taken
  bool dsrm = false;
  std::vector<host::Privilege> privileges = {{host::k_se_backup_privilege, true}, {host::k_se_restore_privilege, true}};
  std::int64_t tombstone_lifetime = k_default_tombstone_lifetime;  // seconds
  std::int64_t clock_offset = 0;
  NtdsPaths ntds;                      // empty members: C:\Windows\NTDS\ntds.dit, C:\Windows\NTDS, C:\Windows\NTDS
  std::optional<NtdsPaths> locations;  // what GetDatabaseLocations reports; absent: ntds
  std::uint64_t database_size = 64ULL << 20;
  std::uint32_t logs = 3;               // edb00001.log .. edb0000N.log
  std::uint64_t log_size = 1ULL << 20;
  bool create_database = true;          // false: an empty DC (no DIT, logs or checkpoint)
  std::vector<ExistingFile> existing_files;
  std::vector<Fault> faults;
  ntds::Win32Form win32_errors = ntds::Win32Form::raw;
  bool unc_paths = false;
  std::uint32_t read_fragment = 0;
  std::vector<ntds::BftEntry> extra_locations;
  bool restore_key_on_register = true;
};

// The state a fresh world starts from (no files written).
WorldState initial_state(const WorldOptions& options);

// Creates the world directory `dir` (which must not hold a world): world.json, the DC's
// files and the existing files. Returns the opened world.
Result<std::shared_ptr<World>> create_world(const std::string& dir, const WorldOptions& options);

// Writes existing files onto the world's disks (as create_world does with options.existing_files);
// the plan-test runner writes them after the test's backup.
Status write_existing_files(World& world, const std::vector<ExistingFile>& files);

// Applies overrides written as YAML (`adrestore sim init --from WORLD.yaml`; keys in
// doc/simulator.md and schema/world-options.schema.json) onto `options`. Problems go to
// `diags` with their line and column; returns false when there were errors.
bool apply_world_overrides(const input::Node& root, WorldOptions& options, input::Diagnostics& diags);

// Reads the overrides file (through the YAML input guard) and applies it.
Status load_world_overrides(const std::string& path, WorldOptions& options);

}  // namespace adrestore::sim
