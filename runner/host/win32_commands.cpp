// The command lines of win32_host.h and the reading of their results, portable so that they
// are tested on every platform.
#include <algorithm>
#include <cctype>

#include "base/text.h"
#include "host/win32_host.h"

namespace adrestore::host {

namespace {

std::string trim(std::string_view text) {
  const std::size_t b = text.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return std::string(text.substr(b, text.find_last_not_of(" \t") - b + 1));
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  return to_lower_ascii(haystack).find(to_lower_ascii(needle)) != std::string::npos;
}

// Output as lines, without NULs (a program writing UTF-16 to the pipe leaves one after every
// ASCII character) and without '\r'.
std::vector<std::string> output_lines(std::string_view output) {
  std::string text;
  text.reserve(output.size());
  for (const char c : output) {
    if (c != '\0' && c != '\r') text += c;
  }
  std::vector<std::string> lines;
  for (std::string& l : split(text, '\n')) {
    const std::string t = trim(l);
    if (!t.empty()) lines.push_back(t);
  }
  return lines;
}

}  // namespace

std::vector<std::string> clear_safeboot_command(const std::string& system_dir) {
  return {system_dir + "\\bcdedit.exe", "/deletevalue", "safeboot"};
}

std::vector<std::string> restart_command(const std::string& system_dir) {
  return {
      system_dir + "\\shutdown.exe", "/r", "/t", "5", "/c", "adrestore: restarting into normal mode after the restore"};
}

SafebootClear classify_clear_safeboot(bool exited_zero, std::string_view output) {
  if (exited_zero) return SafebootClear::cleared;
  for (const std::string& line : output_lines(output)) {
    if (contains_ci(line, "element not found") || contains_ci(line, "the element data is not valid")) {
      return SafebootClear::not_set;
    }
  }
  return SafebootClear::failed;
}

Result<std::string> ntdsutil_dn(const std::string& dn) {
  std::string out;
  out.reserve(dn.size() + 8);
  for (std::size_t i = 0; i < dn.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(dn[i]);
    if (c < 0x20 || c == 0x7F) {
      return Status::error(Code::invalid_input, "the distinguished name '" + escape_for_terminal(dn) +
                                                    "' holds a control character; it cannot be passed to ntdsutil");
    }
    if (c == '"') {
      return Status::error(Code::invalid_input, "the distinguished name '" + escape_for_terminal(dn) +
                                                    "' holds an unescaped '\"'; write it as \\22 (RFC 4514)");
    }
    if (c == '\\') {
      if (i + 1 >= dn.size()) {
        return Status::error(Code::invalid_input,
                             "the distinguished name '" + escape_for_terminal(dn) + "' ends with a lone backslash");
      }
      const char e = dn[i + 1];
      if (e == '"') {
        out += "\\22";  // the same character, with no '"' for ntdsutil to end the DN at
      } else {
        out += '\\';
        out += e;
      }
      ++i;
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

Result<std::vector<std::string>> authoritative_restore_command(const std::string& system_dir,
                                                               const std::vector<std::string>& subtrees,
                                                               const std::vector<std::string>& objects) {
  // ntdsutil takes each argument as one command; "popups off" keeps it from asking in a
  // dialog box. A DN is quoted inside its command (DNs contain spaces and commas).
  std::vector<std::string> argv = {system_dir + "\\ntdsutil.exe", "popups off", "activate instance ntds",
                                   "authoritative restore"};
  for (const auto& [list, verb] :
       {std::pair{&subtrees, "restore subtree \""}, std::pair{&objects, "restore object \""}}) {
    for (const std::string& dn : *list) {
      auto safe = ntdsutil_dn(dn);
      if (!safe) return safe.status();
      argv.push_back(verb + *safe + "\"");
    }
  }
  argv.push_back("quit");
  argv.push_back("quit");
  return argv;
}

NtdsutilVerdict judge_ntdsutil_output(std::string_view output, bool exited_zero, const std::vector<std::string>& argv) {
  NtdsutilVerdict v;
  std::size_t restores = 0;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (starts_with(argv[i], "restore ")) ++restores;
  }
  std::size_t updated = 0;
  std::string failure_line;
  for (std::string line : output_lines(output)) {
    // ntdsutil echoes each command after its prompt ("authoritative restore: restore subtree
    // "OU=Failed Logins,..."); a DN's words must not count as ntdsutil's.
    for (std::size_t i = 1; i < argv.size(); ++i) {
      for (std::size_t p; (p = line.find(argv[i])) != std::string::npos;) line.erase(p, argv[i].size());
    }
    const std::string lower = to_lower_ascii(line);
    for (const char* word : {"error", "fail", "unable", "cannot", "could not", "invalid"}) {
      if (failure_line.empty() && lower.find(word) != std::string::npos) failure_line = trim(line);
    }
    if (const std::size_t p = lower.find("successfully updated"); p != std::string::npos) {
      ++updated;
      std::size_t k = p + std::string_view("successfully updated").size();
      while (k < lower.size() && lower[k] == ' ') ++k;
      std::size_t digits = k;
      while (digits < lower.size() && std::isdigit(static_cast<unsigned char>(lower[digits]))) ++digits;
      if (digits > k &&
          std::all_of(lower.begin() + static_cast<std::ptrdiff_t>(k),
                      lower.begin() + static_cast<std::ptrdiff_t>(digits), [](char c) { return c == '0'; })) {
        v.warnings.push_back("ntdsutil updated no records for one of the DNs (\"" + trim(line) +
                             "\"); check that each DN exists in the restored database");
      }
    }
    // Back-link files are listed by name, one a line, after "... have been created in the
    // current working directory:".
    for (const std::string& word : split(line, ' ')) {
      const std::string w = trim(word);
      if (w.size() > 4 && ends_with(to_lower_ascii(w), ".ldf") &&
          std::find(v.ldif_files.begin(), v.ldif_files.end(), w) == v.ldif_files.end()) {
        v.ldif_files.push_back(w);
      }
    }
  }
  if (!exited_zero) {
    v.reason = failure_line.empty() ? "ntdsutil failed" : "ntdsutil failed: " + failure_line;
  } else if (!failure_line.empty()) {
    v.reason = "ntdsutil exited 0 but reported a failure: " + failure_line;
  } else if (updated < restores) {
    v.reason = "ntdsutil exited 0 but confirmed " + std::to_string(updated) + " of " + std::to_string(restores) +
               " restore command(s) (no \"Successfully updated N records\" line for the others); its output was "
               "not recognised, so the data is not known to be marked authoritative";
  } else {
    v.ok = true;
  }
  return v;
}

bool dsrm_from_facts(const DsrmFacts& f) {
  if (!f.option_value) return false;  // not a safe boot: the variable alone can be set by anyone
  if (f.system_start_options) {
    // Tokens are separated by spaces; the loader writes "SAFEBOOT:DSREPAIR" (or MINIMAL, NETWORK).
    for (const std::string& token : split(to_lower_ascii(*f.system_start_options), ' ')) {
      std::string t = trim(token);
      if (starts_with(t, "/")) t.erase(0, 1);
      if (starts_with(t, "safeboot:")) return t == "safeboot:dsrepair";
    }
  }
  if (*f.option_value == 3) return true;  // SAFEBOOT_DSREPAIR
  return f.safeboot_option_env && iequals(*f.safeboot_option_env, "DSREPAIR");
}

}  // namespace adrestore::host
