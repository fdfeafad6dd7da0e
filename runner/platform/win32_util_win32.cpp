// The Win32 boundary helpers of platform/win32.h: UTF-8 <-> UTF-16, long paths, error text.
#include <algorithm>
#include <limits>

#include "platform/win32.h"

namespace adrestore::platform::win32 {

Result<std::wstring> to_utf16(std::string_view utf8) {
  if (utf8.empty()) return std::wstring();
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return Status::error(Code::usage, "text is too long to convert to UTF-16");
  }
  const int in_len = static_cast<int>(utf8.size());
  const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), in_len, nullptr, 0);
  if (n <= 0) return Status::error(Code::usage, "'" + std::string(utf8) + "' is not valid UTF-8");
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), in_len, out.data(), n);
  return out;
}

std::string to_utf8(std::wstring_view utf16) {
  if (utf16.empty()) return {};
  const int in_len = static_cast<int>(std::min<std::size_t>(utf16.size(), std::numeric_limits<int>::max()));
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), in_len, nullptr, 0, nullptr, nullptr);
  if (n <= 0) return {};
  std::string out(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), in_len, out.data(), n, nullptr, nullptr);
  return out;
}

namespace {

bool starts_with(std::wstring_view s, std::wstring_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// \\?\ (Win32 file namespace), \\.\ (devices) and \??\ (NT) paths are used as given.
bool has_namespace_prefix(std::wstring_view p) {
  return starts_with(p, L"\\\\?\\") || starts_with(p, L"\\\\.\\") || starts_with(p, L"\\??\\");
}

}  // namespace

Result<std::wstring> long_path(const std::string& path, const std::string& what) {
  if (path.empty()) return Status::error(Code::usage, what + ": the path is empty");
  if (path.find('\0') != std::string::npos) {
    return Status::error(Code::usage, what + " " + path + ": the path contains a NUL byte");
  }
  auto wide = to_utf16(path);
  if (!wide) return wide.status().with_context(what);
  if (has_namespace_prefix(*wide)) return wide;
  // GetFullPathNameW makes the path absolute and turns '/' into '\' and resolves . and ..,
  // all of which the \\?\ form would otherwise take literally.
  DWORD need = ::GetFullPathNameW(wide->c_str(), 0, nullptr, nullptr);
  if (need == 0) return error_status(what, path, ::GetLastError());
  std::wstring full(need, L'\0');
  DWORD got = ::GetFullPathNameW(wide->c_str(), need, full.data(), nullptr);
  if (got == 0 || got >= need) return error_status(what, path, got == 0 ? ::GetLastError() : ERROR_BUFFER_OVERFLOW);
  full.resize(got);
  if (has_namespace_prefix(full)) return full;  // a reserved device name such as NUL or CON
  if (starts_with(full, L"\\\\")) return L"\\\\?\\UNC\\" + full.substr(2);
  return L"\\\\?\\" + full;
}

std::string error_text(DWORD code) {
  wchar_t* buf = nullptr;
  const DWORD n = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code,
      0, reinterpret_cast<LPWSTR>(&buf), 0, nullptr);
  std::string text;
  if (n > 0 && buf) text = to_utf8(std::wstring_view(buf, n));
  if (buf) ::LocalFree(buf);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
    text.pop_back();
  }
  if (text.empty()) text = "Win32 error";
  return text;
}

Status error_status(const std::string& what, const std::string& path, DWORD code) {
  Code c = Code::io;
  switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
      c = Code::not_found;
      break;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      c = Code::no_space;
      break;
    case ERROR_ACCESS_DENIED:
    case ERROR_WRITE_PROTECT:
    case ERROR_SHARING_VIOLATION:
      c = Code::access_denied;
      break;
    default:
      break;
  }
  std::string cause = error_text(code) + " (error " + std::to_string(code) + ")";
  return Status::error(c, what + " " + path + ": " + cause).with_cause(cause);
}

}  // namespace adrestore::platform::win32
