// files.clear (step-graph.md step 10): empties the destination directories before the copy,
// deleting or quarantining (moving, on the same volume) every file directly inside them.
//
// Safety rules: everything is checked before anything is touched, by plan_clear(), which
// changes nothing and runs again in restore.locations, before DsRestoreRegister, so that a
// refusal is never first found after the registration. A symbolic link, a junction or any
// other non-regular entry refuses the whole step with a message naming it; links are never
// followed. A folder inside a destination (other than another destination or adrestore's
// own quarantine) is left in place with a warning: the documented procedure deletes the
// files in each destination directory, and a folder there is not part of the database. Each file is reported through on_cleared(), which must make the record durable
// before it returns; a failing callback stops the step. The step is resumable: files cleared
// before a crash are gone from the destination, and a quarantined file whose record was lost
// in the crash is found in the quarantine and reported again.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"
#include "exec/journal_records.h"
#include "host/disks.h"

namespace adrestore::exec {

struct ClearOptions {
  ClearAction action = ClearAction::quarantine;
  // spec.restore.quarantine: files go to <root>\<run-id>\<destination folder name>\. Unset:
  // to <destination>.adrestore-quarantine\<run-id>\ beside each destination.
  std::optional<WinPath> quarantine_root;
  std::string run_id;
  // The file-cleared records already in the journal (resume).
  std::vector<FileCleared> already_cleared;
  // Checked between files: when set, the step stops there with Code::interrupted.
  const std::atomic<bool>* cancel = nullptr;
};

// One file files.clear will delete or quarantine.
struct ClearMove {
  WinPath from;
  std::optional<WinPath> to;  // the quarantine path; nullopt: deleted
  WinPath dir;                // the destination it is in
};

// What files.clear would do, found without changing anything.
struct ClearPlan {
  std::vector<ClearMove> moves;
  std::vector<FileCleared> recovered;  // quarantined before a crash, to be journaled again
  std::vector<std::string> warnings;   // folders left in place
};

struct ClearReport {
  std::size_t cleared = 0;    // files deleted or moved by this call
  std::size_t recovered = 0;  // quarantined before a crash, reported again now
};

// The root of the volume that holds `p` (C:\ or \\server\share): a rename stays within it.
WinPath volume_of(WinPath p);

// Where the files of `destination` go when quarantined (see ClearOptions::quarantine_root).
// `destinations` is the whole ordered list: folders with the same name get -2, -3 suffixes.
Result<WinPath> quarantine_dir_for(const WinPath& destination, const std::vector<WinPath>& destinations,
                                   const ClearOptions& options);

// Looks at every destination and quarantine path and says what clearing would do, or why it
// must not start (Code::failed with a message for the operator). Read-only: every file to be
// moved is only asked whether it could be (host::Disks::check_movable).
Result<ClearPlan> plan_clear(host::Disks& disks, const std::vector<WinPath>& destinations, const ClearOptions& options);

// Clears the destination directories (duplicates are cleared once; a missing one is empty):
// plan_clear(), then one durable record per file.
Result<ClearReport> clear_destinations(host::Disks& disks, const std::vector<WinPath>& destinations,
                                       const ClearOptions& options,
                                       const std::function<Status(const FileCleared& record)>& on_cleared);

}  // namespace adrestore::exec
