// Where every backup file goes, which directories files.clear empties, and where it puts
// what it quarantines. The single source of truth for these paths: `adrestore plan`
// previews with it, the executor resolves with it at run time (restore.locations), and
// resume compares the journaled result with a fresh one.
//
// Mapping (ntds-api.md 3.4, 3.13, 5.2): the DIT (BFT_NTDS_DATABASE) goes to the database
// location, logs (BFT_LOG) to the log directory, patch files (BFT_PATCH_FILE) and the
// checkpoint file (edb.chk) to the checkpoint directory. For each of the three roles the
// directory comes from, in order:
//   1. the plan's override (spec.restore.destinations.<role>);
//   2. DsRestoreGetDatabaseLocations, when it has reported that role;
//   3. nothing yet, when the call has not been made (the preview says "reported by the DC
//      at run time");
//   4. when the call failed, or did not report the role: with onLocationsFailure original,
//      each file goes back to the directory it was backed up from (ManifestFile::original).
// With onLocationsFailure fail, a failed call fails the resolution even when overrides fix
// every directory (the plan asked for that); a report that merely lacks a role fails it
// only for a role no override covers.
// File names: a DIT placed by the DC's report takes the reported file name when it is the
// only database file; every other file keeps the name it had on the DC at backup time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "base/status.h"
#include "base/winpath.h"
#include "graph/destination_policy.h"

namespace adrestore::placement {

// The plan's destination choices, as the compiled graph carries them.
using graph::DestinationPolicy;

// The paths of a DsRestoreGetDatabaseLocations reply byte for byte as the DC gave them
// (\\DC01\C$\Windows\NTDS on a real DC), for DsRestoreRegister; empty when not reported.
struct DcPathTexts {
  std::optional<std::string> database_file;
  std::optional<std::string> log_dir;
  std::optional<std::string> checkpoint_dir;
};

// What DsRestoreGetDatabaseLocations has said so far. `locations` holds the local form
// (ntds::local_form), which the restore uses for file I/O; `as_given` the DC's own text.
enum class LocationsState { not_yet_called, reported, call_failed };
struct ReportedLocations {
  LocationsState state = LocationsState::not_yet_called;
  backup::Locations locations;  // meaningful when state is reported
  DcPathTexts as_given;         // when state is reported; a missing text falls back to locations
  static ReportedLocations pending() { return {}; }
  static ReportedLocations failed() { return {LocationsState::call_failed, {}, {}}; }
  static ReportedLocations reported(backup::Locations l, DcPathTexts as_given = {}) {
    return {LocationsState::reported, std::move(l), std::move(as_given)};
  }
};

enum class DirRole { database, logs, checkpoint };
const char* to_string(DirRole r);
DirRole role_of(backup::FileKind kind);

// How a directory or file destination was decided.
enum class DestinationSource { override_, reported, original, pending };
const char* to_string(DestinationSource s);  // "override", "reported", "original", "pending"

struct RoleDir {
  DirRole role = DirRole::database;
  std::optional<WinPath> dir;  // nullopt only when pending
  DestinationSource source = DestinationSource::pending;
  // The DC's text for `dir` when the DC reported it (also when an override names the very
  // directory the DC reported): what DsRestoreRegister gets.
  std::optional<std::string> as_given;
};

struct FilePlacement {
  const backup::ManifestFile* file = nullptr;  // points into the manifest given to resolve
  DirRole role = DirRole::database;
  std::optional<WinPath> destination;  // full path of the copy; nullopt when pending
  DestinationSource source = DestinationSource::pending;
  std::optional<std::string> as_given;  // the DIT: the DC's text for `destination` when it reported it
};

struct Resolution {
  RoleDir database{DirRole::database, std::nullopt, DestinationSource::pending, std::nullopt};
  RoleDir logs{DirRole::logs, std::nullopt, DestinationSource::pending, std::nullopt};
  RoleDir checkpoint{DirRole::checkpoint, std::nullopt, DestinationSource::pending, std::nullopt};
  std::vector<FilePlacement> files;  // in manifest order
  // Every known destination directory, once each (case-insensitively), in the order
  // database, logs, checkpoint, then any further per-file original directory.
  std::vector<WinPath> directories;

