// platform/fs.h on Win32: W functions only, UTF-8 at our side of the boundary, \\?\ paths on
// the other (platform/win32.h). Differences from POSIX that callers may notice:
// - Links are refused the way O_NOFOLLOW refuses them: a name-surrogate reparse point
//   (symbolic link, junction) is reported as FileType::symlink and never opened as a file.
//   Other reparse points (deduplicated, cloud or compressed files) are ordinary files.
// - Directories cannot be flushed; MOVEFILE_WRITE_THROUGH makes a rename durable instead,
//   so sync_dir() only checks that the folder exists.
// - Files are opened with every FILE_SHARE_* flag so that, as on POSIX, an open file can be
//   renamed over or removed (removal completes when the last handle closes).
#include <algorithm>

#include "platform/fs.h"
#include "platform/win32.h"

namespace adrestore::platform {
namespace {

using win32::error_status;
using win32::Handle;
using win32::long_path;

constexpr DWORD k_share_all = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
constexpr std::size_t k_max_io = std::size_t{1} << 30;  // ReadFile/WriteFile take a DWORD

struct Attributes {
  DWORD attributes = 0;
  DWORD reparse_tag = 0;
  bool is_link() const {
    return (attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 && IsReparseTagNameSurrogate(reparse_tag);
  }
  bool is_directory() const { return (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0; }
};

// Attributes of an open handle, with the reparse tag where the system reports it.
bool query_attributes(HANDLE h, Attributes& out) {
  FILE_ATTRIBUTE_TAG_INFO tag{};
  if (::GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag, sizeof tag)) {
    out.attributes = tag.FileAttributes;
    out.reparse_tag = tag.ReparseTag;
    return true;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(h, &info)) return false;
  out.attributes = info.dwFileAttributes;
  // Without the tag, every reparse point counts as a link: refusing is the safe mistake.
  out.reparse_tag = (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? IO_REPARSE_TAG_SYMLINK : 0;
  return true;
}

std::int64_t unix_seconds(const FILETIME& ft) {
  const std::uint64_t ticks = (static_cast<std::uint64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
  constexpr std::uint64_t k_epoch_offset = 116444736000000000ULL;  // 1601-01-01 to 1970-01-01 in 100 ns
  return (static_cast<std::int64_t>(ticks) - static_cast<std::int64_t>(k_epoch_offset)) / 10000000;
}

bool has_program_extension(const std::string& path) {
  const std::size_t dot = path.find_last_of(".\\/");
  if (dot == std::string::npos || path[dot] != '.') return false;
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".exe" || ext == ".com" || ext == ".bat" || ext == ".cmd";
}

OVERLAPPED at_offset(std::uint64_t off) {
  OVERLAPPED ov{};
  ov.Offset = static_cast<DWORD>(off & 0xFFFFFFFFu);
  ov.OffsetHigh = static_cast<DWORD>(off >> 32);
  return ov;
}

class Win32File : public File {
 public:
  Win32File(Handle h, std::string path) : m_handle(std::move(h)), m_path(std::move(path)) {}

  Result<std::size_t> read(void* buf, std::size_t n) override { return read_at(buf, n, nullptr); }

  // POSIX pread leaves the file position alone; ReadFile with an offset on a synchronous
  // handle moves it, so the position is put back.
  Result<std::size_t> pread(void* buf, std::size_t n, std::uint64_t off) override {
    const auto pos = position();
    if (!pos) return pos.status();
    OVERLAPPED ov = at_offset(off);
    auto r = read_at(buf, n, &ov);
    Status s = set_position(*pos);
    if (r && !s) return s;
    return r;
  }

  Status write_all(const void* buf, std::size_t n) override { return write_at(buf, n, nullptr); }

  Status pwrite_all(const void* buf, std::size_t n, std::uint64_t off) override {
    const auto pos = position();
    if (!pos) return pos.status();
    Status s = write_at(buf, n, &off);
    Status restored = set_position(*pos);
    return s ? restored : s;
  }

  Status sync() override {
    if (!::FlushFileBuffers(m_handle.get())) return error_status("cannot flush", m_path, ::GetLastError());
    return Status::ok();
  }

  Status truncate(std::uint64_t size) override {
    FILE_END_OF_FILE_INFO eof{};
    eof.EndOfFile.QuadPart = static_cast<LONGLONG>(size);
    if (!::SetFileInformationByHandle(m_handle.get(), FileEndOfFileInfo, &eof, sizeof eof)) {
      return error_status("cannot truncate", m_path, ::GetLastError());
    }
    return Status::ok();
  }

  Result<std::uint64_t> size() override {
    LARGE_INTEGER sz{};
    if (!::GetFileSizeEx(m_handle.get(), &sz)) return error_status("cannot stat", m_path, ::GetLastError());
    return static_cast<std::uint64_t>(sz.QuadPart);
  }

  Status close() override {
    if (!m_handle.close()) return error_status("cannot close", m_path, ::GetLastError());
    return Status::ok();
  }

 private:
  Result<std::size_t> read_at(void* buf, std::size_t n, OVERLAPPED* ov) {
    DWORD got = 0;
    const DWORD want = static_cast<DWORD>(std::min(n, k_max_io));
    if (!::ReadFile(m_handle.get(), buf, want, &got, ov)) {
      const DWORD err = ::GetLastError();
      if (err == ERROR_HANDLE_EOF || err == ERROR_BROKEN_PIPE) return std::size_t{0};
      return error_status("cannot read", m_path, err);
    }
    return static_cast<std::size_t>(got);
  }

  // off == nullptr: at the current position.
  Status write_at(const void* buf, std::size_t n, const std::uint64_t* off) {
    const char* p = static_cast<const char*>(buf);
    std::uint64_t at = off ? *off : 0;
    while (n > 0) {
      DWORD wrote = 0;
      const DWORD want = static_cast<DWORD>(std::min(n, k_max_io));
      OVERLAPPED ov = at_offset(at);
      if (!::WriteFile(m_handle.get(), p, want, &wrote, off ? &ov : nullptr)) {
        return error_status("cannot write", m_path, ::GetLastError());
      }
      if (wrote == 0) return error_status("cannot write", m_path, ERROR_WRITE_FAULT);
      p += wrote;
      at += wrote;
      n -= wrote;
    }
    return Status::ok();
  }

  Result<LARGE_INTEGER> position() {
    LARGE_INTEGER zero{};
    LARGE_INTEGER pos{};
    if (!::SetFilePointerEx(m_handle.get(), zero, &pos, FILE_CURRENT)) {
      return error_status("cannot seek", m_path, ::GetLastError());
    }
    return pos;
  }

  Status set_position(LARGE_INTEGER pos) {
    if (!::SetFilePointerEx(m_handle.get(), pos, nullptr, FILE_BEGIN)) {
      return error_status("cannot seek", m_path, ::GetLastError());
    }
    return Status::ok();
  }

  Handle m_handle;
  std::string m_path;
};

Status link_refused(const std::string& what, const std::string& path) {
  return Status::error(Code::io, what + " " + path + ": it is a link (a reparse point); links are not followed");
}

}  // namespace

bool read_mapped(const std::function<void()>& read) {
  read();  // File::map_range maps nothing on Windows
  return true;
}

namespace {

Result<FileInfo> stat_impl(const std::string& path) {
  auto wpath = long_path(path, "cannot stat");
  if (!wpath) return wpath.status();
  FileInfo info;
  Handle h(::CreateFileW(wpath->c_str(), FILE_READ_ATTRIBUTES, k_share_all, nullptr, OPEN_EXISTING,
                         FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!h) {
    const DWORD err = ::GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_INVALID_DRIVE) return info;
    // Some files cannot be opened even for attributes (the page file, say); the directory
    // entry still describes them.
    WIN32_FILE_ATTRIBUTE_DATA data{};
    if (!::GetFileAttributesExW(wpath->c_str(), GetFileExInfoStandard, &data)) {
      return error_status("cannot stat", path, err);
    }
    Attributes a;
    a.attributes = data.dwFileAttributes;
    a.reparse_tag = (a.attributes & FILE_ATTRIBUTE_REPARSE_POINT) ? IO_REPARSE_TAG_SYMLINK : 0;
    info.type = a.is_link() ? FileType::symlink : a.is_directory() ? FileType::directory : FileType::regular;
    info.size = (static_cast<std::uint64_t>(data.nFileSizeHigh) << 32) | data.nFileSizeLow;
    info.mtime_unix = unix_seconds(data.ftLastWriteTime);
    info.executable = info.type == FileType::regular && has_program_extension(path);
    return info;
  }
  if (::GetFileType(h.get()) != FILE_TYPE_DISK) {  // a console, a pipe, NUL, ...
    info.type = FileType::other;
    return info;
  }
  BY_HANDLE_FILE_INFORMATION bi{};
  Attributes a;
  if (!::GetFileInformationByHandle(h.get(), &bi) || !query_attributes(h.get(), a)) {
    return error_status("cannot stat", path, ::GetLastError());
  }
  info.type = a.is_link() ? FileType::symlink : a.is_directory() ? FileType::directory : FileType::regular;
  info.size = (static_cast<std::uint64_t>(bi.nFileSizeHigh) << 32) | bi.nFileSizeLow;
  info.mtime_unix = unix_seconds(bi.ftLastWriteTime);
  info.executable = info.type == FileType::regular && has_program_extension(path);
  return info;
}

Result<std::unique_ptr<File>> open_impl(const std::string& path, File::Mode mode) {
  using Mode = File::Mode;
  auto wpath = long_path(path, "cannot open");
  if (!wpath) return wpath.status();
  DWORD access = 0;
  DWORD disposition = 0;
  switch (mode) {
    case Mode::read:
      access = GENERIC_READ;
      disposition = OPEN_EXISTING;
      break;
    case Mode::write_new:
    case Mode::write_new_private:
      access = GENERIC_WRITE;
      disposition = CREATE_NEW;
      break;
    case Mode::write_truncate:  // truncated below, once we know it is not a link
      access = GENERIC_WRITE;
      disposition = OPEN_ALWAYS;
      break;
    case Mode::read_write:
      access = GENERIC_READ | GENERIC_WRITE;
      disposition = OPEN_ALWAYS;
      break;
    case Mode::append: {
      // FILE_APPEND_DATA without FILE_WRITE_DATA: every write goes to the end. Links are
      // followed (an operator-named output).
      Handle h(::CreateFileW(wpath->c_str(), FILE_APPEND_DATA | SYNCHRONIZE, k_share_all, nullptr, OPEN_ALWAYS,
                             FILE_ATTRIBUTE_NORMAL, nullptr));
      if (!h) return error_status("cannot open", path, ::GetLastError());
      return std::unique_ptr<File>(std::make_unique<Win32File>(std::move(h), path));
    }
  }
  auto open_with = [&](DWORD flags) {
    return Handle(::CreateFileW(wpath->c_str(), access, k_share_all, nullptr, disposition,
                                FILE_ATTRIBUTE_NORMAL | flags, nullptr));
  };
  Handle h = open_with(FILE_FLAG_OPEN_REPARSE_POINT);
  if (!h) return error_status("cannot open", path, ::GetLastError());
  if (::GetFileType(h.get()) == FILE_TYPE_DISK) {
    Attributes a;
    if (!query_attributes(h.get(), a)) return error_status("cannot open", path, ::GetLastError());
    if (a.is_link()) return link_refused("cannot open", path);
    if (a.attributes & FILE_ATTRIBUTE_REPARSE_POINT) {
      // Not a link but a file whose data a file-system filter provides: open it normally.
      h = open_with(0);
      if (!h) return error_status("cannot open", path, ::GetLastError());
    }
  }
  auto file = std::make_unique<Win32File>(std::move(h), path);
  if (mode == Mode::write_truncate) {
    Status s = file->truncate(0);
    if (!s) return s;
  }
  return std::unique_ptr<File>(std::move(file));
}

Result<std::uint64_t> free_bytes_impl(const std::string& path) {
  auto w = long_path(path, "cannot ask the free space of");
  if (!w) return w.status();
  ULARGE_INTEGER avail{};
  if (!::GetDiskFreeSpaceExW(w->c_str(), &avail, nullptr, nullptr)) {
    return error_status("cannot ask the free space of", path, ::GetLastError());
  }
  return static_cast<std::uint64_t>(avail.QuadPart);
}

Status check_movable_impl(const std::string& path) {
  auto w = long_path(path, "cannot open");
  if (!w) return w.status();
  // DELETE with no sharing: fails while any other process has the file open.
  win32::Handle h(::CreateFileW(w->c_str(), DELETE | FILE_READ_ATTRIBUTES, 0, nullptr, OPEN_EXISTING,
                                FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!h.valid()) return error_status("cannot open", path, ::GetLastError());
  return Status::ok();
}

Status sync_dir_impl(const std::string& dir) {
  const std::string d = dir.empty() ? "." : dir;
  auto info = stat_impl(d);
  if (!info) return info.status();
  if (info->type != FileType::directory) {
    return Status::error(info->type == FileType::missing ? Code::not_found : Code::io,
                         "cannot open directory " + d + ": " +
                             (info->type == FileType::missing ? "it does not exist" : "it is not a directory"));
  }
  return Status::ok();
}

Status remove_impl(const std::string& path) {
  auto wpath = long_path(path, "cannot remove");
  if (!wpath) return wpath.status();
  Handle h(::CreateFileW(wpath->c_str(), DELETE | FILE_READ_ATTRIBUTES, k_share_all, nullptr, OPEN_EXISTING,
                         FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!h) return error_status("cannot remove", path, ::GetLastError());
  Attributes a;
  if (!query_attributes(h.get(), a)) return error_status("cannot remove", path, ::GetLastError());
  if (a.is_directory() && !a.is_link()) return Status::error(Code::io, "cannot remove " + path + ": it is a directory");
  FILE_DISPOSITION_INFO disposition{};
  disposition.DeleteFile = TRUE;
  if (!::SetFileInformationByHandle(h.get(), FileDispositionInfo, &disposition, sizeof disposition)) {
    return error_status("cannot remove", path, ::GetLastError());
  }
  if (!h.close()) return error_status("cannot remove", path, ::GetLastError());
  return Status::ok();
}

Status rename_impl(const std::string& from, const std::string& to) {
  auto wfrom = long_path(from, "cannot rename");
  if (!wfrom) return wfrom.status();
  auto wto = long_path(to, "cannot rename");
  if (!wto) return wto.status();
  if (!::MoveFileExW(wfrom->c_str(), wto->c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    return error_status("cannot rename " + from + " to", to, ::GetLastError());
  }
  return Status::ok();
}

Status make_dir_impl(const std::string& path) {
  auto wpath = long_path(path, "cannot create directory");
  if (!wpath) return wpath.status();
  if (!::CreateDirectoryW(wpath->c_str(), nullptr)) {
    const DWORD err = ::GetLastError();
    if (err != ERROR_ALREADY_EXISTS) return error_status("cannot create directory", path, err);
    auto again = stat_impl(path);  // lost a race: fine if the winner made a directory
    if (!again || again->type != FileType::directory) return error_status("cannot create directory", path, err);
  }
  return Status::ok();
}

Result<std::vector<std::string>> list_impl(const std::string& path) {
  auto wpath = long_path(path, "cannot list");
  if (!wpath) return wpath.status();
  std::wstring pattern = *wpath;
  if (pattern.back() != L'\\') pattern += L'\\';
  pattern += L'*';
  WIN32_FIND_DATAW data{};
  win32::FindHandle find(::FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &data, FindExSearchNameMatch, nullptr,
                                            FIND_FIRST_EX_LARGE_FETCH));
  std::vector<std::string> names;
  if (!find.valid()) {
    const DWORD err = ::GetLastError();
    // An empty root folder has no "." entry, so the search finds nothing at all.
    if (err == ERROR_FILE_NOT_FOUND) {
      auto info = stat_impl(path);
      if (info && info->type == FileType::directory) return names;
    }
    return error_status("cannot list", path, err);
  }
  do {
    const std::wstring_view name(data.cFileName);
    if (name != L"." && name != L"..") names.push_back(win32::to_utf8(name));
  } while (::FindNextFileW(find.get(), &data));
  const DWORD err = ::GetLastError();
  if (err != ERROR_NO_MORE_FILES) return error_status("cannot list", path, err);
  std::sort(names.begin(), names.end());
  return names;
}

// The holder opens with FILE_SHARE_READ only, so a second opener for writing gets
// ERROR_SHARING_VIOLATION; readers still get in to name the holder. The handle is not
// inheritable, and Windows closes it, releasing the lock, when the process dies.
Result<std::unique_ptr<File>> open_locked_impl(const std::string& path) {
  auto wpath = long_path(path, "cannot open the lock file");
  if (!wpath) return wpath.status();
  Handle h(::CreateFileW(wpath->c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, nullptr, OPEN_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!h) {
    const DWORD err = ::GetLastError();
    if (err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION) return std::unique_ptr<File>();
    return error_status("cannot open the lock file", path, err);
  }
  Attributes a;
  if (!query_attributes(h.get(), a)) return error_status("cannot inspect the lock file", path, ::GetLastError());
  if (a.attributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    return Status::error(Code::refused, path + " is a link; adrestore never follows links. Remove it");
  }
  if (a.attributes & FILE_ATTRIBUTE_DIRECTORY) return Status::error(Code::refused, path + " is not a regular file; remove it");
  return std::unique_ptr<File>(std::make_unique<Win32File>(std::move(h), path));
}

class Win32FileSystem : public FileSystem {
 public:
  Result<std::unique_ptr<File>> open_locked(const std::string& path) override { return open_locked_impl(path); }
  Result<std::unique_ptr<File>> open(const std::string& path, File::Mode mode) override { return open_impl(path, mode); }
  Result<FileInfo> stat(const std::string& path) override { return stat_impl(path); }
  Result<std::vector<std::string>> list(const std::string& dir) override { return list_impl(dir); }
  Status rename(const std::string& from, const std::string& to) override { return rename_impl(from, to); }
  Status sync_dir(const std::string& dir) override { return sync_dir_impl(dir); }
  Status make_dir(const std::string& path) override { return make_dir_impl(path); }
  Status remove(const std::string& path) override { return remove_impl(path); }
  Result<std::uint64_t> free_bytes(const std::string& path) override { return free_bytes_impl(path); }
  Status check_movable(const std::string& path) override { return check_movable_impl(path); }
};

}  // namespace

FileSystem& system_fs() {
  static Win32FileSystem fs;
  return fs;
}

namespace {

bool is_separator(char c) { return c == '\\' || c == '/'; }

// Length of the root of a path: "C:\" 3, "C:" 2, "\" 1, "\\server\share\" up to and
// including the separator after the share name, "" 0.
std::size_t root_length(const std::string& p) {
  if (p.size() >= 2 && is_separator(p[0]) && is_separator(p[1])) {
    std::size_t i = 2;
    for (int part = 0; part < 2; ++part) {
      while (i < p.size() && !is_separator(p[i])) ++i;
      if (i < p.size()) ++i;
    }
    return i;
  }
  if (p.size() >= 2 && p[1] == ':') return (p.size() >= 3 && is_separator(p[2])) ? 3 : 2;
  if (!p.empty() && is_separator(p[0])) return 1;
  return 0;
}

}  // namespace

std::string parent_dir(const std::string& path) {
  const std::size_t root = root_length(path);
  std::string p = path;
  while (p.size() > root && is_separator(p.back())) p.pop_back();
  if (p.size() <= root) return root > 0 ? path.substr(0, root) : ".";
  std::size_t pos = p.size();
  while (pos > root && !is_separator(p[pos - 1])) --pos;
  if (pos <= root) return root > 0 ? p.substr(0, root) : ".";
  p.resize(pos);
  while (p.size() > root && is_separator(p.back())) p.pop_back();
  return p;
}

std::string join_path(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (is_separator(a.back()) || (a.size() == 2 && a[1] == ':')) return a + b;
  return a + "\\" + b;
}

}  // namespace adrestore::platform
