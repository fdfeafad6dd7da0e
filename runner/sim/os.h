// The two operating-system facts the simulator needs that platform/ does not offer: which
// process this is (so a context dies with the process that opened it) and an exclusive lock
// on the world (so processes sharing a world see each other's calls in order).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace adrestore::sim {

// A process, told apart from a later process that reuses its id: `nonce` names this
// particular run of the process (boot id and start time on Linux, creation time on Windows).
struct ProcessIdentity {
  std::int64_t pid = 0;
  std::string nonce;
};

// The calling process (recomputed after fork).
ProcessIdentity current_process();

// True when that very process is still running. A process whose start could not be read is
// judged by its id alone.
bool process_alive(const ProcessIdentity& p);

// An exclusive lock on a file, held until destroyed. Locks are per open file, so two
// objects in one process exclude each other too; never nest them.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> acquire(const std::string& path);
  virtual ~FileLock() = default;
};

}  // namespace adrestore::sim
