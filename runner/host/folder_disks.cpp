#include "host/folder_disks.h"

namespace adrestore::host {
namespace {

Status read_only(const WinPath& p) {
  return Status::error(Code::refused, "cannot change " + p.str() + ": the folder is opened read-only");
}

}  // namespace

FolderDisks::FolderDisks(std::string dir, WinPath root, platform::FileSystem& fs)
    : m_dir(std::move(dir)), m_root(std::move(root)), m_fs(fs) {}

Result<std::string> FolderDisks::host_path(const WinPath& p) {
  if (!p.equals_or_inside(m_root)) {
    return Status::error(Code::not_found, p.str() + " is outside the folder " + m_dir);
  }
  std::string out = m_dir;
  const auto& segs = p.segments();
  for (std::size_t i = m_root.segments().size(); i < segs.size(); ++i) out = platform::join_path(out, segs[i]);
  return out;
}

Result<platform::FileInfo> FolderDisks::stat(const WinPath& p) {
  auto hp = host_path(p);
  if (!hp) return hp.status();
  return m_fs.stat(*hp);
}

Result<std::vector<std::string>> FolderDisks::list(const WinPath& dir) {
  auto hp = host_path(dir);
  if (!hp) return hp.status();
  return m_fs.list(*hp);
}

Result<std::unique_ptr<platform::File>> FolderDisks::open(const WinPath& p, platform::File::Mode mode) {
  if (mode != platform::File::Mode::read) return read_only(p);
  auto hp = host_path(p);
  if (!hp) return hp.status();
  return m_fs.open(*hp, mode);
}

Status FolderDisks::rename(const WinPath& from, const WinPath&) { return read_only(from); }
Status FolderDisks::remove(const WinPath& p) { return read_only(p); }
Status FolderDisks::create_dirs(const WinPath& dir) { return read_only(dir); }
Status FolderDisks::sync_dir(const WinPath& dir) { return read_only(dir); }
Status FolderDisks::check_movable(const WinPath& file) { return read_only(file); }

Result<std::uint64_t> FolderDisks::free_bytes(const WinPath& dir) {
  auto hp = host_path(dir);
  if (!hp) return hp.status();
  return m_fs.free_bytes(*hp);
}

}  // namespace adrestore::host
