// The state lock's POSIX reads (contract in exec/lock.h): who this process is, and the
// holder record as another process reads it; probe_lock for `status`.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exec/lock.h"
#include "platform/fs.h"

namespace adrestore::exec {

namespace {

std::string read_small(int fd) {
  std::string out(4097, '\0');
  const ssize_t n = ::pread(fd, out.data(), out.size(), 0);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

std::string this_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string this_boot_id() {
  auto id = platform::read_file("/proc/sys/kernel/random/boot_id", 128);
  if (!id) return {};
  std::string s = *id;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Opens the lock file without following a link; refuses anything but a regular file.
Result<int> open_lock_file(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    if (errno == ELOOP) {
      return Status::error(Code::refused, path + " is a symbolic link; adrestore never follows links. Remove it");
    }
    return platform::errno_status("cannot open the lock file", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::error(Code::refused, path + " is not a regular file; remove it");
  }
  return fd;
}

}  // namespace

LockHolder this_process_as_holder() {
  LockHolder me;
  me.pid = static_cast<std::int64_t>(::getpid());
  me.host = this_host();
  me.boot_id = this_boot_id();
  return me;
}

std::optional<LockHolder> read_holder_record(const std::string& lock_path) {
  auto fd = open_lock_file(lock_path, O_RDONLY);
  if (!fd) return std::nullopt;
  auto h = parse_lock_holder(read_small(*fd));
  ::close(*fd);
  return h;
}

Result<std::optional<LockHolder>> probe_lock(const std::string& state_dir) {
  const std::string path = platform::join_path(state_dir, k_lock_file_name);
  auto info = platform::stat_nofollow(path);
  if (!info) return info.status();
  if (info->type == platform::FileType::missing) return std::optional<LockHolder>();
  auto fd = open_lock_file(path, O_RDONLY);
  if (!fd) return fd.status();
  // A shared lock conflicts only with a holder's exclusive one.
  std::optional<LockHolder> result;
  if (::flock(*fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(*fd, LOCK_UN);
  } else {
    result = parse_lock_holder(read_small(*fd)).value_or(LockHolder{});
  }
  ::close(*fd);
  return result;
}

}  // namespace adrestore::exec
