#include "exec/file_clear.h"

#include <set>

#include "base/text.h"

namespace adrestore::exec {
WinPath volume_of(WinPath p) {
  while (!p.segments().empty()) p = p.parent();
  return p;
}

namespace {

std::vector<WinPath> unique_dirs(const std::vector<WinPath>& dirs) {
  std::vector<WinPath> out;
  for (const WinPath& d : dirs) {
    bool seen = false;
    for (const WinPath& o : out) seen = seen || o.equals(d);
    if (!seen) out.push_back(d);
  }
  return out;
}

std::string key(const WinPath& p) { return to_lower_ascii(p.str()); }

Status refuse(const std::string& msg) { return Status::error(Code::failed, msg); }

// Every folder on the way to a quarantine folder must be a real folder or not exist yet: a link
// or junction there would carry the cleared files to wherever it points (onto another volume
// behind a mount point, say, where the rename fails halfway through a clear).
Status check_quarantine_path(host::Disks& disks, const WinPath& destination, const WinPath& qdir) {
  std::vector<WinPath> path{qdir};  // qdir, its parent, ... the volume's root
  while (!path.back().segments().empty()) path.push_back(path.back().parent());
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    auto st = disks.stat(*it);
    if (!st) return st.status();
    switch (st->type) {
      case platform::FileType::missing:
        return Status::ok();  // made later, as real folders
      case platform::FileType::directory:
        continue;
      case platform::FileType::symlink:
        return refuse("the quarantine for " + destination.str() + " would be reached through " + it->str() +
                      ", a symbolic link or junction; adrestore never moves files through a link. Choose a "
                      "spec.restore.quarantine reached through real folders only (or existingFiles: delete), then "
                      "resume");
      default:
        return refuse("the quarantine for " + destination.str() + " would be inside " + it->str() +
                      ", which is not a folder; move it away by hand, then resume");
    }
  }
  return Status::ok();
}

}  // namespace

Result<WinPath> quarantine_dir_for(const WinPath& destination, const std::vector<WinPath>& destinations,
                                   const ClearOptions& options) {
  if (options.run_id.empty() || !check_windows_name(options.run_id).empty()) {
    return Status::error(Code::internal, "the run id \"" + escape_for_terminal(options.run_id) +
                                             "\" cannot name a quarantine folder");
  }
  const std::string name = destination.file_name();
  if (name.empty()) {
    return refuse("the destination " + destination.str() +
                  " is the root of a volume; adrestore cannot quarantine a whole volume (use existingFiles: delete, or "
                  "a destination folder)");
  }
  if (!options.quarantine_root) {
    return destination.parent().child(name + ".adrestore-quarantine").child(options.run_id);
  }
  const WinPath& root = *options.quarantine_root;
  if (!volume_of(root).equals(volume_of(destination))) {
    return refuse("the quarantine " + root.str() + " is on another volume than the destination " + destination.str() +
                  "; quarantining is a rename, which cannot cross volumes. Choose a quarantine on " +
                  volume_of(destination).str() + " (or leave spec.restore.quarantine unset)");
  }
  // Destinations that share a folder name get "-2", "-3"... in the order given.
  int same = 0;
  for (const WinPath& d : unique_dirs(destinations)) {
    if (iequals(d.file_name(), name)) ++same;
    if (d.equals(destination)) break;
  }
  const std::string folder = same > 1 ? name + "-" + std::to_string(same) : name;
  return root.child(options.run_id).child(folder);
}

