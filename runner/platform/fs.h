// Every file-system effect goes through here (leveldb's Env). FileSystem is the seam: the
// system's implementation (system_fs()) is fs_posix.cpp or fs_win32.cpp; tests hand the run
// another one (a power-loss file system, tests/platform/power_loss_fs.h). Paths are host
// paths (UTF-8).
//
// Durability contract: write_file_durable() and rename_durable() return only after the data
// and the directory entry are on stable storage (fsync of the file and of its directory).
// They are built here from the seam's primitives (open, sync, rename, sync_dir), so that a
// FileSystem that models a power cut sees every sync they do and every one they leave out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace adrestore::platform {

enum class FileType { missing, regular, directory, symlink, other };

struct FileInfo {
  FileType type = FileType::missing;
  std::uint64_t size = 0;
  std::int64_t mtime_unix = 0;
  bool executable = false;
};

// Describes the entry itself; never follows a link.
Result<FileInfo> stat_nofollow(const std::string& path);

// A read-only view of bytes of a file (File::map_range), unmapped when destroyed.
class MappedRange {
 public:
  virtual ~MappedRange() = default;
  virtual const char* data() const = 0;
};

// Runs `read` (which reads bytes of a MappedRange) and returns true; returns false instead
// when the file shrank under the mapping and a read touched a page past its new end, which
// raises SIGBUS on POSIX. Only that thread's reads inside `read` are caught. `read` must not
// hold locks or own resources that a jump out of it would leak.
bool read_mapped(const std::function<void()>& read);

// An open file. Closing happens in the destructor; call close() to see its error.
class File {
 public:
  // append: created if missing, every write_all goes to the end (O_APPEND), and a link is
  // followed: only for outputs the operator names (`--events /dev/stdout`, a FIFO); what
  // adrestore keeps in its own folders uses the other modes, which never follow a link.
  // write_new_private: like write_new, readable by the owner only (mode 0600 on POSIX; on
  // Windows the folder's inherited ACL applies), for private keys.
  enum class Mode { read, write_new, write_truncate, read_write, append, write_new_private };
  static Result<std::unique_ptr<File>> open(const std::string& path, Mode mode);  // on system_fs()
  virtual ~File() = default;
  virtual Result<std::size_t> read(void* buf, std::size_t n) = 0;                      // 0 at end
  virtual Result<std::size_t> pread(void* buf, std::size_t n, std::uint64_t off) = 0;   // 0 at end
  virtual Status write_all(const void* buf, std::size_t n) = 0;
  virtual Status pwrite_all(const void* buf, std::size_t n, std::uint64_t off) = 0;
  virtual Status sync() = 0;  // data and metadata to stable storage
  virtual Status truncate(std::uint64_t size) = 0;
  virtual Result<std::uint64_t> size() = 0;
  virtual Status close() = 0;
  // Hints that the file will be read sequentially (posix_fadvise); best effort.
  virtual void advise_sequential() {}
  // Asks that later pwrite_all calls whose buffer, length and offset are all multiples of
  // k_direct_align bypass the page cache (O_DIRECT), which saves the copy into the cache
  // and makes sync() cheap. Other writes stay buffered. Best effort: false when the file
  // system or the platform cannot, and a file system that refuses a direct write later
  // silently turns it off again. Durability is unchanged: sync() is still required.
  virtual bool use_direct_writes() { return false; }
  // Maps [off, off + len) read-only and reads it in, so that its bytes can be hashed and
  // written without first being copied into a buffer. Null where mapping is unavailable
  // (Windows), when it fails, and when the file ends before off + len: the caller reads
  // instead. Read the bytes only inside read_mapped().
  virtual std::unique_ptr<MappedRange> map_range(std::uint64_t /*off*/, std::size_t /*len*/) { return nullptr; }
};

// The alignment of direct writes: buffer address, length and file offset.
inline constexpr std::size_t k_direct_align = 4096;

// The seam. Primitives only: what makes them durable is composed from them below. An
// implementation must be safe to call from several threads (the copy runs in parallel).
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual Result<std::unique_ptr<File>> open(const std::string& path, File::Mode mode) = 0;
  virtual Result<FileInfo> stat(const std::string& path) = 0;  // never follows a link
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;  // names, sorted, no . or ..
  // Replaces `to` atomically. Not durable by itself on POSIX (sync both directories); Win32
  // writes it through (MOVEFILE_WRITE_THROUGH).
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (files created, renamed or removed in it) durable. Win32
  // cannot flush a directory: it only checks that it exists.
  virtual Status sync_dir(const std::string& dir) = 0;
  virtual Status make_dir(const std::string& path) = 0;  // one level; ok when it is a directory already
  virtual Status remove(const std::string& path) = 0;    // a regular file or a link, never a directory tree
  virtual Result<std::uint64_t> free_bytes(const std::string& path) = 0;
  virtual Status check_movable(const std::string& path) = 0;
  // Opens `path` for reading and writing (created if missing; never through a link; a
  // regular file only) holding an exclusive lock that the operating system drops when the
  // process ends, however it ends, and that child processes never inherit. Another holder:
  // a null file (not an error), so that the caller can read and name the holder.
  virtual Result<std::unique_ptr<File>> open_locked(const std::string& path) = 0;
};

// The machine's file system (POSIX or Win32), one per process.
FileSystem& system_fs();

// Compositions of the primitives; the overloads without a FileSystem use system_fs().
Result<std::string> read_file(FileSystem& fs, const std::string& path, std::size_t max_bytes);
// Writes to path.tmp-<random>, syncs it, renames it over path, and syncs the directory.
Status write_file_durable(FileSystem& fs, const std::string& path, const std::string& data);
// rename then sync of both parent directories.
Status rename_durable(FileSystem& fs, const std::string& from, const std::string& to);
Status create_dirs(FileSystem& fs, const std::string& path);  // like mkdir -p; syncs each created level's parent

// The same on system_fs(), for code that runs outside a run (reading plans, manifests and
// fixtures, the CLI). Whatever a run makes durable goes through the FileSystem it was given.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes);
Status write_file_durable(const std::string& path, const std::string& data);
Status rename_durable(const std::string& from, const std::string& to);
Status sync_dir(const std::string& dir);
Status create_dirs(const std::string& path);
Status remove_file(const std::string& path);
Result<std::vector<std::string>> list_dir(const std::string& path);
// Bytes the caller may still write on the volume holding `path` (which must exist).
Result<std::uint64_t> free_bytes(const std::string& path);
// Whether the file at `path` could be moved or deleted now, found without changing it: on
// Windows it is opened for DELETE with no sharing (so another process holding it open
// fails, ERROR_SHARING_VIOLATION) and closed; elsewhere it is opened for reading.
Status check_movable(const std::string& path);
std::string parent_dir(const std::string& path);
std::string join_path(const std::string& a, const std::string& b);

#ifndef _WIN32
// A failed POSIX call as a Status: the errno's Code (not_found, no_space, access_denied, else
// io) and the message "WHAT PATH: strerror", whose strerror is also its cause().
Status errno_status(const std::string& what, const std::string& path, int err);
#endif

}  // namespace adrestore::platform
