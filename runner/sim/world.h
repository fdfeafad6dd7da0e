// A simulated domain controller: a directory holding world.json (the state), fs/ (the DC's
// disks) and calls.log (every API call received). One World backs both the simulated NTDS
// API (sim_api.h) and the simulated host (sim_host.h), which is why the simulator is a
// folder of its own (doc/simulator.md).
//
// Every change runs as a Transaction: take the world's lock (<world>/.lock), read and
// validate world.json, note which contexts and buffers belong to processes that are gone,
// apply the change, write world.json atomically (platform::write_file_durable) and append
// the call's calls.log line. Every file effect goes through the World's platform::FileSystem
// (the lock, an OS lock tied to the process, does not). So several processes may share a world, and a runner killed
// at any point leaves it as a real DC would be.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sim/sim_disks.h"
#include "sim/calls_log.h"
#include "sim/faults.h"
#include "sim/os.h"
#include "sim/world_state.h"

namespace adrestore::sim {

class World;

class Transaction {
 public:
  ~Transaction();  // without commit(): the changes are dropped
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  WorldState& state() { return m_state; }
  // The world's clock: the host clock plus world.json's clockOffset.
  std::int64_t now() const;
  // The calling process, in the current boot.
  Owner me() const;
  bool is_mine(const Owner& o) const { return o == me(); }
  // A calls.log line to append when the transaction commits.
  void log(std::string line) { m_lines.push_back(std::move(line)); }
  // Writes world.json durably, then appends the logged lines to calls.log.
  Status commit();

 private:
  friend class World;
  Transaction(World& world, std::unique_ptr<FileLock> lock, WorldState state);
  World& m_world;
  std::unique_ptr<FileLock> m_lock;
  WorldState m_state;
  ProcessIdentity m_process;
  std::vector<std::string> m_lines;
  bool m_committed = false;
};

class World {
 public:
  // Opens an existing world and validates its world.json.
  static Result<std::shared_ptr<World>> open(const std::string& dir, platform::FileSystem& fs = platform::system_fs());
  // Makes a world directory from a state (dir must not hold a world yet); see world_init.h
  // for a world with a plausible DC in it.
  static Result<std::shared_ptr<World>> create(const std::string& dir, const WorldState& state,
                                               platform::FileSystem& fs = platform::system_fs());

  const std::string& dir() const { return m_dir; }
  std::string world_file() const;
  std::string calls_log_path() const;
  // The world's disks (fs/), for the simulator's own reads and writes.
  SimDisks& disks() { return m_disks; }
  platform::FileSystem& fs() { return m_fs; }

  // Locks the world and loads its state; the lock is held until the transaction ends.
  Result<std::unique_ptr<Transaction>> begin();
  // Runs `fn` in a transaction and commits when it returns ok.
  Status update(const std::function<Status(Transaction&)>& fn);
  // A consistent copy of the state (taken under the lock, nothing written).
  Result<WorldState> snapshot();

  // ---- Faults (doc/simulator.md, Faults) ----
  Status add_faults(const std::vector<Fault>& faults);
  // The first crash fault for `step_id` not taken yet; marks it taken (durably) so that the
  // resumed run does not crash again. The executor kills itself at the fault's point.
  Result<std::optional<CrashFault>> take_crash_fault(const std::string& step_id);
  // The same for an {atRecord: N} fault: taken when the executor reports record `seq`.
  Result<std::optional<CrashFault>> take_record_crash_fault(std::uint64_t seq);
  // The journal record numbers of the crash faults not taken yet (read once at start-up, so
  // the executor does not open the world after every record).
  Result<std::vector<std::uint64_t>> pending_record_crashes();
  // The first journal record of a journalFull fault not yet taken, if any.
  Result<std::optional<std::uint64_t>> pending_journal_full();
  // Marks the journalFull fault at `seq` taken (it fires in one process only).
  Status take_journal_full(std::uint64_t seq);
  // Installs a write gate on `disks` for the world's diskFull faults (as they are now):
  // writes under a fault's path fail with "no space left on device" once more than its
  // afterBytes were written there. The count lives in memory (one process); the fault is
  // marked tripped in world.json when it first fires.
  void attach_disk_faults(SimDisks& disks);
  // Applies every corrupt and ese fault not applied yet to the backup set in `backup_set_dir`
  // (a host path): a corrupt fault flips (XOR 0xFF) the byte at atByte of the named file; an
  // ese fault rewrites an ESE header or removes a log and re-hashes the manifest (ese_faults.h).
  Status apply_corrupt_faults(const std::string& backup_set_dir);

  // ---- Evidence ----
  Result<std::vector<CallRecord>> calls();
  // Buffers that were never freed: those of processes that are gone (recorded as leaks in
  // world.json) plus, with `include_live`, the ones the calling process still holds.
  Result<std::vector<Leak>> leaks(bool include_live);

 private:
  World(std::string dir, platform::FileSystem& fs);
  std::string m_dir;
  platform::FileSystem& m_fs;
  SimDisks m_disks;
};

// Marks contexts, the interlock, the auth identity and buffers of processes that are gone
// (or of an earlier boot) the way the real DC would see them: contexts invalid, interlock
// released, buffers leaked. Registry values stay. Called by World::begin().
void forget_dead_processes(WorldState& w, const ProcessIdentity& me);

}  // namespace adrestore::sim
