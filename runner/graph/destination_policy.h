// The plan's destination choices as the compiled graph carries them (PlanSummary), so that
// nothing downstream has to look at the plan again. Resolving them against a backup set and
// the DC's report is placement's job (placement/destinations.h).
#pragma once

#include <optional>

#include "base/winpath.h"
#include "plan/model.h"

namespace adrestore::graph {

// The plan's choices about destinations (spec.restore), copied out of the plan.
struct DestinationPolicy {
  std::optional<WinPath> database;  // overrides: directories
  std::optional<WinPath> logs;
  std::optional<WinPath> checkpoint;
  plan::LocationsFailure on_locations_failure = plan::LocationsFailure::original;
  plan::ExistingFiles existing_files = plan::ExistingFiles::quarantine;
  std::optional<WinPath> quarantine;  // root for quarantined files; default beside each destination
  std::optional<WinPath> backup_source;  // no destination may lie inside it (or contain it)
};
DestinationPolicy destination_policy(const plan::Plan& plan);

// What previews print for a path that only DsRestoreGetDatabaseLocations can tell.
inline constexpr const char* k_reported_at_run_time = "reported by the DC at run time";

}  // namespace adrestore::graph
