// The DC's file system as a restore sees it, addressed by Windows paths. The win32
// implementation is the real volumes (with the \\?\ prefix added internally); the sim
// implementation is a world's fs/ folder with Windows' case-insensitive lookup and the
// world's disk faults. The executor, backup.verify and the backup command use only this.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"
#include "platform/fs.h"

namespace adrestore::host {

class Disks {
 public:
  virtual ~Disks() = default;
  // The host path behind a Windows path (for messages and logs; existing components are
  // matched case-insensitively, missing ones are spelt as given).
  virtual Result<std::string> host_path(const WinPath& p) = 0;
  virtual Result<platform::FileInfo> stat(const WinPath& p) = 0;  // never follows links
  virtual Result<std::vector<std::string>> list(const WinPath& dir) = 0;
  virtual Result<std::unique_ptr<platform::File>> open(const WinPath& p, platform::File::Mode mode) = 0;
  virtual Status rename(const WinPath& from, const WinPath& to) = 0;  // durable (directories synced)
  virtual Status remove(const WinPath& p) = 0;                       // a file, never a tree
  virtual Status create_dirs(const WinPath& dir) = 0;
  virtual Status sync_dir(const WinPath& dir) = 0;
  // Read-only questions that restore.locations asks before DsRestoreRegister:
  // Whether the file could be moved or deleted now. Windows opens it for DELETE with no
  // sharing and closes it again, so a file another process holds open (an antivirus, a
  // backup agent) fails; elsewhere, whether it can be opened for reading.
  virtual Status check_movable(const WinPath& file) = 0;
  // The bytes this process may still write on the volume that holds `dir` (asked of `dir`
  // or of its nearest existing ancestor).
  virtual Result<std::uint64_t> free_bytes(const WinPath& dir) = 0;
};

}  // namespace adrestore::host
