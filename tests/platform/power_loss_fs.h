// A platform::FileSystem for tests that can lose power (leveldb's FaultInjectionTestEnv,
// SQLite's crash-test VFS). It wraps a real FileSystem and passes every effect through, while
// it records what is not yet durable. power_cut() then leaves the disk as a power loss may:
//
//  - file data written since the file's last sync() is lost (Mode::lose), or written in part:
//    the unsynced writes but the last persist, the last is torn at a 512-byte sector boundary
//    (Mode::torn);
//  - an entry created, renamed or removed in a directory since that directory's last
//    sync_dir() is undone: a new file is gone, a renamed one is back under its old name, a
//    removed or replaced one is back with its durable content (ALICE's rules for ext4 and
//    friends: a file's fsync does not make its name durable). A rename between two
//    directories is atomic: a sync of either one makes it durable in both.
//
// It models one disk under `root`; paths elsewhere pass through untracked, and so do paths
// for which `untracked` says so (a simulator's evidence log that stands for an outside
// observer). It does not model reordering between syncs other than the above, lost
// fsync()s that claimed success, nor anything a child process writes.
//
// A cut is armed with cut_at_sync(n) (the n-th sync point, a file's sync() or a sync_dir(),
// does not happen) or cut_at_write(part, offset) (a write to a file whose path contains
// `part` that would reach `offset` writes up to it and then the power goes). From the cut on,
// every call fails, as it would for a process on a machine that has gone dark; power_cut()
// then rewrites the disk and powers it up again (files opened before stay dead).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "platform/fs.h"

namespace adrestore::testing {

class PowerLossFs : public platform::FileSystem {
 public:
  enum class Mode { lose, torn };
  static constexpr std::uint64_t k_sector = 512;

  PowerLossFs(platform::FileSystem& inner, std::string root);

  // Paths (under root) whose effects are durable at once and never undone.
  std::function<bool(const std::string& path)> untracked;
  // Whether sync() and sync_dir() also reach the real disk. A sweep that simulates every
  // power loss itself turns them off: fsync costs milliseconds on a real disk.
  bool pass_syncs = true;

  void cut_at_sync(std::uint64_t n);
  void cut_at_write(std::string path_part, std::uint64_t offset);
  bool dead() const;
  // Sync points seen so far (also while no cut is armed), and what each one synced ("file
  // PATH" or "dir PATH"), in order.
  std::uint64_t sync_count() const;
  std::vector<std::string> sync_log() const;
  // Rewrites the disk to a state a power loss may leave, forgets every pending effect, and
  // lets calls succeed again. Fine without an armed or fired cut (a cut at this instant).
  Status power_cut(Mode mode);

  Result<std::unique_ptr<platform::File>> open(const std::string& path, platform::File::Mode mode) override;
  Result<platform::FileInfo> stat(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status sync_dir(const std::string& dir) override;
  Status make_dir(const std::string& path) override;
  Status remove(const std::string& path) override;
  Result<std::uint64_t> free_bytes(const std::string& path) override;
  Status check_movable(const std::string& path) override;
  Result<std::unique_ptr<platform::File>> open_locked(const std::string& path) override;

 private:
  class TrackedFile;
  struct Write {
    std::uint64_t offset = 0;
    std::string bytes;
    std::optional<std::uint64_t> truncate_to;  // a truncate instead of a write
  };
  struct Inode {
    bool directory = false;
    std::optional<std::string> durable;  // content at the last sync; none: as on disk now
    std::vector<Write> pending;          // since the last sync
  };
  using Entries = std::map<std::string, int>;  // name -> inode

  // open()'s and open_locked()'s tracking around the inner file system's open; `opener`
  // opens the inner file (null: a lock held elsewhere, passed on).
  Result<std::unique_ptr<platform::File>> open_tracked(
      const std::string& path, bool truncates, const std::function<Result<std::unique_ptr<platform::File>>()>& opener);
  std::string norm(const std::string& path) const;
  bool tracked(const std::string& path) const;
  Status gone() const;
  int inode_at(const std::string& path);  // the inode of an existing entry (created on first sight)
  void keep_content(int inode, const std::string& path);  // before a change to a clean file
  std::string live_path_of(int inode, const std::string& fallback) const;
  void touch_dir(const std::string& dir);  // before an entry of `dir` changes
  Status sync_point(const std::string& what);
  void commit_renames(const std::string& dir);  // at a sync of `dir`
  // Called by TrackedFile, with the file's inode; false once the power is gone.
  Status file_write(int inode, int generation, const std::string& path, std::uint64_t off, const char* p,
                    std::size_t n, platform::File& inner);
  Status file_truncate(int inode, int generation, std::uint64_t size, platform::File& inner);
  Status file_sync(int inode, int generation, const std::string& path, platform::File& inner);
  Status file_alive(int generation) const;
  std::string crash_content(int inode, const std::string& live_path, Mode mode);

  platform::FileSystem& m_inner;
  std::string m_root;
  mutable std::mutex m_mu;
  std::map<std::string, int> m_paths;  // live path -> inode
  std::map<int, Inode> m_inodes;
  std::map<std::string, Entries> m_dirty_dirs;  // dir -> its durable entries
  int m_next_inode = 1;
  int m_generation = 0;  // bumped by power_cut(): older files are dead
  bool m_dead = false;
  std::optional<std::uint64_t> m_cut_sync;
  std::string m_cut_part;
  std::optional<std::uint64_t> m_cut_offset;
  std::uint64_t m_syncs = 0;
  std::vector<std::string> m_sync_log;
};

}  // namespace adrestore::testing
