#include "cli/report.h"

#include <nlohmann/json.hpp>

#include "base/text.h"

namespace adrestore::cli {
namespace {

const char* k_red = "\033[31m";
const char* k_yellow = "\033[33m";
const char* k_bold = "\033[1m";
const char* k_reset = "\033[0m";

}  // namespace

std::string xml_escape(const std::string& text) {
  // XML must be well-formed UTF-8, and a file name need not be: replace each invalid
  // sequence with U+FFFD so that one odd name cannot make the whole report unreadable.
  std::string valid;
  for (std::string_view rest = text; !rest.empty();) {
    const std::optional<std::size_t> bad = find_invalid_utf8(rest);
    if (!bad) {
      valid += rest;
      break;
    }
    valid += rest.substr(0, *bad);
    valid += "\xEF\xBF\xBD";
    rest.remove_prefix(*bad + 1);
  }
  std::string out;
  for (char c : valid) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even when escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += "?";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string github_escape_data(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out += c;
    }
  }
  return out;
}

std::string github_escape_property(const std::string& text) {
  std::string out;
  for (char c : github_escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

void write_text_report(std::ostream& out, const std::vector<FileReport>& files, bool color) {
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t invalid = 0;
  for (const FileReport& f : files) {
    for (const input::Diagnostic& d : f.diags.items()) {
      // Escape first: the colour codes added below are the only control characters allowed out.
      std::string line = escape_for_terminal(input::format_text(d));
      if (color) {
        const std::string sev = std::string(input::severity_name(d.severity)) + ":";
        const std::size_t pos = line.find(": " + sev);
        if (pos != std::string::npos) {
          const char* c = d.severity == input::Severity::error ? k_red : d.severity == input::Severity::warning ? k_yellow : k_bold;
          line = k_bold + line.substr(0, pos) + k_reset + ": " + c + sev + k_reset + line.substr(pos + 2 + sev.size());
        }
      }
      out << line << "\n";
      if (d.severity == input::Severity::error) ++errors;
      if (d.severity == input::Severity::warning) ++warnings;
    }
    if (!f.valid()) ++invalid;
  }
  out << files.size() << (files.size() == 1 ? " file" : " files") << " checked: " << (files.size() - invalid)
      << " valid, " << invalid << " invalid (" << errors << (errors == 1 ? " error" : " errors") << ", " << warnings
      << (warnings == 1 ? " warning" : " warnings") << ")\n";
}

void write_json_report(std::ostream& out, const std::vector<FileReport>& files) {
  // ordered_json keeps the fields in reading order (version, files, summary) for people who
  // look at the report; tools do not care.
  nlohmann::ordered_json doc;
  doc["version"] = 1;
  doc["files"] = nlohmann::ordered_json::array();
  std::size_t invalid = 0;
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const FileReport& f : files) {
    nlohmann::ordered_json jf;
    jf["file"] = f.file;
    if (!f.kind.empty()) jf["kind"] = f.kind;
    jf["valid"] = f.valid();
    jf["unreadable"] = f.unreadable;  // exit code 2 rather than 1
    jf["diagnostics"] = nlohmann::ordered_json::array();
    for (const input::Diagnostic& d : f.diags.items()) {
      nlohmann::ordered_json jd;
      jd["severity"] = input::severity_name(d.severity);
      jd["line"] = d.mark.line;
      jd["column"] = d.mark.column;
      jd["path"] = d.path;
      jd["message"] = d.message;
      jf["diagnostics"].push_back(jd);
      if (d.severity == input::Severity::error) ++errors;
      if (d.severity == input::Severity::warning) ++warnings;
    }
    if (!f.valid()) ++invalid;
    doc["files"].push_back(jf);
  }
  doc["summary"] = {{"files", files.size()},
                    {"valid", files.size() - invalid},
                    {"invalid", invalid},
                    {"errors", errors},
                    {"warnings", warnings}};
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void write_github_report(std::ostream& out, const std::vector<FileReport>& files) {
  std::size_t invalid = 0;
  for (const FileReport& f : files) {
    for (const input::Diagnostic& d : f.diags.items()) {
      out << "::" << (d.severity == input::Severity::error ? "error" : d.severity == input::Severity::warning ? "warning" : "notice")
          << " file=" << github_escape_property(d.file);
      if (d.mark.line > 0) out << ",line=" << d.mark.line << ",col=" << d.mark.column;
      out << ",title=" << github_escape_property(d.path.empty() ? std::string("adrestore") : d.path)
          << "::" << github_escape_data(d.path.empty() ? d.message : d.path + ": " + d.message) << "\n";
    }
    if (!f.valid()) ++invalid;
  }
  out << files.size() - invalid << " passed, " << invalid << " failed\n";
}

void write_junit_report(std::ostream& out, const std::vector<FileReport>& files, const std::string& suite_name) {
  std::size_t failures = 0;
  for (const FileReport& f : files) failures += f.valid() ? 0 : 1;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"" << xml_escape(suite_name) << "\" tests=\"" << files.size() << "\" failures=\""
      << failures << "\" errors=\"0\">\n";
  out << "  <testsuite name=\"" << xml_escape(suite_name) << "\" tests=\"" << files.size() << "\" failures=\""
      << failures << "\" errors=\"0\" skipped=\"0\">\n";
  for (const FileReport& f : files) {
    out << "    <testcase name=\"" << xml_escape(f.file) << "\" classname=\"" << xml_escape(suite_name) << "\"";
    if (f.valid()) {
      out << "/>\n";
      continue;
    }
    out << ">\n      <failure message=\"" << xml_escape(std::to_string(f.diags.error_count()) + " error(s)")
        << "\" type=\"invalid\">";
    for (const input::Diagnostic& d : f.diags.items()) out << xml_escape(input::format_text(d)) << "\n";
    out << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace adrestore::cli
