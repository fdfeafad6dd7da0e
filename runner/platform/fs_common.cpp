// The parts of platform/fs.h built on the FileSystem seam, shared by fs_posix.cpp and
// fs_win32.cpp: the durable compositions, and the free functions that use system_fs().
#include <random>

#include "platform/fs.h"

#include <random>

namespace adrestore::platform {

Result<std::string> read_file(FileSystem& fs, const std::string& path, std::size_t max_bytes) {
  auto f = fs.open(path, File::Mode::read);
  if (!f) return f.status();
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = (*f)->read(buf, sizeof buf);
    if (!n) return n.status();
    if (*n == 0) break;
    if (out.size() + *n > max_bytes) {
      return Status::error(Code::invalid_input, path + " is larger than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, *n);
  }
  return out;
}

Status write_file_durable(FileSystem& fs, const std::string& path, const std::string& data) {
  // On any failure the temporary file is removed best-effort: the error that counts is the
  // write's or the rename's, and a leftover .tmp-N file is harmless.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::string tmp = path + ".tmp-" + std::to_string(rng() % 1000000000ULL);
  {
    auto f = fs.open(tmp, File::Mode::write_new);
    if (!f) return f.status();
    Status s = (*f)->write_all(data.data(), data.size());
    if (s) s = (*f)->sync();
    if (s) s = (*f)->close();
    if (!s) {
      f->reset();
      (void)fs.remove(tmp);
      return s;
    }
  }
  if (Status s = fs.rename(tmp, path); !s) {
    (void)fs.remove(tmp);
    return s;
  }
  return fs.sync_dir(parent_dir(path));
}

Status rename_durable(FileSystem& fs, const std::string& from, const std::string& to) {
  if (Status s = fs.rename(from, to); !s) return s;
  Status s = fs.sync_dir(parent_dir(to));
  if (s && parent_dir(from) != parent_dir(to)) s = fs.sync_dir(parent_dir(from));
  return s;
}

Status create_dirs(FileSystem& fs, const std::string& path) {
  if (path.empty()) return Status::ok();
  auto info = fs.stat(path);
  if (!info) return info.status();
  if (info->type == FileType::directory) return Status::ok();
  if (info->type != FileType::missing) return Status::error(Code::io, path + " exists and is not a directory");
  const std::string parent = parent_dir(path);
  if (!parent.empty() && parent != path) {
    Status s = create_dirs(fs, parent);
    if (!s) return s;
  }
  if (Status s = fs.make_dir(path); !s) return s;
  return fs.sync_dir(parent.empty() ? "." : parent);
}

Result<std::unique_ptr<File>> File::open(const std::string& path, Mode mode) { return system_fs().open(path, mode); }
Result<FileInfo> stat_nofollow(const std::string& path) { return system_fs().stat(path); }
Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  return read_file(system_fs(), path, max_bytes);
}
Status write_file_durable(const std::string& path, const std::string& data) {
  return write_file_durable(system_fs(), path, data);
}
Status rename_durable(const std::string& from, const std::string& to) { return rename_durable(system_fs(), from, to); }
Status sync_dir(const std::string& dir) { return system_fs().sync_dir(dir); }
Status create_dirs(const std::string& path) { return create_dirs(system_fs(), path); }
Status remove_file(const std::string& path) { return system_fs().remove(path); }
Result<std::vector<std::string>> list_dir(const std::string& path) { return system_fs().list(path); }
Result<std::uint64_t> free_bytes(const std::string& path) { return system_fs().free_bytes(path); }
Status check_movable(const std::string& path) { return system_fs().check_movable(path); }

}  // namespace adrestore::platform
