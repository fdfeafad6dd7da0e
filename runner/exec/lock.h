// One runner per state directory. The lock is an OS file lock on <stateDir>/lock, taken
// through the FileSystem seam (FileSystem::open_locked: flock on POSIX, a handle that denies
// writers on Windows), which the operating system drops when the holding process ends,
// however it ends, so a crash never leaves a stale lock to edit by hand. Hooks and other
// children never inherit it.
//
// After taking the lock the holder writes who it is (pid, host, boot id, start time and a
// random nonce) into the file and syncs it, through the same seam; a refused runner reads it
// for its message. The holder record is the same JSON on every platform; boot_id is empty on
// Windows.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "platform/fs.h"

namespace adrestore::exec {

inline constexpr const char* k_lock_file_name = "lock";

struct LockHolder {
  std::int64_t pid = 0;
  std::string host;
  std::string boot_id;     // /proc/sys/kernel/random/boot_id; tells a reboot apart
  std::string started_at;  // RFC 3339 UTC
  std::string nonce;       // random, tells two runs with a recycled pid apart
};

// "pid 1234 on host dc01 since 2026-11-24T10:00:00Z (run 9f3c...)".
std::string describe(const LockHolder& h);

class StateLock {
 public:
  // Takes the lock of `state_dir` (which must exist) on `fs`. Another holder: Code::refused
  // with a message naming it. A lock file that is a link or not a regular file: Code::refused.
  static Result<std::unique_ptr<StateLock>> acquire(platform::FileSystem& fs, const std::string& state_dir);
  // Releases the lock (and blanks the holder record first, while still holding it).
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

  const LockHolder& holder() const { return m_holder; }

 private:
  StateLock(std::unique_ptr<platform::File> file, LockHolder holder);
  std::unique_ptr<platform::File> m_file;
  LockHolder m_holder;
};

// Who holds the lock now, without disturbing the holder (for `adrestore status`): nullopt
// when nobody does. A holder that has not written its record yet is reported with pid 0.
Result<std::optional<LockHolder>> probe_lock(const std::string& state_dir);

// The holder record as written into the lock file, and its parser (hostile input: capped,
// every field checked; nullopt when it is not a complete record).
std::string serialize_lock_holder(const LockHolder& h);
std::optional<LockHolder> parse_lock_holder(const std::string& text);
// 16 random hex digits for LockHolder::nonce.
std::string random_nonce();

// Per platform (lock_posix.cpp, lock_win32.cpp): this process as a holder (pid, host and,
// on Linux, boot id), and the record in a lock file as another process reads it (nullopt
// when it is unreadable or incomplete). Reads only.
LockHolder this_process_as_holder();
std::optional<LockHolder> read_holder_record(const std::string& lock_path);

}  // namespace adrestore::exec
