// Absolute Windows paths as plans, manifests and the simulator use them. Parsing is strict:
// a path that Windows would silently reinterpret (trailing dots, device names, alternate data
// streams, \\?\ prefixes, "..") is refused, so that containment checks cannot be fooled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adrestore {

class WinPath {
 public:
  enum class Root { drive, unc };

  // Parses an absolute path: "D:\dir\file" or "\\server\share\dir". Forward slashes are
  // accepted as separators; a trailing separator is ignored.
  static Result<WinPath> parse(std::string_view text);

  Root root() const { return m_root; }
  char drive() const { return m_drive; }  // upper case, drive roots only
  const std::string& server() const { return m_server; }
  const std::string& share() const { return m_share; }
  const std::vector<std::string>& segments() const { return m_segments; }

  // Canonical text with backslashes: D:\NTDS\ntds.dit, \\srv\share\x.
  std::string str() const;
  // True when both name the same place (case-insensitive, as on Windows).
  bool equals(const WinPath& other) const;
  // True when this path lies strictly inside `dir` (segment-wise: D:\NTDS_x is not inside D:\NTDS).
  bool is_inside(const WinPath& dir) const;
  bool equals_or_inside(const WinPath& dir) const { return equals(dir) || is_inside(dir); }
  WinPath child(const std::string& name) const;
  WinPath parent() const;  // the root's parent is the root
  std::string file_name() const { return m_segments.empty() ? std::string() : m_segments.back(); }

 private:
  bool same_root(const WinPath& other) const;
  Root m_root = Root::drive;
  char m_drive = 'C';
  std::string m_server;
  std::string m_share;
  std::vector<std::string> m_segments;
};

// Checks one path segment (a file or folder name); returns an explanation when Windows would
// refuse or reinterpret it, or an empty string when it is fine.
std::string check_windows_name(std::string_view name);

}  // namespace adrestore
