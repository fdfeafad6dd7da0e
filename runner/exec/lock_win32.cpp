// The state lock on Windows (contract in exec/lock.h): the lock file is opened with
// FILE_SHARE_READ only, so a second opener for writing gets ERROR_SHARING_VIOLATION. The
// handle is not inheritable (hooks never hold the lock) and Windows closes it, releasing the
// lock, when the process dies however it dies.
#include <random>

#include "exec/journal.h"
#include "exec/lock.h"
#include "platform/fs.h"
#include "platform/win32.h"

namespace adrestore::exec {

namespace w32 = platform::win32;

struct StateLock::Impl {
  w32::Handle file;
};

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

// The holder's record, read through a handle that shares everything (the holder denies
// only writers, so a reader gets in).
LockHolder read_holder(const std::string& path) {
  auto h = open_lock_file(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, OPEN_EXISTING);
  if (!h || !*h) return LockHolder{};
  return parse_lock_holder(read_small(h->get())).value_or(LockHolder{});
}

}  // namespace

StateLock::StateLock(std::unique_ptr<Impl> impl, LockHolder holder)
    : m_impl(std::move(impl)), m_holder(std::move(holder)) {}

StateLock::~StateLock() {
  // Blank the record while still holding the lock, so nobody reads a departed holder.
  if (m_impl && m_impl->file) {
    LARGE_INTEGER zero{};
    if (::SetFilePointerEx(m_impl->file.get(), zero, nullptr, FILE_BEGIN)) (void)::SetEndOfFile(m_impl->file.get());
  }
}

Result<std::unique_ptr<StateLock>> StateLock::acquire(const std::string& state_dir) {
  const std::string path = platform::join_path(state_dir, k_lock_file_name);
  auto h = open_lock_file(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, OPEN_ALWAYS);
  if (!h) return h.status();
  if (!*h) {
    const LockHolder other = read_holder(path);
    std::string msg = "the state directory " + state_dir + " is in use by another adrestore run: held by " +
                      describe(other) + ". Wait for that run to end (the lock goes away with its process)";
    if (other.pid != 0 && other.host != this_host()) msg += "; it runs on another machine that shares this folder";
    return Status::error(Code::refused, msg);
  }
  auto impl = std::make_unique<Impl>();
  impl->file = std::move(*h);
  LockHolder me;
  me.pid = static_cast<std::int64_t>(::GetCurrentProcessId());
  me.host = this_host();
  me.started_at = format_utc_ms(JournalWriter::system_clock_ms());
  me.nonce = random_nonce();
  const std::string text = serialize_lock_holder(me);
  HANDLE fh = impl->file.get();
  LARGE_INTEGER zero{};
  if (!::SetFilePointerEx(fh, zero, nullptr, FILE_BEGIN) || !::SetEndOfFile(fh)) {
    return w32::error_status("cannot write the lock file", path, ::GetLastError());
  }
  DWORD written = 0;
  if (!::WriteFile(fh, text.data(), static_cast<DWORD>(text.size()), &written, nullptr) || written != text.size()) {
    return w32::error_status("cannot write the lock file", path, ::GetLastError());
  }
  if (!::FlushFileBuffers(fh)) return w32::error_status("cannot flush the lock file", path, ::GetLastError());
  return std::unique_ptr<StateLock>(new StateLock(std::move(impl), std::move(me)));
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
  return std::optional<LockHolder>(read_holder(path));
}

}  // namespace adrestore::exec
