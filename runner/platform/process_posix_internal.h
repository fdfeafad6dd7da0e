// Private to process_posix.cpp and process_shepherd_posix.cpp.
//
// run_process() forks a small supervisor, the shepherd, which forks and execs the program and
// stays with it until the program's whole tree is gone:
//
//   runner ──fork──► shepherd (same process group as the runner; on Linux a child sub-reaper)
//                       └─fork+exec──► program (new session and process group, pgid = its pid)
//                                          └─ children, grandchildren, ...
//
// Because the shepherd is a sub-reaper, every descendant that is orphaned (its parent died, or
// it double-forked and called setsid to leave the process group) is re-parented to the shepherd
// rather than to init, so the shepherd can find it (it is its child) and kill it. The shepherd
// ends only when it has no child left and the program's process group is empty.
//
// The runner talks to the shepherd over two channels:
//   status  (pipe, shepherd -> runner): fixed-size Msg records, each written atomically;
//           end-of-file means the shepherd has exited, which means the tree is gone.
//   control (socket pair, runner -> shepherd): k_ctl_stop asks for SIGTERM, grace, SIGKILL of the
//           whole tree; end-of-file (the runner died) means SIGKILL the whole tree now.
//
// Everything the shepherd and the program's child side run between fork and exec is
// async-signal-safe (raw system calls only, no allocation): the runner may have other threads.
#pragma once

#include <cstdint>

namespace adrestore::platform::posix_detail {

enum class MsgKind : std::int32_t {
  started = 1,       // a = the program's pid (also its process group and session id)
  spawn_failed = 2,  // a = SpawnStage, b = errno
  exited = 3,        // a = the program's wait status
  strays = 4,        // the shepherd gave up waiting for some process of the tree to go
};

enum class SpawnStage : std::int32_t { setup = 1, fork = 2, chdir = 3, exec = 4 };

struct Msg {
  std::int32_t kind = 0;
  std::int32_t a = 0;
  std::int32_t b = 0;
};

constexpr char k_ctl_stop = 'T';

struct ShepherdArgs {
  int devnull = -1;     // becomes the program's stdin
  int out_w = -1;       // becomes the program's stdout
  int err_w = -1;       // becomes the program's stderr
  int status_w = -1;
  int control_r = -1;
  const char* program = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* working_dir = nullptr;  // null: stay where the runner is
  std::int64_t grace_ms = 500;        // SIGTERM to SIGKILL
  std::int64_t give_up_ms = 5000;     // after SIGKILL, how long to wait for the tree to vanish
};

// Runs in the forked shepherd; never returns.
[[noreturn]] void shepherd_main(const ShepherdArgs& args);

}  // namespace adrestore::platform::posix_detail
