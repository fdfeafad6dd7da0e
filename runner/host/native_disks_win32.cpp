// host::Disks on the machine's own volumes (win32_host.h): a Windows path is the host path,
// and platform/fs_win32.cpp does the rest (\\?\ long paths, reparse points never followed,
// FlushFileBuffers and MOVEFILE_WRITE_THROUGH for durability).
#include "host/win32_host.h"

namespace adrestore::host {
namespace {

class NativeDisks : public Disks {
 public:
  Result<std::string> host_path(const WinPath& p) override { return p.str(); }
  Result<platform::FileInfo> stat(const WinPath& p) override { return platform::stat_nofollow(p.str()); }
  Result<std::vector<std::string>> list(const WinPath& dir) override { return platform::list_dir(dir.str()); }
  Result<std::unique_ptr<platform::File>> open(const WinPath& p, platform::File::Mode mode) override {
    return platform::File::open(p.str(), mode);
  }
  Status rename(const WinPath& from, const WinPath& to) override { return platform::rename_durable(from.str(), to.str()); }
  Status remove(const WinPath& p) override { return platform::remove_file(p.str()); }
  Status create_dirs(const WinPath& dir) override { return platform::create_dirs(dir.str()); }
  Status sync_dir(const WinPath& dir) override { return platform::sync_dir(dir.str()); }
  Status check_movable(const WinPath& file) override { return platform::check_movable(file.str()); }
  Result<std::uint64_t> free_bytes(const WinPath& dir) override { return platform::free_bytes(existing_ancestor(dir)); }

 private:
  // GetDiskFreeSpaceExW needs an existing folder; a destination may not exist yet.
  static std::string existing_ancestor(WinPath dir) {
    while (!dir.segments().empty()) {
      auto st = platform::stat_nofollow(dir.str());
      if (st && st->type == platform::FileType::directory) break;
      dir = dir.parent();
    }
    return dir.str();
  }
};

}  // namespace

std::unique_ptr<Disks> make_native_disks() { return std::make_unique<NativeDisks>(); }

}  // namespace adrestore::host
