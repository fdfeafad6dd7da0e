// A plain folder of this machine seen through Disks, for `adrestore verify` of a backup set on
// a share mounted where there is no simulated world and no drive letter (a Linux CI runner,
// say): the Windows path `root` is the folder `dir`, and the names below it are the same.
// Read-only: verifying never changes the set, so every call that would is refused.
#pragma once

#include <string>

#include "host/disks.h"

namespace adrestore::host {

class FolderDisks : public Disks {
 public:
  FolderDisks(std::string dir, WinPath root, platform::FileSystem& fs = platform::system_fs());

  const WinPath& root() const { return m_root; }

  Result<std::string> host_path(const WinPath& p) override;
  Result<platform::FileInfo> stat(const WinPath& p) override;
  Result<std::vector<std::string>> list(const WinPath& dir) override;
  Result<std::unique_ptr<platform::File>> open(const WinPath& p, platform::File::Mode mode) override;
  Status rename(const WinPath& from, const WinPath& to) override;
  Status remove(const WinPath& p) override;
  Status create_dirs(const WinPath& dir) override;
  Status sync_dir(const WinPath& dir) override;
  Status check_movable(const WinPath& file) override;
  Result<std::uint64_t> free_bytes(const WinPath& dir) override;

 private:
  std::string m_dir;
  WinPath m_root;
  platform::FileSystem& m_fs;
};

}  // namespace adrestore::host
