#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/os.h"

namespace adrestore::sim {
namespace {

std::string read_small(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string s;
  std::getline(in, s, '\0');
  return s.size() > 4096 ? s.substr(0, 4096) : s;
}

std::string boot_id() {
  static const std::string id = [] {
    std::string s = read_small("/proc/sys/kernel/random/boot_id");
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }();
  return id;
}

// Field 22 of /proc/<pid>/stat (start time in clock ticks since boot). The command name
// (field 2) may hold spaces and parentheses, so fields are counted after the last ')'.
std::string start_time(std::int64_t pid) {
  const std::string stat = read_small("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(rest >> field)) return {};
    if (i == 3 && (field == "Z" || field == "X")) return "Z";  // exited, not yet reaped
  }
  return field;
}

std::string nonce_of(std::int64_t pid) {
  const std::string st = start_time(pid);
  if (st == "Z") return "zombie";
  if (st.empty()) return {};
  return boot_id() + ":" + st;
}

class PosixLock : public FileLock {
 public:
  explicit PosixLock(int fd) : m_fd(fd) {}
  ~PosixLock() override {
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
  }

 private:
  int m_fd;
};

}  // namespace

ProcessIdentity current_process() {
  const std::int64_t pid = static_cast<std::int64_t>(::getpid());
  return ProcessIdentity{pid, nonce_of(pid)};
}

bool process_alive(const ProcessIdentity& p) {
  if (p.pid <= 0) return false;
  if (::kill(static_cast<pid_t>(p.pid), 0) != 0 && errno != EPERM) return false;
  if (p.nonce.empty()) return true;
  const std::string now = nonce_of(p.pid);
  // A zombie or unreadable /proc still counts by its id; a different start is another process.
  return now.empty() || now == p.nonce;
}

Result<std::unique_ptr<FileLock>> FileLock::acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::error(Code::io, path + ": cannot open lock file: " + std::strerror(errno));
  for (;;) {
    if (::flock(fd, LOCK_EX) == 0) break;
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd);
    return Status::error(Code::io, path + ": cannot lock: " + std::strerror(err));
  }
  return std::unique_ptr<FileLock>(new PosixLock(fd));
}

}  // namespace adrestore::sim
