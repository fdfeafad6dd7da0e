// Running one external program so that it cannot hang, leak or lie (issue 6).
//
// Contract of run_process():
// - No shell, ever: argv[0] is the program's host path (already resolved; there is no PATH
//   search here) and every argument reaches the program byte for byte.
// - The program gets exactly: stdin = the null device, stdout and stderr = pipes read by the
//   runner, the environment in ProcessSpec::env and nothing else (no other descriptor or
//   handle is inherited).
// - stdout and stderr are read concurrently, so a chatty program never blocks; what it writes
//   goes to the sink as it arrives, up to output_cap bytes; past the cap it is read and thrown
//   away (the program never blocks) and a note saying so ends the output.
// - The program runs in its own process tree (a process group and a sub-reaper on POSIX, a job
//   object on Windows). When the deadline passes or `cancel` becomes true, the whole tree is
//   stopped (SIGTERM, kill_grace, then SIGKILL; TerminateJobObject on Windows). When the program
//   itself exits, anything it left running is stopped the same way: a program's tree never
//   outlives run_process().
// - run_process() returns only after the tree is gone (or, where that cannot be confirmed,
//   with ProcessResult::strays set) and never waits for the pipes to close after a kill.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adrestore::platform {

constexpr std::uint64_t k_default_output_cap = 16ULL * 1024 * 1024;

enum class OutputStream { out, err, runner };  // runner: notes written by adrestore itself

// Receives a program's output. Called from one thread at a time (never concurrently), but
// not necessarily always the same thread.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual Status write(OutputStream stream, std::string_view bytes) = 0;
  // After the last write; flushes whatever the sink holds back.
  virtual Status finish() { return Status::ok(); }
};

struct ProcessSpec {
  std::vector<std::string> argv;  // UTF-8; argv[0] is the program's host path
  std::vector<std::string> env;   // the complete environment, NAME=VALUE
  std::string working_dir;        // empty: the runner's current directory
  std::chrono::milliseconds timeout{0};  // measured on the monotonic clock; 0: none
  std::chrono::milliseconds kill_grace{500};  // between SIGTERM and SIGKILL (POSIX)
  OutputSink* output = nullptr;  // null: output is read and discarded
  std::uint64_t output_cap = k_default_output_cap;
  const std::atomic<bool>* cancel = nullptr;  // set to stop the program (checked every 100 ms)
};

struct ProcessResult {
  Status spawn_error;  // not ok: the program never ran (nothing below is meaningful)
  bool exited = false;        // ended by itself (exit code valid)
  std::int64_t exit_code = -1;  // POSIX 0..255; Windows the 32-bit exit code (NTSTATUS on a crash)
  int signal = 0;             // POSIX: ended by this signal (also after our own SIGKILL)
  bool core_dumped = false;
  std::chrono::milliseconds duration{0};  // start to the program's end
  bool timed_out = false;
  bool cancelled = false;
  bool output_truncated = false;
  std::uint64_t bytes_captured = 0;   // output passed to the sink
  std::uint64_t bytes_discarded = 0;  // output read past the cap and thrown away
  Status output_error;  // the sink failed; later output was discarded
  bool strays = false;  // some process of the tree could not be confirmed gone

  bool started() const { return spawn_error.is_ok(); }
  bool succeeded() const { return started() && exited && exit_code == 0 && !timed_out && !cancelled; }
};

// "exit code 3", "killed by signal 9 (SIGKILL)", "exit code 0xC0000005 (access violation)",
// "timed out after 2m and was killed", ...
std::string describe(const ProcessResult& r);
std::string signal_name(int sig);  // "SIGKILL", or "signal 77"

ProcessResult run_process(const ProcessSpec& spec);

// The seam tests and the executor use, so process effects can be replaced (design rule 3).
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const ProcessSpec& spec) = 0;
};
ProcessRunner& system_process_runner();  // calls run_process()

// Environment lists (NAME=VALUE). Names compare case-insensitively on Windows.
enum class EnvNameCase { sensitive, insensitive };
EnvNameCase native_env_name_case();
std::vector<std::string> current_environment();
std::string_view env_entry_name(std::string_view entry);  // "=C:=C:\x" has the name "=C:"
std::optional<std::string> get_env(const std::vector<std::string>& env, std::string_view name, EnvNameCase c);
void set_env(std::vector<std::string>& env, std::string_view name, std::string_view value, EnvNameCase c);
void unset_env(std::vector<std::string>& env, std::string_view name, EnvNameCase c);

// Looks a bare program name up in a PATH value (':'-separated on POSIX, ';' on Windows, where
// a name without extension also tries ".exe"). Returns the host path of the first executable
// regular file found, or not_found naming the directories searched.
Result<std::string> find_on_path(const std::string& name, const std::string& path_value);

}  // namespace adrestore::platform
