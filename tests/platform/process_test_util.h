// Helpers for the tests that run real processes (POSIX only): executable scripts, a sink that
// keeps output in memory, and checks that recorded processes are really gone.
#pragma once

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "platform/process.h"
#include "support.h"

namespace adrestore::testing {

// Writes an executable script (mode 0755) into the temp dir and returns its path.
inline std::string write_script(const TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.write(name, body);
  std::filesystem::permissions(path, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                         std::filesystem::perms::others_exec);
  return path;
}

class StringSink : public platform::OutputSink {
 public:
  Status write(platform::OutputStream stream, std::string_view bytes) override {
    all.append(bytes);
    if (stream == platform::OutputStream::out) out.append(bytes);
    if (stream == platform::OutputStream::err) err.append(bytes);
    return Status::ok();
  }
  std::string all, out, err;
};

// The pids a script appended (one per line) to a file.
inline std::vector<int> read_pids(const std::filesystem::path& file) {
  std::vector<int> pids;
  std::ifstream in(file);
  int pid = 0;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

// True while the process exists and is not a zombie.
inline bool process_alive(int pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto rparen = line.rfind(')');
  return rparen == std::string::npos || rparen + 2 >= line.size() || line[rparen + 2] != 'Z';
}

// True when the process does not exist at all (not even as a zombie: someone reaped it).
inline bool process_gone(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// Waits until `file` holds at least n pids (or the time is up).
inline std::vector<int> wait_for_pids(const std::filesystem::path& file, std::size_t n, double seconds = 10) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::vector<int> pids;
  while ((pids = read_pids(file)).size() < n && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pids;
}

inline std::uint64_t vm_hwm_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// Resets the peak RSS to the current RSS (Linux >= 4.0); best effort.
inline void reset_vm_hwm() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

inline std::vector<std::string> base_env() {
  return {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C"};
}

}  // namespace adrestore::testing
