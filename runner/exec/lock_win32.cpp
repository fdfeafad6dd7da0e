// The state lock's Windows reads (contract in exec/lock.h): who this process is, and the
// holder record as another process reads it (the holder denies only writers, so a reader
// gets in); probe_lock for `status`.
#include "exec/lock.h"
#include "platform/fs.h"
#include "platform/win32.h"

namespace adrestore::exec {

namespace w32 = platform::win32;

namespace {

std::string read_small(HANDLE h) {
  std::string out(4097, '\0');
  OVERLAPPED at{};  // offset 0, without moving the file pointer's meaning for us
  DWORD got = 0;
  if (!::ReadFile(h, out.data(), static_cast<DWORD>(out.size()), &got, &at)) got = 0;
  out.resize(got);
  return out;
}

std::string this_host() {
  wchar_t buf[MAX_COMPUTERNAME_LENGTH + 1] = {};
  DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
  if (!::GetComputerNameW(buf, &n)) return "unknown";
  return w32::to_utf8(std::wstring_view(buf, n));
}

// Opens <state_dir>\lock without following a reparse point; anything but a regular file is
// refused. `access`/`share` decide whether this is the holder's open or a probe.
Result<w32::Handle> open_lock_file(const std::string& path, DWORD access, DWORD share, DWORD disposition) {
  auto wide = w32::long_path(path, "cannot open the lock file");
  if (!wide) return wide.status();
  w32::Handle h(::CreateFileW(wide->c_str(), access, share, nullptr, disposition,
                              FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!h) {
    const DWORD err = ::GetLastError();
    if (err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION) return w32::Handle();  // held
    return w32::error_status("cannot open the lock file", path, err);
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(h.get(), &info)) {
    return w32::error_status("cannot inspect the lock file", path, ::GetLastError());
  }
  if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    return Status::error(Code::refused, path + " is a link; adrestore never follows links. Remove it");
  }
  if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
    return Status::error(Code::refused, path + " is not a regular file; remove it");
  }
  return h;
}

}  // namespace

LockHolder this_process_as_holder() {
  LockHolder me;
  me.pid = static_cast<std::int64_t>(::GetCurrentProcessId());
  me.host = this_host();
  return me;
}

// The holder's record, read through a handle that shares everything (the holder denies
// only writers, so a reader gets in).
std::optional<LockHolder> read_holder_record(const std::string& path) {
  auto h = open_lock_file(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, OPEN_EXISTING);
  if (!h || !*h) return std::nullopt;
  return parse_lock_holder(read_small(h->get()));
}

Result<std::optional<LockHolder>> probe_lock(const std::string& state_dir) {
  const std::string path = platform::join_path(state_dir, k_lock_file_name);
  auto info = platform::stat_nofollow(path);
  if (!info) return info.status();
  if (info->type == platform::FileType::missing) return std::optional<LockHolder>();
  // An open for writing that denies nothing conflicts only with a holder (who denies writers).
  auto h = open_lock_file(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                          OPEN_EXISTING);
  if (!h) return h.status();
  if (*h) return std::optional<LockHolder>();
  return std::optional<LockHolder>(read_holder_record(path).value_or(LockHolder{}));
}

}  // namespace adrestore::exec
