#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "exec/journal.h"
#include "exec/lock.h"
#include "platform/fs.h"

namespace adrestore::exec {

struct StateLock::Impl {
  int fd = -1;
  ~Impl() {
    if (fd >= 0) ::close(fd);
  }
};

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

StateLock::StateLock(std::unique_ptr<Impl> impl, LockHolder holder)
    : m_impl(std::move(impl)), m_holder(std::move(holder)) {}

StateLock::~StateLock() {
  // Blank the record while still holding the lock, so nobody reads a departed holder.
  if (m_impl && m_impl->fd >= 0) (void)::ftruncate(m_impl->fd, 0);
}

Result<std::unique_ptr<StateLock>> StateLock::acquire(const std::string& state_dir) {
  const std::string path = platform::join_path(state_dir, k_lock_file_name);
  auto fd = open_lock_file(path, O_RDWR | O_CREAT);
  if (!fd) return fd.status();
  auto impl = std::make_unique<Impl>();
  impl->fd = *fd;
  if (::flock(impl->fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err != EWOULDBLOCK) return platform::errno_status("cannot lock", path, err);
    LockHolder other;
    if (auto h = parse_lock_holder(read_small(impl->fd))) other = *h;
    std::string msg = "the state directory " + state_dir + " is in use by another adrestore run: held by " +
                      describe(other) + ". Wait for that run to end (the lock goes away with its process)";
    if (other.pid != 0 && other.host != this_host()) msg += "; it runs on another machine that shares this folder";
    return Status::error(Code::refused, msg);
  }
  LockHolder me;
  me.pid = static_cast<std::int64_t>(::getpid());
  me.host = this_host();
  me.boot_id = this_boot_id();
  me.started_at = format_utc_ms(JournalWriter::system_clock_ms());
  me.nonce = random_nonce();
  const std::string text = serialize_lock_holder(me);
  if (::ftruncate(impl->fd, 0) != 0) return platform::errno_status("cannot write the lock file", path, errno);
  const char* p = text.data();
  std::size_t left = text.size();
  off_t off = 0;
  while (left > 0) {
    const ssize_t w = ::pwrite(impl->fd, p, left, off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return platform::errno_status("cannot write the lock file", path, errno);
    }
    p += w;
    off += w;
    left -= static_cast<std::size_t>(w);
  }
  if (::fsync(impl->fd) != 0) return platform::errno_status("cannot flush the lock file", path, errno);
  return std::unique_ptr<StateLock>(new StateLock(std::move(impl), std::move(me)));
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