Result<ClearPlan> plan_clear(host::Disks& disks, const std::vector<WinPath>& destinations, const ClearOptions& options) {
  const std::vector<WinPath> dirs = unique_dirs(destinations);
  const bool quarantine = options.action == ClearAction::quarantine;
  std::set<std::string> journaled;
  for (const FileCleared& c : options.already_cleared) journaled.insert(to_lower_ascii(c.file));

  // Folders that may sit inside a destination without being cleared: the other
  // destinations, and the default quarantine folders beside them.
  std::vector<WinPath> qdirs;
  std::vector<WinPath> keep = dirs;
  for (const WinPath& d : dirs) {
    if (!quarantine) break;
    auto q = quarantine_dir_for(d, dirs, options);
    if (!q) return q.status();
    if (Status s = check_quarantine_path(disks, d, *q); !s) return s;
    qdirs.push_back(*q);
    if (!options.quarantine_root) keep.push_back(q->parent());
  }
  auto kept = [&keep](const WinPath& p) {
    for (const WinPath& k : keep) {
      if (k.equals(p)) return true;
    }
    return false;
  };

  ClearPlan plan;
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    const WinPath& dir = dirs[i];
    auto st = disks.stat(dir);
    if (!st) return st.status();
    if (st->type == platform::FileType::missing) continue;
    if (st->type == platform::FileType::symlink) {
      return refuse(dir.str() + " is a symbolic link or junction; adrestore never follows links. Replace it with a "
                                "real folder by hand, then resume");
    }
    if (st->type != platform::FileType::directory) {
      return refuse("the destination " + dir.str() + " is not a folder; move it away by hand, then resume");
    }
    auto names = disks.list(dir);
    if (!names) return names.status();
    std::set<std::string> present;
    for (const std::string& name : *names) {
      if (const std::string why = check_windows_name(name); !why.empty()) {
        return refuse(dir.str() + " holds an entry whose name Windows cannot use (\"" + escape_for_terminal(name) +
                      "\": " + why + "); move it away by hand, then resume");
      }
      const WinPath p = dir.child(name);
      present.insert(key(p));
      if (kept(p)) continue;
      auto info = disks.stat(p);
      if (!info) return info.status();
      switch (info->type) {
        case platform::FileType::regular:
          break;
        case platform::FileType::symlink:
          return refuse(p.str() + " is a symbolic link; adrestore never follows links. Remove it or move it away by "
                                  "hand, then resume");
        case platform::FileType::directory:
          plan.warnings.push_back(p.str() + " is a folder; files.clear leaves it in place (it clears only the files "
                                            "directly inside a destination folder and never deletes folders)");
          continue;
        case platform::FileType::missing:
          continue;  // gone between the listing and the look
        case platform::FileType::other:
          return refuse(p.str() + " is not a regular file (a device, pipe or socket); move it away by hand, then "
                                  "resume");
      }
      if (Status s = disks.check_movable(p); !s) {
        return refuse(p.str() + " cannot be " + (quarantine ? "quarantined" : "deleted") + ": " + s.message() +
                      ". Stop whatever holds it (an antivirus or backup agent), then run again");
      }
      ClearMove m{p, std::nullopt, dir};
      if (quarantine) {
        m.to = qdirs[i].child(name);
        auto t = disks.stat(*m.to);
        if (!t) return t.status();
        if (t->type != platform::FileType::missing) {
          return refuse(p.str() + " cannot be quarantined: " + m.to->str() +
                        " already exists and adrestore never overwrites. Move one of them away by hand, then resume");
        }
      }
      plan.moves.push_back(std::move(m));
    }
    if (!quarantine) continue;
    // A file moved just before a crash, ahead of its record: it is in the quarantine only.
    auto qst = disks.stat(qdirs[i]);
    if (!qst) return qst.status();
    if (qst->type != platform::FileType::directory) continue;
    auto qnames = disks.list(qdirs[i]);
    if (!qnames) return qnames.status();
    for (const std::string& name : *qnames) {
      const WinPath from = dir.child(name);
      if (journaled.count(key(from)) || present.count(key(from))) continue;
      auto info = disks.stat(qdirs[i].child(name));
      if (!info) return info.status();
      if (info->type != platform::FileType::regular) continue;
      plan.recovered.push_back(FileCleared{from.str(), ClearAction::quarantine, qdirs[i].child(name).str()});
    }
  }

  return plan;
}

Result<ClearReport> clear_destinations(host::Disks& disks, const std::vector<WinPath>& destinations,
                                       const ClearOptions& options,
                                       const std::function<Status(const FileCleared& record)>& on_cleared) {
  auto plan = plan_clear(disks, destinations, options);
  if (!plan) return plan.status();
  // Phase 2: act, one durable record per file.
  ClearReport report;
  for (const FileCleared& r : plan->recovered) {
    if (Status s = on_cleared(r); !s) return s;
    ++report.recovered;
  }
  std::set<std::string> created;
  for (const ClearMove& m : plan->moves) {
    if (options.cancel && options.cancel->load()) {
      return Status::error(Code::interrupted, "files.clear stopped at a safe point before " + m.from.str() +
                                                  "; resume continues there");
    }
    if (m.to) {
      const WinPath qdir = m.to->parent();
      if (!created.count(key(qdir))) {
        if (Status s = disks.create_dirs(qdir); !s) return s.with_context("cannot create the quarantine " + qdir.str());
        created.insert(key(qdir));
      }
      if (Status s = disks.rename(m.from, *m.to); !s) {
        return Status::error(s.code(), "cannot quarantine " + m.from.str() + " to " + m.to->str() + ": " + s.message());
      }
    } else {
      Status s = disks.remove(m.from);
      if (s) s = disks.sync_dir(m.dir);
      if (!s) return Status::error(s.code(), "cannot delete " + m.from.str() + ": " + s.message());
    }
    FileCleared record{m.from.str(), options.action, m.to ? m.to->str() : std::string()};
    if (Status s = on_cleared(record); !s) return s;
    ++report.cleared;
  }
  return report;
}

}  // namespace adrestore::exec
