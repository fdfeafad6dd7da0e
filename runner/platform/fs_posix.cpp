#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "platform/fs.h"

namespace adrestore::platform {

Status errno_status(const std::string& what, const std::string& path, int err) {
  Code code = Code::io;
  if (err == ENOENT) code = Code::not_found;
  if (err == ENOSPC || err == EDQUOT) code = Code::no_space;
  if (err == EACCES || err == EPERM || err == EROFS) code = Code::access_denied;
  return Status::error(code, what + " " + path + ": " + std::strerror(err)).with_cause(std::strerror(err));
}

namespace {

class PosixMapping : public MappedRange {
 public:
  PosixMapping(void* base, std::size_t len, std::size_t skip) : m_base(base), m_len(len), m_skip(skip) {}
  ~PosixMapping() override { ::munmap(m_base, m_len); }
  PosixMapping(const PosixMapping&) = delete;
  PosixMapping& operator=(const PosixMapping&) = delete;
  const char* data() const override { return static_cast<const char*>(m_base) + m_skip; }

 private:
  void* m_base;
  std::size_t m_len;
  std::size_t m_skip;  // from the page boundary the mapping starts at to the requested offset
};

class PosixFile : public File {
 public:
  PosixFile(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  ~PosixFile() override {
    if (m_fd >= 0) ::close(m_fd);
  }
  Result<std::size_t> read(void* buf, std::size_t n) override {
    set_odirect(false);
    for (;;) {
      const ssize_t r = ::read(m_fd, buf, n);
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno != EINTR) return errno_status("cannot read", m_path, errno);
    }
  }
  Result<std::size_t> pread(void* buf, std::size_t n, std::uint64_t off) override {
    set_odirect(false);
    for (;;) {
      const ssize_t r = ::pread(m_fd, buf, n, static_cast<off_t>(off));
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno != EINTR) return errno_status("cannot read", m_path, errno);
    }
  }
  Status write_all(const void* buf, std::size_t n) override {
    set_odirect(false);
    const char* p = static_cast<const char*>(buf);
    while (n > 0) {
      const ssize_t w = ::write(m_fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno_status("cannot write", m_path, errno);
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return Status::ok();
  }
  Status pwrite_all(const void* buf, std::size_t n, std::uint64_t off) override {
    const char* p = static_cast<const char*>(buf);
    set_odirect(m_direct_wanted && aligned(p, n, off));
    while (n > 0) {
      const ssize_t w = ::pwrite(m_fd, p, n, static_cast<off_t>(off));
      if (w < 0) {
        if (errno == EINTR) continue;
        if (errno == EINVAL && m_odirect) {
          // The file system took O_DIRECT at fcntl time but refuses this write: go buffered.
          m_direct_wanted = false;
          set_odirect(false);
          continue;
        }
        return errno_status("cannot write", m_path, errno);
      }
      if (m_odirect && !aligned(p + w, n - static_cast<std::size_t>(w), off + static_cast<std::uint64_t>(w))) {
        set_odirect(false);  // a short direct write left an unaligned rest
      }
      p += w;
      off += static_cast<std::uint64_t>(w);
      n -= static_cast<std::size_t>(w);
    }
    return Status::ok();
  }
  Status sync() override {
    if (::fsync(m_fd) != 0) return errno_status("cannot flush", m_path, errno);
    return Status::ok();
  }
  Status truncate(std::uint64_t size) override {
    if (::ftruncate(m_fd, static_cast<off_t>(size)) != 0) return errno_status("cannot truncate", m_path, errno);
    return Status::ok();
  }
  Result<std::uint64_t> size() override {
    struct stat st {};
    if (::fstat(m_fd, &st) != 0) return errno_status("cannot stat", m_path, errno);
    return static_cast<std::uint64_t>(st.st_size);
  }
  Status close() override {
    const int fd = m_fd;
    m_fd = -1;
    if (fd >= 0 && ::close(fd) != 0) return errno_status("cannot close", m_path, errno);
    return Status::ok();
  }
  std::unique_ptr<MappedRange> map_range(std::uint64_t off, std::size_t len) override {
    struct stat st {};
    if (len == 0 || ::fstat(m_fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < off + len) return nullptr;
    static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t start = off / page * page;
    const std::size_t skip = static_cast<std::size_t>(off - start);
    // MAP_POPULATE reads the range in now, on the caller's thread, as a read would.
    void* p = ::mmap(nullptr, len + skip, PROT_READ, MAP_SHARED | MAP_POPULATE, m_fd, static_cast<off_t>(start));
    if (p == MAP_FAILED) return nullptr;
    return std::make_unique<PosixMapping>(p, len + skip, skip);
  }
  void advise_sequential() override {
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  bool use_direct_writes() override {
#ifdef O_DIRECT
    // Probe once: tmpfs and some other file systems refuse O_DIRECT.
    m_direct_wanted = true;
    if (!set_odirect(true)) m_direct_wanted = false;
    set_odirect(false);
#endif
    return m_direct_wanted;
  }

 private:
  static bool aligned(const char* p, std::size_t n, std::uint64_t off) {
    return reinterpret_cast<std::uintptr_t>(p) % k_direct_align == 0 && n % k_direct_align == 0 &&
           off % k_direct_align == 0;
  }
  // Turns O_DIRECT on or off for the descriptor; false when the file system refuses it.
  bool set_odirect(bool on) {
#ifdef O_DIRECT
    if (on == m_odirect) return true;
    const int fl = ::fcntl(m_fd, F_GETFL);
    if (fl < 0 || ::fcntl(m_fd, F_SETFL, on ? (fl | O_DIRECT) : (fl & ~O_DIRECT)) != 0) return false;
    m_odirect = on;
    return true;
#else
    return !on;
#endif
  }

  int m_fd;
  std::string m_path;
  bool m_direct_wanted = false;  // use_direct_writes() was asked for and the probe passed
  bool m_odirect = false;        // O_DIRECT is currently set on m_fd
};

class PosixFileSystem : public FileSystem {
 public:
  Result<std::unique_ptr<File>> open(const std::string& path, File::Mode mode) override {
    using Mode = File::Mode;
    int flags = O_CLOEXEC;
    switch (mode) {
      case Mode::read:
        // O_NONBLOCK: a FIFO swapped in after a caller's stat check must not block the open
        // (it then reads as empty); regular files ignore the flag.
        flags |= O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
        break;
      case Mode::write_new:
      case Mode::write_new_private:
        flags |= O_WRONLY | O_CREAT | O_EXCL;
        break;
      case Mode::write_truncate:
        flags |= O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
        break;
      case Mode::read_write:
        flags |= O_RDWR | O_CREAT | O_NOFOLLOW;
        break;
      case Mode::append:
        flags |= O_WRONLY | O_CREAT | O_APPEND;
        break;
    }
    const int fd = ::open(path.c_str(), flags, mode == Mode::write_new_private ? 0600 : 0644);
    if (fd < 0) return errno_status("cannot open", path, errno);
    return std::unique_ptr<File>(new PosixFile(fd, path));
  }

  // flock(LOCK_EX | LOCK_NB) on an O_CLOEXEC descriptor: children never inherit it, and it
  // belongs to the open file description, so a second open of the same file, even in the
  // same process, is refused. (flock on NFS is emulated with POSIX locks on Linux.)
  Result<std::unique_ptr<File>> open_locked(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      if (errno == ELOOP) {
        return Status::error(Code::refused, path + " is a symbolic link; adrestore never follows links. Remove it");
      }
      return errno_status("cannot open the lock file", path, errno);
    }
    auto file = std::make_unique<PosixFile>(fd, path);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      return Status::error(Code::refused, path + " is not a regular file; remove it");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) return std::unique_ptr<File>();
      return errno_status("cannot lock", path, errno);
    }
    return std::unique_ptr<File>(std::move(file));
  }

  Result<FileInfo> stat(const std::string& path) override {
    struct stat st {};
    FileInfo info;
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return info;
      return errno_status("cannot stat", path, errno);
    }
    if (S_ISREG(st.st_mode)) {
      info.type = FileType::regular;
    } else if (S_ISDIR(st.st_mode)) {
      info.type = FileType::directory;
    } else if (S_ISLNK(st.st_mode)) {
      info.type = FileType::symlink;
    } else {
      info.type = FileType::other;
    }
    info.size = static_cast<std::uint64_t>(st.st_size);
    info.mtime_unix = static_cast<std::int64_t>(st.st_mtime);
    info.executable = (st.st_mode & 0111) != 0;
    return info;
  }