  const RoleDir& dir_for(DirRole r) const;
  bool complete() const;  // nothing pending
};

// Resolves every destination. Fails (Code::failed) when the locations call failed and the
// policy is `fail`, when a role's directory cannot be known at all, when two files would
// land on the same path, or when a destination would overlap the backup source or contain
// the quarantine. The returned placements point into `manifest`, which must outlive them.
Result<Resolution> resolve_destinations(const backup::Manifest& manifest, const ReportedLocations& reported,
                                        const DestinationPolicy& policy);

// A destination override (spec.restore.destinations.<role>) that differs from the
// directory the DC reports for that role. The restore then relies on DsRestoreRegister to
// make AD DS use the new place: the restore map (rgrstmap) for the database, the log and
// checkpoint paths for the others (ntds-api.md 3.14, 6.3). Only the simulator models that;
// what a real DC does with it is unverified, so the preview, validate and the run say so,
// and system.verify-online checks the database AD DS uses after the restart.
struct OverrideDifference {
  DirRole role = DirRole::database;
  WinPath override_dir;
  WinPath reported_dir;
};
// The overrides of `policy` that differ (case-insensitively) from `reported`; a role the
// DC did not report is not compared.
std::vector<OverrideDifference> override_differences(const DestinationPolicy& policy,
                                                     const backup::Locations& reported);
// "spec.restore.destinations.database is E:\NTDS, but the DC reported C:\Windows\NTDS
// <when>: the restore relies on ...". `when` such as "at backup time" or "now".
std::string describe_override_difference(const OverrideDifference& d, const std::string& when);

// The arguments of DsRestoreRegister (ntds-api.md 3.14), from a complete resolution, as the
// texts the call gets. The DC hears its own paths back in the form it reported them (on a
// real DC the administrative-share UNC form, \\DC01\C$\Windows\NTDS; the local form is only
// for adrestore's file I/O). A directory the plan overrides is the plan's text, and one that
// fell back to where the files were backed up from is the manifest's (local) text: the DC
// gave no form for those. The restore map's source is the DIT's path as the manifest
// recorded it at backup time (local form: the database as the engine knows it); its target
// is the DC's text when the DC reported the DIT's location.
struct RegisterArgs {
  std::string checkpoint_dir;
  std::string log_dir;
  std::string backup_log_dir;                                    // where the restored logs are: the log directory
  std::vector<std::pair<std::string, std::string>> restore_map;  // DIT as backed up -> where it is restored
  std::uint32_t gen_low = 0;
  std::uint32_t gen_high = 0;
};
Result<RegisterArgs> register_args(const Resolution& resolution, const backup::Manifest& manifest);

// Where files.clear moves the files of `destination_dir` with existingFiles: quarantine:
// <quarantine>\<run-id>\<drive letter or UNC\server\share>\<dir segments>\ when the plan sets
// a quarantine root; else the sibling <destination>.adrestore-quarantine\<run-id>\ (same
// volume, so quarantining is a rename). A volume root has no sibling: that is an error that
// asks for spec.restore.quarantine. `run_id` must be a valid Windows file name.
Result<WinPath> quarantine_dir(const WinPath& destination_dir, const std::optional<WinPath>& quarantine_root,
                               const std::string& run_id);

// The files in one destination directory, as listed before files.clear.
struct DirListing {
  WinPath dir;
  std::vector<std::string> names;  // plain file names
};

struct ClearAction {
  WinPath file;
  std::optional<WinPath> quarantined_to;  // nullopt: deleted
};

// What files.clear does to the listed files, in listing order: listings of directories that
// are not destinations are ignored; a name that is not a plain Windows file name is an error.
Result<std::vector<ClearAction>> plan_clear(const Resolution& resolution, const DestinationPolicy& policy,
                                            const std::vector<DirListing>& existing, const std::string& run_id);

}  // namespace adrestore::placement
