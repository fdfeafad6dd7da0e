// Output formats for per-file diagnostics: text, json, github annotations and JUnit XML.
// Used by `validate` (and by `test` for its own documents).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "input/diagnostic.h"

namespace adrestore::cli {

struct FileReport {
  std::string file;
  std::string kind;  // RestorePlan, PlanTest...
  input::Diagnostics diags;
  bool unreadable = false;
  bool valid() const { return !unreadable && !diags.has_errors(); }
};

void write_text_report(std::ostream& out, const std::vector<FileReport>& files, bool color);
void write_json_report(std::ostream& out, const std::vector<FileReport>& files);
void write_github_report(std::ostream& out, const std::vector<FileReport>& files);
void write_junit_report(std::ostream& out, const std::vector<FileReport>& files, const std::string& suite_name);

// XML and GitHub workflow-command escaping, exposed for tests.
std::string xml_escape(const std::string& text);
std::string github_escape_data(const std::string& text);
std::string github_escape_property(const std::string& text);

}  // namespace adrestore::cli
