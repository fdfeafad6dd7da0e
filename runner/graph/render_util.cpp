#include "graph/render_util.h"

#include "base/text.h"

namespace adrestore::graph::detail {

std::string api_text(const ApiCall& call) {
  std::vector<std::string> args;
  for (const Arg& a : call.args) args.push_back(a.name + "=" + (a.known ? a.value : "<" + a.value + ">"));
  return call.function + "(" + join(args, ", ") + ")";
}

std::string role_dir_text(const RoleDir& d) {
  if (!d.dir) return k_reported_at_run_time;
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
  return k_reported_at_run_time;
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

const char* kind_text(backup::FileKind kind) {
  switch (kind) {
    case backup::FileKind::database:
      return "database";
    case backup::FileKind::log:
      return "log";
    case backup::FileKind::patch:
      return "patch";
    case backup::FileKind::checkpoint:
      return "checkpoint";
  }
  return "database";
}

std::string class_text(const Step& s) {
  if (s.step_class == StepClass::finaliser) {
    return std::string("finaliser: runs whenever ") + s.guard + " succeeded in this process";
  }
  if (s.kind == StepKind::pre_hook) return "pre hook";
  if (s.kind == StepKind::post_hook) {
    return std::string("post hook, when ") + (s.hook ? plan::to_string(s.hook->when) : "?");
  }
  return to_string(s.step_class);
}

}  // namespace adrestore::graph::detail
