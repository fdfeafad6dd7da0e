// The simulated host: machine name, DSRM and privileges from world.json; a restart that
// boots the world the way a DC boots after a restore (doc/simulator.md, "Restart").
#pragma once

#include <memory>

#include "host/host.h"
#include "sim/world.h"

namespace adrestore::sim {

class SimHost : public host::Host {
 public:
  explicit SimHost(std::shared_ptr<World> world);

  Result<host::MachineName> machine_name() override;
  Result<bool> booted_in_dsrm() override;
  Result<std::vector<host::Privilege>> privileges() override;
  // Clears the DSRM flag and boots the world at once: every context dies, and AD DS comes
  // online only when the boot succeeds (see boot_world).
  Status restart_normal_mode() override;
  // Records the marks in world.json; refused unless the world is in DSRM with AD DS
  // offline, as ntdsutil's authoritative restore is.
  Result<host::AuthoritativeReport> mark_authoritative(const std::vector<std::string>& subtrees,
                                                       const std::vector<std::string>& objects,
                                                       const std::string& work_dir) override;
  // ntds.database, invocationId, restoreCount and eventLog of world.json.
  Result<host::DirectoryIdentity> directory_identity(std::int64_t since_ms) override;
  // The world's registry.restoreInProgress: written by DsRestoreRegister (unless the world
  // says restoreKeyOnRegister: false), removed by a boot that applies the restore.
  Result<bool> restore_in_progress_key_exists() override;

 private:
  std::shared_ptr<World> m_world;
};

// A boot of the DC (ntds-api.md 5.3 "next boot", 6.3, 6.7):
// - with a Restore in Progress registration: AD DS starts only when RegisterComplete
//   recorded S_OK, the database (the restore map's target, else the DC's database path) is
//   this DC's DIT byte for byte, and every log genLow..genHigh is in the backup log path
//   (or log path) and intact. Then the invocation id changes, the restore count goes up by
//   one, event 1109 is recorded (lastBoot.events and eventLog) and the registration is
//   removed; a boot fault (faults.h) can leave one of these out, once. Otherwise AD DS stays
//   down, the registration stays, and lastBoot.reason says why.
// - without one: AD DS starts when the database is intact.
// Updates tx's state (ntdsOnline, lastBoot, ...); does not restart anything else.
void boot_world(Transaction& tx, SimDisks& disks);

// Restarts the simulated DC into Directory Services Restore Mode (what `bcdedit /set safeboot
// dsrepair` and a restart do): every process of the previous boot is gone, AD DS is offline.
Status boot_into_dsrm(World& world);

}  // namespace adrestore::sim
