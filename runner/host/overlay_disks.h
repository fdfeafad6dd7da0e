// Disks with one folder served from elsewhere: every path equal to or inside `root` goes to
// `overlay`, every other path to `base`. `adrestore drill` serves the plan's backup source
// this way from the real backup set (a read-only FolderDisks), while the restore writes into
// a simulated DC's disks in the scratch folder; nothing is copied twice.
#pragma once

#include "host/disks.h"

namespace adrestore::host {

class OverlayDisks : public Disks {
 public:
  // Both must outlive this object.
  OverlayDisks(Disks& base, WinPath root, Disks& overlay);

  Result<std::string> host_path(const WinPath& p) override;
  Result<platform::FileInfo> stat(const WinPath& p) override;
  Result<std::vector<std::string>> list(const WinPath& dir) override;
  Result<std::unique_ptr<platform::File>> open(const WinPath& p, platform::File::Mode mode) override;
  Status rename(const WinPath& from, const WinPath& to) override;  // refused across the two
  Status remove(const WinPath& p) override;
  Status create_dirs(const WinPath& dir) override;
  Status sync_dir(const WinPath& dir) override;
  Status check_movable(const WinPath& file) override;
  Result<std::uint64_t> free_bytes(const WinPath& dir) override;

 private:
  Disks& at(const WinPath& p) { return p.equals_or_inside(m_root) ? m_overlay : m_base; }
  Disks& m_base;
  WinPath m_root;
  Disks& m_overlay;
};

}  // namespace adrestore::host
