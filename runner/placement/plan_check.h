// validate's look at the backup set a plan names (cli.md: "if the backup set is reachable
// also checks the manifest and age"). Cheap: the manifest, the age against maxAge, presence,
// links and sizes; no file is hashed (that is backup.verify's job at run time). Findings are
// diagnostics on the plan's spec.backup.source line, so they read like any plan error.
#pragma once

#include <cstdint>
#include <string>

#include "host/disks.h"
#include "input/diagnostic.h"
#include "plan/model.h"

namespace adrestore::placement {

// How validate reaches the backup set; the CLI chooses (cli/backend.h reach_backup_sets).
struct SetAccess {
  host::Disks* disks = nullptr;     // null: the set cannot be reached from here
  std::string unreachable_reason;   // why, for the note ("no --world given")
  std::string where;                // what `disks` is, for the note when the set is absent ("the world W")
};

// Adds errors (invalid manifest, too old, missing or resized files), a warning (the set was
// taken from another DC) and notes (extra files; the set is not reachable) to `diags`.
void check_backup_set(const plan::Plan& plan, const SetAccess& access, std::int64_t now_unix, input::Diagnostics& diags);

}  // namespace adrestore::placement
