#include "exec/restore_checks.h"

#include <algorithm>
#include <map>

#include "base/text.h"
#include "exec/file_copy.h"

namespace adrestore::exec {
namespace {

Status refuse(const std::string& msg) { return Status::error(Code::failed, msg); }

// Nothing but a file (or nothing) may stand where files.copy writes.
Status check_copy_target(host::Disks& disks, const WinPath& target) {
  if (const std::string why = check_windows_name(target.file_name()); !why.empty()) {
    return refuse(target.str() + " is not a name Windows can use (" + why + ")");
  }
  auto st = disks.stat(target);
  if (!st) return st.status();
  switch (st->type) {
    case platform::FileType::missing:
    case platform::FileType::regular:
      return Status::ok();
    case platform::FileType::directory:
      return refuse("a folder stands where the restored " + target.file_name() + " must go (" + target.str() +
                    "); files.clear leaves folders in place. Move it away by hand, then run again");
    case platform::FileType::symlink:
      return refuse(target.str() + " is a symbolic link or junction where a restored file must go; adrestore never "
                                   "writes through a link. Remove it by hand, then run again");
    case platform::FileType::other:
      break;
  }
  return refuse(target.str() + " is not a regular file (a device, pipe or socket); move it away by hand, then run again");
}

struct VolumeNeed {
  std::uint64_t need = 0;   // bytes still to be written
  std::uint64_t freed = 0;  // bytes files.clear deletes first
  std::vector<WinPath> dirs;
};

}  // namespace

Result<TargetChecks> check_restore_targets(host::Disks& disks, const placement::Resolution& resolution,
                                           const ClearOptions& clear, bool clear_pending) {
  TargetChecks out;
  std::map<std::string, VolumeNeed> volumes;  // by lower-case volume root
  auto volume = [&](const WinPath& p) -> VolumeNeed& { return volumes[to_lower_ascii(volume_of(p).str())]; };

  if (clear_pending) {
    auto plan = plan_clear(disks, resolution.directories, clear);
    if (!plan) return plan.status();
    out.warnings = plan->warnings;
    if (clear.action == ClearAction::remove) {
      for (const ClearMove& m : plan->moves) {
        auto st = disks.stat(m.from);
        if (st && st->type == platform::FileType::regular) volume(m.from).freed += st->size;
      }
    }
  }
  for (const WinPath& d : resolution.directories) volume(d).dirs.push_back(d);

  for (const placement::FilePlacement& f : resolution.files) {
    if (!f.destination) continue;
    const WinPath& target = *f.destination;
    if (Status s = check_copy_target(disks, target); !s) return s;
    // Before files.clear, a file there will be cleared; after it, a file there is this
    // restore's own, partly or wholly copied, and only the rest is still to be written.
    std::uint64_t have = 0;
    if (!clear_pending) {
      for (const WinPath& p : {target, partial_path(target)}) {
        auto st = disks.stat(p);
        if (st && st->type == platform::FileType::regular) have = std::max(have, st->size);
      }
    }
    if (f.file->size > have) volume(target).need += f.file->size - have;
  }

  for (const auto& [key, v] : volumes) {
    (void)key;
    if (v.need == 0) continue;
    for (const WinPath& d : v.dirs) {
      auto free = disks.free_bytes(d);
      if (!free) return free.status().with_context("cannot tell the free space for " + d.str());
      if (*free + v.freed >= v.need) continue;
      std::string have = format_bytes(*free);
      std::string need = format_bytes(v.need);
      if (have == need) {  // close: the exact counts tell them apart
        have += " (" + std::to_string(*free) + " bytes)";
        need += " (" + std::to_string(v.need) + " bytes)";
      }
      std::string msg = "the volume of " + d.str() + " has " + have + " free, but the restore still needs " + need +
                        " there";
      if (v.freed) msg += " (after " + format_bytes(v.freed) + " of existing files are deleted)";
      if (clear_pending && clear.action == ClearAction::quarantine) {
        msg += "; quarantined files stay on the volume. Free space there, or choose existingFiles: delete";
      } else {
        msg += ". Free space there";
      }
      return refuse(msg + ", then run again");
    }
  }
  return out;
}

}  // namespace adrestore::exec
