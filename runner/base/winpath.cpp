#include "base/winpath.h"

#include <cctype>

#include "base/text.h"

namespace adrestore {
namespace {

bool is_reserved_device(std::string_view name) {
  // The part before the first dot decides: "NUL.txt" is the NUL device too.
  const std::string stem = to_lower_ascii(name.substr(0, name.find('.')));
  std::string trimmed = stem;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
  static const char* fixed[] = {"con", "prn", "aux", "nul", "conin$", "conout$"};
  for (const char* f : fixed) {
    if (trimmed == f) return true;
  }
  if (!starts_with(trimmed, "com") && !starts_with(trimmed, "lpt")) return false;
  const std::string_view digit = std::string_view(trimmed).substr(3);
  if (digit.size() == 1 && digit[0] >= '0' && digit[0] <= '9') return true;
  // Windows also reserves COM and LPT followed by a superscript 1, 2 or 3 (U+00B9, U+00B2, U+00B3).
  return digit == "\xC2\xB9" || digit == "\xC2\xB2" || digit == "\xC2\xB3";
}

}  // namespace

std::string check_windows_name(std::string_view name) {
  if (name.empty()) return "has an empty path segment (two separators in a row)";
  if (name == "." || name == "..") return "has a '" + std::string(name) + "' segment; write the path without it";
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '*' || c == '?') return "contains a wildcard ('" + std::string(1, c) + "')";
    if (c == ':') return "contains ':' after the drive (an alternate data stream or a typo)";
    if (c == '<' || c == '>' || c == '|' || c == '"') return "contains '" + std::string(1, c) + "', which Windows does not allow in names";
    if (u < 0x20) return "contains a control character";
  }
  if (name.back() == '.' || name.back() == ' ') {
    return "has a segment ending in a dot or a space ('" + std::string(name) +
           "'); Windows strips those, so it would name a different folder";
  }
  if (is_reserved_device(name)) return "uses the reserved device name '" + std::string(name) + "'";
  return {};
}

Result<WinPath> WinPath::parse(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return Status::error(Code::invalid_input, "'" + escape_for_terminal(text) + "' " + why);
  };
  std::string s(text);
  for (char& c : s) {
    if (c == '/') c = '\\';
  }
  if (starts_with(s, "\\\\?\\") || starts_with(s, "\\\\.\\") || starts_with(s, "\\??\\")) {
    return fail("uses a \\\\?\\ or \\\\.\\ device prefix; write the plain path (adrestore adds the long-path prefix itself)");
  }
  WinPath p;
  std::string rest;
  if (s.size() >= 2 && std::isalpha(static_cast<unsigned char>(s[0])) && s[1] == ':') {
    if (s.size() < 3 || s[2] != '\\') return fail("is not absolute; write a drive and a backslash, such as D:\\Backups");
    p.m_root = Root::drive;
    p.m_drive = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    rest = s.substr(3);
  } else if (starts_with(s, "\\\\")) {
    p.m_root = Root::unc;
    std::vector<std::string> parts = split(s.substr(2), '\\');
    if (parts.size() < 2 || parts[0].empty() || parts[1].empty()) {
      return fail("is not a complete UNC path; write \\\\server\\share\\folder");
    }
    for (int i = 0; i < 2; ++i) {
      if (std::string why = check_windows_name(parts[static_cast<std::size_t>(i)]); !why.empty()) return fail(why);
    }
    p.m_server = parts[0];
    p.m_share = parts[1];
    const std::size_t skip = 2 + parts[0].size() + 1 + parts[1].size();
    rest = skip < s.size() ? s.substr(skip + 1) : std::string();
  } else {
    return fail("is not an absolute Windows path; write D:\\folder or \\\\server\\share\\folder");
  }
  if (!rest.empty() && rest.back() == '\\') rest.pop_back();
  if (!rest.empty()) {
    for (std::string& seg : split(rest, '\\')) {
      if (std::string why = check_windows_name(seg); !why.empty()) return fail(why);
      p.m_segments.push_back(std::move(seg));
    }
  }
  if (s.size() > 32000) return fail("is longer than Windows allows");
  return p;
}

std::string WinPath::str() const {
  std::string out;
  if (m_root == Root::drive) {
    out += m_drive;
    out += ":\\";
  } else {
    out += "\\\\" + m_server + "\\" + m_share;
    if (!m_segments.empty()) out += "\\";
  }
  out += join(m_segments, "\\");
  return out;
}

bool WinPath::same_root(const WinPath& other) const {
  if (m_root != other.m_root) return false;
  if (m_root == Root::drive) return m_drive == other.m_drive;
  return iequals(m_server, other.m_server) && iequals(m_share, other.m_share);
}

bool WinPath::equals(const WinPath& other) const {
  if (!same_root(other) || m_segments.size() != other.m_segments.size()) return false;
  for (std::size_t i = 0; i < m_segments.size(); ++i) {
    if (!iequals(m_segments[i], other.m_segments[i])) return false;
  }
  return true;
}

bool WinPath::is_inside(const WinPath& dir) const {
  if (!same_root(dir) || m_segments.size() <= dir.m_segments.size()) return false;
  for (std::size_t i = 0; i < dir.m_segments.size(); ++i) {
    if (!iequals(m_segments[i], dir.m_segments[i])) return false;
  }
  return true;
}

WinPath WinPath::child(const std::string& name) const {
  WinPath p = *this;
  p.m_segments.push_back(name);
  return p;
}

WinPath WinPath::parent() const {
  WinPath p = *this;
  if (!p.m_segments.empty()) p.m_segments.pop_back();
  return p;
}

}  // namespace adrestore
