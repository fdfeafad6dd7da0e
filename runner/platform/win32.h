// Private to runner/platform/*_win32.cpp (and the Windows test support): handles, text and
// paths, and errors at the Win32 boundary. Everything else sees portable declarations in
// platform/*.h.
//
// Paths cross this boundary as UTF-8 std::string on our side and as UTF-16 with the
// \\?\ long-path prefix on the Win32 side. The prefix is added here and never appears in a
// message: messages always name the path the caller gave.
#pragma once

#include "platform/win32_api.h"  // <windows.h>, configured in one place

#include <string>
#include <string_view>

#include "base/status.h"

namespace adrestore::platform::win32 {

// Owns a kernel handle; "no handle" is nullptr or INVALID_HANDLE_VALUE (Win32 uses both).
class Handle {
 public:
  Handle() = default;
  explicit Handle(HANDLE h) : m_handle(h) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : m_handle(other.release()) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  bool valid() const { return m_handle != nullptr && m_handle != INVALID_HANDLE_VALUE; }
  explicit operator bool() const { return valid(); }
  HANDLE get() const { return m_handle; }
  HANDLE release() {
    HANDLE h = m_handle;
    m_handle = nullptr;
    return h;
  }
  void reset(HANDLE h = nullptr) {
    if (valid()) ::CloseHandle(m_handle);
    m_handle = h;
  }
  // Closes now and reports whether CloseHandle succeeded (true when there was nothing to close).
  bool close() {
    const bool ok = !valid() || ::CloseHandle(m_handle) != 0;
    m_handle = nullptr;
    return ok;
  }

 private:
  HANDLE m_handle = nullptr;
};

// Owns a FindFirstFileExW search handle.
class FindHandle {
 public:
  explicit FindHandle(HANDLE h) : m_handle(h) {}
  ~FindHandle() {
    if (valid()) ::FindClose(m_handle);
  }
  FindHandle(const FindHandle&) = delete;
  FindHandle& operator=(const FindHandle&) = delete;
  bool valid() const { return m_handle != INVALID_HANDLE_VALUE && m_handle != nullptr; }
  HANDLE get() const { return m_handle; }

 private:
  HANDLE m_handle;
};

// UTF-8 -> UTF-16. Fails (Code::usage) on malformed UTF-8 instead of guessing.
Result<std::wstring> to_utf16(std::string_view utf8);
// UTF-16 -> UTF-8. Unpaired surrogates (legal in NTFS names) become U+FFFD.
std::string to_utf8(std::wstring_view utf16);

// The path as Win32 should see it: UTF-16, absolute, backslashes, with the \\?\ (or
// \\?\UNC\) prefix so that paths longer than MAX_PATH work. Device paths (\\.\...) and
// paths that already carry a prefix are passed through. `what` names the operation for the
// error message ("cannot open").
Result<std::wstring> long_path(const std::string& path, const std::string& what);

// The system's text for a Win32 error code, without the trailing period and line break.
std::string error_text(DWORD code);

// "what path: <system text> (error N)" with a Code that callers can act on
// (not_found for a missing file or folder, io otherwise).
Status error_status(const std::string& what, const std::string& path, DWORD code);

}  // namespace adrestore::platform::win32
