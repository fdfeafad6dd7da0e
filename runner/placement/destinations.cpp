#include "placement/destinations.h"

#include "base/text.h"

namespace adrestore::placement {
namespace {

Status fail(std::string message) { return Status::error(Code::failed, std::move(message)); }

const char* role_field(DirRole r) {
  switch (r) {
    case DirRole::database:
      return "spec.restore.destinations.database";
    case DirRole::logs:
      return "spec.restore.destinations.logs";
    case DirRole::checkpoint:
      return "spec.restore.destinations.checkpoint";
  }
  return "spec.restore.destinations";
}

const std::optional<WinPath>& override_for(const DestinationPolicy& p, DirRole r) {
  switch (r) {
    case DirRole::database:
      return p.database;
    case DirRole::logs:
      return p.logs;
    case DirRole::checkpoint:
      return p.checkpoint;
  }
  return p.database;
}

// The DC's text of the directory it reported for a role: the log and checkpoint
// directories as given; the database's directory is the given DIT path without its last
// component (a UNC or drive path cut at its last separator).
std::optional<std::string> given_dir(const ReportedLocations& rep, DirRole r) {
  switch (r) {
    case DirRole::database: {
      if (!rep.as_given.database_file || !rep.locations.database_file) return std::nullopt;
      const std::string& t = *rep.as_given.database_file;
      const std::size_t cut = t.find_last_of("\\/");
      if (cut == std::string::npos) return std::nullopt;
      std::string dir = t.substr(0, cut);
      // C:\ntds.dit: the parent is the drive's root, whose text keeps its separator.
      const WinPath parent = rep.locations.database_file->parent();
      if (parent.root() == WinPath::Root::drive && parent.segments().empty()) dir = t.substr(0, cut + 1);
      return dir;
    }
    case DirRole::logs:
      return rep.as_given.log_dir;
    case DirRole::checkpoint:
      return rep.as_given.checkpoint_dir;
  }
  return std::nullopt;
}

// The directory the DC reported for a role, if it did.
std::optional<WinPath> reported_dir(const backup::Locations& l, DirRole r) {
  switch (r) {
    case DirRole::database:
      if (l.database_file) return l.database_file->parent();
      return std::nullopt;
    case DirRole::logs:
      return l.log_dir;
    case DirRole::checkpoint:
      return l.checkpoint_dir;
  }
  return std::nullopt;
}

// The directory a role had on the DC at backup time: the first file of that role, else the
// locations the backup recorded.
std::optional<WinPath> original_dir(const backup::Manifest& m, DirRole r) {
  for (const backup::ManifestFile& f : m.files) {
    if (role_of(f.kind) == r) return f.original.parent();
  }
  return reported_dir(m.locations, r);
}

Result<RoleDir> resolve_role(const backup::Manifest& m, const ReportedLocations& rep, const DestinationPolicy& p,
                             DirRole r) {
  RoleDir out;
  out.role = r;
  if (const auto& o = override_for(p, r)) {
    out.dir = *o;
    out.source = DestinationSource::override_;
    // The plan's text, unless it names the very directory the DC reported: then the DC
    // hears its own form back, as for a directory taken from the report.
    if (rep.state == LocationsState::reported) {
      const auto d = reported_dir(rep.locations, r);
      if (d && d->equals(*o)) out.as_given = given_dir(rep, r);
    }
    return out;
  }
  if (rep.state == LocationsState::not_yet_called) return out;  // pending
  if (rep.state == LocationsState::reported) {
    if (auto d = reported_dir(rep.locations, r)) {
      out.dir = *d;
      out.source = DestinationSource::reported;
      out.as_given = given_dir(rep, r);
      return out;
    }
  }
  const std::string why = rep.state == LocationsState::call_failed
                              ? std::string("DsRestoreGetDatabaseLocations failed")
                              : std::string("DsRestoreGetDatabaseLocations did not report the ") + to_string(r) +
                                    " location";
  if (p.on_locations_failure == plan::LocationsFailure::fail) {
    return fail(why + " and spec.restore.onLocationsFailure is fail: the restore stops here; set " + role_field(r) +
                " or onLocationsFailure: original to restore into the directory the files were backed up from");
  }
  if (auto d = original_dir(m, r)) {
    out.dir = *d;
    out.source = DestinationSource::original;
    return out;
  }
  return fail(why + ", and the backup set records no " + to_string(r) + " directory to fall back to; set " +
              role_field(r));
}

void add_unique(std::vector<WinPath>& dirs, const WinPath& d) {
  for (const WinPath& x : dirs) {
    if (x.equals(d)) return;
  }
  dirs.push_back(d);
}

Status check_overlaps(const Resolution& res, const DestinationPolicy& p) {
  for (const WinPath& d : res.directories) {
    if (p.backup_source) {
      if (d.equals_or_inside(*p.backup_source)) {
        return fail("the destination " + d.str() + " lies inside the backup source " + p.backup_source->str() +
                    "; restoring there would overwrite the backup set");
      }
      if (p.backup_source->is_inside(d)) {
        return fail("the backup source " + p.backup_source->str() + " lies inside the destination " + d.str() +
                    "; clearing it would destroy the backup set");
      }
    }
    if (p.quarantine && p.quarantine->equals_or_inside(d)) {
      return fail("the quarantine " + p.quarantine->str() + " lies inside the destination " + d.str() +
                  "; clearing the destination would sweep up the quarantine");
    }
  }
  return Status::ok();
}

}  // namespace

const char* to_string(DirRole r) {
  switch (r) {
    case DirRole::database:
      return "database";
    case DirRole::logs:
      return "logs";
    case DirRole::checkpoint:
      return "checkpoint";
  }
  return "database";
}

DirRole role_of(backup::FileKind kind) {
  switch (kind) {
    case backup::FileKind::database:
      return DirRole::database;
    case backup::FileKind::log:
      return DirRole::logs;
    case backup::FileKind::patch:
    case backup::FileKind::checkpoint:
      return DirRole::checkpoint;
  }
  return DirRole::database;
}

const char* to_string(DestinationSource s) {
  switch (s) {
    case DestinationSource::override_:
      return "override";
    case DestinationSource::reported:
      return "reported";
    case DestinationSource::original:
      return "original";
    case DestinationSource::pending:
      return "pending";
  }
  return "pending";
}

const RoleDir& Resolution::dir_for(DirRole r) const {
  switch (r) {
    case DirRole::database:
      return database;
    case DirRole::logs:
      return logs;
    case DirRole::checkpoint:
      return checkpoint;
  }
  return database;
}

bool Resolution::complete() const {
  for (const RoleDir* r : {&database, &logs, &checkpoint}) {
    if (!r->dir) return false;
  }
  for (const FilePlacement& f : files) {
    if (!f.destination) return false;
  }
  return true;
}

Result<Resolution> resolve_destinations(const backup::Manifest& manifest, const ReportedLocations& reported,
                                        const DestinationPolicy& policy) {
  if (reported.state == LocationsState::call_failed && policy.on_locations_failure == plan::LocationsFailure::fail) {
    // Even when overrides fix every directory: the plan asked for a failed call to stop the restore.
    return fail("DsRestoreGetDatabaseLocations failed and spec.restore.onLocationsFailure is fail: the restore stops "
                "here; set onLocationsFailure: original to restore each file without an override into the directory "
                "it was backed up from");
  }
  Resolution res;
  for (RoleDir* r : {&res.database, &res.logs, &res.checkpoint}) {
    Result<RoleDir> got = resolve_role(manifest, reported, policy, r->role);
    if (!got) return got.status();
    *r = *got;
  }
  for (const RoleDir* r : {&res.database, &res.logs, &res.checkpoint}) {
    if (r->dir) add_unique(res.directories, *r->dir);
  }

  std::size_t database_files = 0;
  for (const backup::ManifestFile& f : manifest.files) database_files += f.kind == backup::FileKind::database ? 1 : 0;

  for (const backup::ManifestFile& f : manifest.files) {
    FilePlacement fp;
    fp.file = &f;
    fp.role = role_of(f.kind);
    const RoleDir& rd = res.dir_for(fp.role);
    fp.source = rd.source;
    const std::string name = f.original.file_name();
    if (name.empty()) {
      return fail("backup file " + f.path + ": its original path " + f.original.str() + " names no file");
    }
    switch (rd.source) {
      case DestinationSource::pending:
        break;
      case DestinationSource::original:
        // Back where it was backed up from, even if files of one role came from several folders.
        fp.destination = f.original;
        add_unique(res.directories, f.original.parent());
        break;
      case DestinationSource::reported:
        if (f.kind == backup::FileKind::database && database_files == 1 && reported.locations.database_file) {
          fp.destination = *reported.locations.database_file;
          fp.as_given = reported.as_given.database_file;
        } else {
          fp.destination = rd.dir->child(name);
        }
        break;
      case DestinationSource::override_:
        fp.destination = rd.dir->child(name);
        break;
    }
    if (fp.destination) {
      for (const FilePlacement& other : res.files) {
        if (other.destination && other.destination->equals(*fp.destination)) {
          return fail("backup files " + other.file->path + " and " + f.path + " would both be copied to " +
                      fp.destination->str());
        }
      }
    }
    res.files.push_back(fp);
  }
  if (Status s = check_overlaps(res, policy); !s) return s;
  return res;
}

std::vector<OverrideDifference> override_differences(const DestinationPolicy& policy,
                                                     const backup::Locations& reported) {
  std::vector<OverrideDifference> out;
  for (DirRole r : {DirRole::database, DirRole::logs, DirRole::checkpoint}) {
    const std::optional<WinPath>& o = override_for(policy, r);
    const std::optional<WinPath> rep = reported_dir(reported, r);
    if (o && rep && !o->equals(*rep)) out.push_back({r, *o, *rep});
  }
  return out;
}

std::string describe_override_difference(const OverrideDifference& d, const std::string& when) {
  std::string how;
  switch (d.role) {
    case DirRole::database:
      how = "the restore map (DsRestoreRegister's rgrstmap) to make AD DS open the restored database there";
      break;
    case DirRole::logs:
      how = "DsRestoreRegister's log path to make AD DS replay and keep its logs there";
      break;
    case DirRole::checkpoint:
      how = "DsRestoreRegister's checkpoint path to make AD DS keep its checkpoint there";
      break;
  }
  return std::string(role_field(d.role)) + " is " + d.override_dir.str() + ", but the DC reported " +
         d.reported_dir.str() + " " + when + ": the restore relies on " + how +
         ", which only the simulator verifies (a real DC may keep using " + d.reported_dir.str() +
         "); after the restart, system.verify-online checks which database AD DS uses";
}

Result<RegisterArgs> register_args(const Resolution& res, const backup::Manifest& manifest) {
  if (!res.complete()) {
    return Status::error(Code::internal, "DsRestoreRegister arguments asked for before the locations are known");
  }
  const auto text = [](const RoleDir& d) { return d.as_given ? *d.as_given : d.dir->str(); };
  RegisterArgs a{text(res.checkpoint), text(res.logs), text(res.logs), {}, manifest.gen_low, manifest.gen_high};
  for (const FilePlacement& f : res.files) {
    if (f.file->kind != backup::FileKind::database) continue;
    a.restore_map.emplace_back(f.file->original.str(), f.as_given ? *f.as_given : f.destination->str());
  }
  if (a.gen_low > a.gen_high || a.gen_high > 0xFFFFF) {
    return fail("the backup set's log generations " + std::to_string(a.gen_low) + ".." + std::to_string(a.gen_high) +
                " are not a range DsRestoreRegister accepts (0 to 0xFFFFF, low <= high)");
  }
  return a;
}

Result<WinPath> quarantine_dir(const WinPath& destination_dir, const std::optional<WinPath>& quarantine_root,
                               const std::string& run_id) {
  if (quarantine_root) {
    WinPath q = quarantine_root->child(run_id);
    if (destination_dir.root() == WinPath::Root::drive) {
      q = q.child(std::string(1, destination_dir.drive()));
    } else {
      q = q.child("UNC").child(destination_dir.server()).child(destination_dir.share());
    }
    for (const std::string& seg : destination_dir.segments()) q = q.child(seg);
    return q;
  }
  if (destination_dir.segments().empty()) {
    return fail("the destination " + destination_dir.str() +
                " is a volume root, which has no sibling folder for the quarantine; set spec.restore.quarantine");
  }
  return destination_dir.parent().child(destination_dir.file_name() + ".adrestore-quarantine").child(run_id);
}

Result<std::vector<ClearAction>> plan_clear(const Resolution& res, const DestinationPolicy& policy,
                                            const std::vector<DirListing>& existing, const std::string& run_id) {
  std::vector<ClearAction> out;
  for (const WinPath& dir : res.directories) {
    for (const DirListing& l : existing) {
      if (!l.dir.equals(dir)) continue;
      std::optional<WinPath> qdir;
      if (policy.existing_files == plan::ExistingFiles::quarantine) {
        Result<WinPath> q = quarantine_dir(dir, policy.quarantine, run_id);
        if (!q) return q.status();
        qdir = *q;
      }
      for (const std::string& name : l.names) {
        std::string why = check_windows_name(name);
        if (why.empty() && name.find_first_of("\\/") != std::string::npos) why = "contains a path separator";
        if (!why.empty()) {
          return fail("existing file '" + escape_for_terminal(name) + "' in " + dir.str() + ": " + why);
        }
        ClearAction a{dir.child(name), std::nullopt};
        if (qdir) a.quarantined_to = qdir->child(name);
        out.push_back(std::move(a));
      }
    }
  }
  return out;
}

}  // namespace adrestore::placement
