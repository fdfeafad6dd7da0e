#include "host/overlay_disks.h"

namespace adrestore::host {

OverlayDisks::OverlayDisks(Disks& base, WinPath root, Disks& overlay)
    : m_base(base), m_root(std::move(root)), m_overlay(overlay) {}

Result<std::string> OverlayDisks::host_path(const WinPath& p) { return at(p).host_path(p); }
Result<platform::FileInfo> OverlayDisks::stat(const WinPath& p) { return at(p).stat(p); }
Result<std::vector<std::string>> OverlayDisks::list(const WinPath& dir) { return at(dir).list(dir); }
Result<std::unique_ptr<platform::File>> OverlayDisks::open(const WinPath& p, platform::File::Mode mode) {
  return at(p).open(p, mode);
}

Status OverlayDisks::rename(const WinPath& from, const WinPath& to) {
  Disks& d = at(from);
  if (&d != &at(to)) {
    return Status::error(Code::failed, "cannot move " + from.str() + " to " + to.str() + ": they are on different disks");
  }
  return d.rename(from, to);
}

Status OverlayDisks::remove(const WinPath& p) { return at(p).remove(p); }
Status OverlayDisks::create_dirs(const WinPath& dir) { return at(dir).create_dirs(dir); }
Status OverlayDisks::sync_dir(const WinPath& dir) { return at(dir).sync_dir(dir); }
Status OverlayDisks::check_movable(const WinPath& file) { return at(file).check_movable(file); }
Result<std::uint64_t> OverlayDisks::free_bytes(const WinPath& dir) { return at(dir).free_bytes(dir); }

}  // namespace adrestore::host
