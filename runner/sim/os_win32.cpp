#include <windows.h>

#include <string>

#include "sim/os.h"

namespace adrestore::sim {
namespace {

std::string creation_time(HANDLE process) {
  FILETIME created, exited, kernel, user;
  if (!GetProcessTimes(process, &created, &exited, &kernel, &user)) return {};
  const unsigned long long t = (static_cast<unsigned long long>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
  return std::to_string(t);
}

class Win32Lock : public FileLock {
 public:
  explicit Win32Lock(HANDLE h) : m_handle(h) {}
  ~Win32Lock() override {
    OVERLAPPED ov{};
    UnlockFileEx(m_handle, 0, 1, 0, &ov);
    CloseHandle(m_handle);
  }

 private:
  HANDLE m_handle;
};

std::wstring widen(const std::string& s) {
  if (s.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

}  // namespace

ProcessIdentity current_process() {
  return ProcessIdentity{static_cast<std::int64_t>(GetCurrentProcessId()), creation_time(GetCurrentProcess())};
}

bool process_alive(const ProcessIdentity& p) {
  if (p.pid <= 0) return false;
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(p.pid));
  if (!h) return GetLastError() == ERROR_ACCESS_DENIED;  // exists but is not ours to open
  DWORD code = 0;
  bool alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
  if (alive && !p.nonce.empty()) {
    const std::string now = creation_time(h);
    alive = now.empty() || now == p.nonce;
  }
  CloseHandle(h);
  return alive;
}

Result<std::unique_ptr<FileLock>> FileLock::acquire(const std::string& path) {
  HANDLE h = CreateFileW(widen(path).c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                         OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    return Status::error(Code::io, path + ": cannot open lock file (error " + std::to_string(GetLastError()) + ")");
  }
  OVERLAPPED ov{};
  if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ov)) {
    const DWORD err = GetLastError();
    CloseHandle(h);
    return Status::error(Code::io, path + ": cannot lock (error " + std::to_string(err) + ")");
  }
  return std::unique_ptr<FileLock>(new Win32Lock(h));
}

}  // namespace adrestore::sim