  Result<std::vector<std::string>> list(const std::string& path) override {
    DIR* d = ::opendir(path.c_str());
    if (!d) return errno_status("cannot list", path, errno);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return errno_status("cannot rename " + from + " to", to, errno);
    return Status::ok();
  }

  Status sync_dir(const std::string& dir) override {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno_status("cannot open directory", dir, errno);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return errno_status("cannot flush directory", dir, err);
    return Status::ok();
  }

  Status make_dir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return errno_status("cannot create directory", path, errno);
    return Status::ok();
  }

  Status remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return errno_status("cannot remove", path, errno);
    return Status::ok();
  }

  Result<std::uint64_t> free_bytes(const std::string& path) override {
    struct statvfs sv {};
    if (::statvfs(path.c_str(), &sv) != 0) return errno_status("cannot ask the free space of", path, errno);
    return static_cast<std::uint64_t>(sv.f_bavail) * static_cast<std::uint64_t>(sv.f_frsize);
  }

  Status check_movable(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno_status("cannot open", path, errno);
    ::close(fd);
    return Status::ok();
  }
};

}  // namespace

FileSystem& system_fs() {
  static PosixFileSystem fs;
  return fs;
}

std::string parent_dir(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const std::size_t pos = p.rfind('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return p.substr(0, pos);
}

std::string join_path(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

}  // namespace adrestore::platform
