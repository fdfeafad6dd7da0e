// One finding about an input file: where it is, which field, and what to do about it.
#pragma once

#include <string>
#include <vector>

#include "input/node.h"

namespace adrestore::input {

enum class Severity { error, warning, note };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;  // as the user wrote it
  Mark mark;
  std::string path;  // field path, e.g. spec.hooks.pre[0].timeout; empty for the whole file
  std::string message;
};

const char* severity_name(Severity s);

class Diagnostics {
 public:
  explicit Diagnostics(std::string file = {}) : m_file(std::move(file)) {}
  void error(Mark mark, std::string path, std::string message);
  void warning(Mark mark, std::string path, std::string message);
  void note(Mark mark, std::string path, std::string message);
  void add(Diagnostic d) { m_items.push_back(std::move(d)); }
  void append(const Diagnostics& other);

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return m_items; }
  const std::string& file() const { return m_file; }
  // Orders by line and column, and drops exact duplicates (same place, same message).
  void sort_and_dedupe();
  // True when an error is already reported at this mark.
  bool has_error_at(Mark mark) const;

 private:
  std::string m_file;
  std::vector<Diagnostic> m_items;
};

// file:line:col: error: path: message
std::string format_text(const Diagnostic& d);

}  // namespace adrestore::input
