#include "placement/render_util.h"

namespace adrestore::placement::detail {

std::string role_dir_text(const RoleDir& d) {
  if (!d.dir) return graph::k_reported_at_run_time;
  switch (d.source) {
    case DestinationSource::override_:
      return d.dir->str() + " (override)";
    case DestinationSource::reported:
      return d.dir->str() + " (reported by the DC)";
    case DestinationSource::original:
      return d.dir->str() + " (as backed up)";
    case DestinationSource::pending:
      break;
  }
  return graph::k_reported_at_run_time;
}

std::string placement_text(const FilePlacement& p) {
  RoleDir d{p.role, p.destination, p.source, std::nullopt};
  return role_dir_text(d);
}

std::string existing_files_text(const DestinationPolicy& p) {
  if (p.existing_files == plan::ExistingFiles::remove) return "deleted (existingFiles: delete)";
  if (p.quarantine) {
    return "quarantined under " + p.quarantine->str() + "\\<run-id>\\ (existingFiles: quarantine)";
  }
  return "quarantined beside each destination, in <destination>.adrestore-quarantine\\<run-id>\\ "
         "(existingFiles: quarantine)";
}

std::string locations_failure_text(const DestinationPolicy& p) {
  if (p.on_locations_failure == plan::LocationsFailure::fail) {
    return "the restore stops (onLocationsFailure: fail)";
  }
  return "files without an override go back to the folder they were backed up from (onLocationsFailure: original)";
}

}  // namespace adrestore::placement::detail
