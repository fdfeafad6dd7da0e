#include "platform/win_argv.h"

#include "base/text.h"

namespace adrestore::platform {

std::string quote_windows_argument(std::string_view arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string_view::npos) return std::string(arg);
  std::string out = "\"";
  std::size_t backslashes = 0;
  for (const char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"') {
      // Backslashes before a quote are doubled, and the quote itself escaped.
      out.append(backslashes * 2 + 1, '\\');
    } else {
      out.append(backslashes, '\\');
    }
    backslashes = 0;
    out += c;
  }
  // Backslashes before the closing quote are doubled so they do not escape it.
  out.append(backslashes * 2, '\\');
  out += '"';
  return out;
}

Result<std::string> build_windows_command_line(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].empty()) return Status::error(Code::invalid_input, "no program to run");
  for (const std::string& a : argv) {
    if (a.find('\0') != std::string::npos) return Status::error(Code::invalid_input, "an argument contains a NUL byte");
  }
  const std::string& program = argv[0];
  if (program.find('"') != std::string::npos) {
    return Status::error(Code::invalid_input, "a program path cannot contain '\"': " + program);
  }
  std::string line = program.find_first_of(" \t") == std::string::npos ? program : "\"" + program + "\"";
  for (std::size_t i = 1; i < argv.size(); ++i) {
    line += ' ';
    line += quote_windows_argument(argv[i]);
  }
  return line;
}

std::vector<std::string> parse_windows_command_line(std::string_view s) {
  std::vector<std::string> args;
  std::size_t i = 0;
  // The program: no escapes at all.
  std::string program;
  if (i < s.size() && s[i] == '"') {
    ++i;
    while (i < s.size() && s[i] != '"') program += s[i++];
    if (i < s.size()) ++i;
  } else {
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') program += s[i++];
  }
  args.push_back(program);

  for (;;) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    std::string arg;
    bool quoted = false;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '\\') {
        std::size_t n = 0;
        while (i < s.size() && s[i] == '\\') {
          ++n;
          ++i;
        }
        if (i < s.size() && s[i] == '"') {
          arg.append(n / 2, '\\');
          if (n % 2 == 1) {
            arg += '"';
            ++i;
          }
        } else {
          arg.append(n, '\\');
        }
        continue;
      }
      if (c == '"') {
        if (quoted && i + 1 < s.size() && s[i + 1] == '"') {  // "" inside quotes: a literal quote
          arg += '"';
          i += 2;
          continue;
        }
        quoted = !quoted;
        ++i;
        continue;
      }
      if (!quoted && (c == ' ' || c == '\t')) break;
      arg += c;
      ++i;
    }
    args.push_back(arg);
  }
  return args;
}

bool is_batch_program(std::string_view program) {
  const std::size_t sep = program.find_last_of("\\/");
  std::string_view name = sep == std::string_view::npos ? program : program.substr(sep + 1);
  while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.remove_suffix(1);
  const std::string lower = to_lower_ascii(name);
  return ends_with(lower, ".bat") || ends_with(lower, ".cmd");
}

}  // namespace adrestore::platform
