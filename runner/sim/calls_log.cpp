#include "sim/calls_log.h"

#include <cstdio>
#include <cstdlib>

#include "base/text.h"
#include "platform/fs.h"

namespace adrestore::sim {
namespace {

bool needs_escape(unsigned char c) { return c <= 0x20 || c == 0x7F || c == '%' || c == '"'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string encode_log_value(std::string_view v) {
  if (v.empty()) return "\"\"";  // stands for "empty" ("\"" is always encoded), so key= never looks cut off
  // Text that is not UTF-8 has every non-ASCII byte escaped, so calls.log stays UTF-8.
  const bool raw_high = !find_invalid_utf8(v).has_value();
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (needs_escape(c) || (c >= 0x80 && !raw_high)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string decode_log_value(std::string_view v) {
  if (v == "\"\"") return {};
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && hex_digit(v[i + 1]) >= 0 && hex_digit(v[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(v[i + 1]) * 16 + hex_digit(v[i + 2])));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

CallLine& CallLine::arg(const std::string& key, const std::string& value) {
  m_args += " " + key + "=" + encode_log_value(value);
  return *this;
}

CallLine& CallLine::out(const std::string& key, const std::string& value) {
  m_outs += " " + key + "=" + encode_log_value(value);
  return *this;
}

CallLine& CallLine::note(const std::string& word) {
  m_outs += " " + word;
  return *this;
}

std::string CallLine::finish(ntds::HResult hr) const {
  return m_call + m_args + " -> " + ntds::hresult_name(hr) + " (" + ntds::hresult_hex(hr) + ")" + m_outs;
}

std::string CallLine::finish_void() const { return m_call + m_args + " -> void" + m_outs; }

Result<CallRecord> parse_call_line(std::string_view line) {
  CallRecord r;
  r.line = std::string(line);
  auto bad = [&](const std::string& why) {
    return Status::error(Code::corrupt, "calls.log line '" + escape_for_terminal(line) + "': " + why);
  };
  if (line.empty() || line[0] == '#') return bad("not an API call");
  const std::vector<std::string> tokens = split(line, ' ');
  std::size_t i = 0;
  r.call = tokens[i++];
  if (r.call.empty()) return bad("no call name");
  for (; i < tokens.size() && tokens[i] != "->"; ++i) {
    const std::size_t eq = tokens[i].find('=');
    if (eq == std::string::npos) return bad("argument '" + tokens[i] + "' is not key=value");
    r.args[tokens[i].substr(0, eq)] = decode_log_value(std::string_view(tokens[i]).substr(eq + 1));
  }
  if (i >= tokens.size()) return bad("no '->' result");
  ++i;
  if (i >= tokens.size()) return bad("no result after '->'");
  if (tokens[i] == "void") {
    r.is_void = true;
    ++i;
  } else {
    if (i + 1 >= tokens.size()) return bad("result has no hex value");
    const std::string& hex = tokens[i + 1];
    if (hex.size() != 12 || hex.front() != '(' || hex.back() != ')' || hex.compare(1, 2, "0x") != 0) {
      return bad("result value '" + hex + "' is not (0xXXXXXXXX)");
    }
    r.hresult = ntds::HResult(static_cast<std::uint32_t>(std::strtoul(hex.substr(3, 8).c_str(), nullptr, 16)));
    i += 2;
  }
  for (; i < tokens.size(); ++i) {
    const std::size_t eq = tokens[i].find('=');
    if (eq == std::string::npos) {
      if (tokens[i] == "fault") r.injected = true;
      r.outputs[tokens[i]] = "";
    } else {
      r.outputs[tokens[i].substr(0, eq)] = decode_log_value(std::string_view(tokens[i]).substr(eq + 1));
    }
  }
  return r;
}

Result<std::vector<CallRecord>> read_calls_log(const std::string& path, platform::FileSystem& fs) {
  std::vector<CallRecord> out;
  auto info = fs.stat(path);
  if (info && info->type == platform::FileType::missing) return out;  // no call yet
  auto text = platform::read_file(fs, path, 64u << 20);
  if (!text) return text.status();
  for (const std::string& line : split(*text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto rec = parse_call_line(line);
    if (!rec) return rec.status().with_context(path);
    out.push_back(std::move(*rec));
  }
  return out;
}

std::vector<std::string> call_names(const std::vector<CallRecord>& records, FreeCalls frees) {
  std::vector<std::string> names;
  for (const CallRecord& r : records) {
    if (frees == FreeCalls::exclude && r.call == "DsBackupFree") continue;
    names.push_back(r.call);
  }
  return names;
}

}  // namespace adrestore::sim
