// validate's look at the backup set a plan names (cli.md: "if the backup set is reachable
// also checks the manifest and age"). Cheap: the manifest, the age against maxAge, presence,
// links and sizes; no file is hashed (that is backup.verify's job at run time). Findings are
// diagnostics on the plan's spec.backup.source line, so they read like any plan error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "host/disks.h"
#include "plan/diagnostic.h"
#include "plan/model.h"

namespace adrestore::backup {

struct SetAccess {
  host::Disks* disks = nullptr;     // null: the set cannot be reached from here
  std::string unreachable_reason;   // why, for the note ("no --world given")
  std::string where;                // what `disks` is, for the note when the set is absent ("the world W")
};

// How a command reaches backup sets: through the disks of the world `world` (default
// $ADRESTORE_SIM_WORLD) when there is one; with "win32" on Windows and no world, through this
// machine's volumes; otherwise (no world, or "win32" off Windows) not at all (access.disks
// is null and says why). A world that is not a directory is a usage error.
struct SetReach {
  std::unique_ptr<host::Disks> disks;
  SetAccess access;  // access.disks points into `disks`
};
Result<SetReach> reach_backup_sets(const std::string& api, std::string world);

// Adds errors (invalid manifest, too old, missing or resized files), a warning (the set was
// taken from another DC) and notes (extra files; the set is not reachable) to `diags`.
void check_backup_set(const plan::Plan& plan, const SetAccess& access, std::int64_t now_unix, plan::Diagnostics& diags);

}  // namespace adrestore::backup
