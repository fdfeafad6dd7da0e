// The read-only checks of restore.locations (step-graph.md step 8): everything files.clear
// and files.copy could refuse, looked at before DsRestoreRegister, so that no refusal that
// could have been known earlier happens after the registration (which would leave the DC
// registered with a failure and AD DS down). Nothing here changes anything.
//
// What is checked:
// - files.clear's own look (plan_clear): links and junctions, names Windows cannot use,
//   files another process holds open, the quarantine path and volume. Folders inside a
//   destination are left in place and come back as warnings.
// - every path files.copy will write: no folder, link or other non-file stands there, and
//   its name is one Windows can use;
// - free space: each destination volume has room for what is still to be copied. Files
//   that files.clear will delete count as room; quarantined files stay on the volume and
//   do not. The question is asked of every destination folder, against the whole volume's
//   need (the simulator may limit a folder's subtree; a real volume answers the same for
//   all its folders).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "exec/file_clear.h"
#include "placement/destinations.h"
#include "host/disks.h"

namespace adrestore::exec {

struct TargetChecks {
  std::vector<std::string> warnings;
};

// `clear_pending`: files.clear has not finished yet (so its look is repeated, and files now at
// the destinations will be cleared). Code::failed with a message for the operator when the
// restore must not register.
Result<TargetChecks> check_restore_targets(host::Disks& disks, const placement::Resolution& resolution,
                                           const ClearOptions& clear, bool clear_pending);

}  // namespace adrestore::exec
