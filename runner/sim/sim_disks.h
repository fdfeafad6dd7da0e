// Disks of a simulated world: E:\NTDS\ntds.dit is <world>/fs/E/NTDS/ntds.dit and
// \\srv\share\x is <world>/fs/UNC/srv/share/x, looked up case-insensitively. The file-system
// seam sits under Disks: every effect goes to the platform::FileSystem given here, so a test
// can hand the simulated DC a file system that loses power.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "host/disks.h"

namespace adrestore::sim {

class SimDisks : public host::Disks {
 public:
  explicit SimDisks(std::string world_dir, platform::FileSystem& fs = platform::system_fs());

  // Write fault hook: called before each write with the Windows path and the byte count;
  // a failed Status fails the write (the simulator's diskFull fault uses it).
  using WriteGate = std::function<Status(const WinPath& path, std::uint64_t bytes)>;
  void set_write_gate(WriteGate gate) { m_gate = std::move(gate); }
  // The world's read-only facts: bytes left under a path (its visible diskFull faults), and
  // whether another process holds a file open (its locked faults; moving or deleting such a
  // file fails too).
  using SpaceLimit = std::function<std::optional<std::uint64_t>(const WinPath& dir)>;
  using LockCheck = std::function<Status(const WinPath& file)>;
  void set_space_limit(SpaceLimit f) { m_space_limit = std::move(f); }
  void set_lock_check(LockCheck f) { m_lock_check = std::move(f); }

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

  const std::string& world_dir() const { return m_world; }
  platform::FileSystem& fs() const { return m_fs; }

 private:
  Status check_lock(const WinPath& file) const;  // the locked faults, when set

  std::string m_world;
  platform::FileSystem& m_fs;
  WriteGate m_gate;
  SpaceLimit m_space_limit;
  LockCheck m_lock_check;
};

}  // namespace adrestore::sim
