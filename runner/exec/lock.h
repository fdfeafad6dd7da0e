// One runner per state directory. The lock is an OS file lock on <stateDir>/lock that the
// operating system drops when the holding process ends, however it ends, so a crash never
// leaves a stale lock to edit by hand.
//
// POSIX (lock_posix.cpp): flock(LOCK_EX | LOCK_NB) on an O_CLOEXEC descriptor, so hooks
// and other children never inherit the lock. flock belongs to the open file description:
// a second open of the same file, even in the same process, is refused. (flock on NFS is
// emulated with POSIX locks on Linux; keep state directories on local disks.)
//
// Windows (lock_win32.cpp, written by the Windows helper): CreateFileW(<stateDir>\lock,
// GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ (deny write and delete), OPEN_ALWAYS,
// FILE_ATTRIBUTE_NORMAL, no inheritance); a second opener gets ERROR_SHARING_VIOLATION,
// which maps to Code::refused with the holder read from the file. Windows closes the
// handle, and so releases the lock, when the process dies. The holder record is the same
// JSON as on POSIX; boot_id is empty there (or the LastBootUpTime, if the helper wants).
//
// After taking the lock the holder writes who it is (pid, host, boot id, start time and a
// random nonce) into the file and flushes it; a refused runner reads it for its message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"

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
  // Takes the lock of `state_dir` (which must exist). Another holder: Code::refused with a
  // message naming it. A lock file that is a link or not a regular file: Code::refused.
  static Result<std::unique_ptr<StateLock>> acquire(const std::string& state_dir);
  // Releases the lock (and blanks the holder record first, while still holding it).
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

  const LockHolder& holder() const { return m_holder; }

 private:
  struct Impl;
  StateLock(std::unique_ptr<Impl> impl, LockHolder holder);
  std::unique_ptr<Impl> m_impl;
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

}  // namespace adrestore::exec
