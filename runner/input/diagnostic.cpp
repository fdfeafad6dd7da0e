#include "input/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace adrestore::input {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

void Diagnostics::error(Mark mark, std::string path, std::string message) {
  m_items.push_back({Severity::error, m_file, mark, std::move(path), std::move(message)});
}
void Diagnostics::warning(Mark mark, std::string path, std::string message) {
  m_items.push_back({Severity::warning, m_file, mark, std::move(path), std::move(message)});
}
void Diagnostics::note(Mark mark, std::string path, std::string message) {
  m_items.push_back({Severity::note, m_file, mark, std::move(path), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(m_items.begin(), m_items.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

bool Diagnostics::has_error_at(Mark mark) const {
  return std::any_of(m_items.begin(), m_items.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::error && d.mark.line == mark.line && d.mark.column == mark.column;
  });
}

void Diagnostics::sort_and_dedupe() {
  auto key = [](const Diagnostic& d) {
    return std::make_tuple(d.mark.line, d.mark.column, static_cast<int>(d.severity), d.path, d.message);
  };
  std::stable_sort(m_items.begin(), m_items.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  m_items.erase(std::unique(m_items.begin(), m_items.end(),
                            [&](const Diagnostic& a, const Diagnostic& b) { return key(a) == key(b); }),
                m_items.end());
}

std::string format_text(const Diagnostic& d) {
  std::string out = d.file;
  if (d.mark.line > 0) {
    out += ":" + std::to_string(d.mark.line) + ":" + std::to_string(d.mark.column);
  }
  out += ": ";
  out += severity_name(d.severity);
  out += ": ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

}  // namespace adrestore::input
