// calls.log: one line per API call a world received, the evidence plan tests assert on.
//
//   DsRestorePrepare server=DC01 rtFlag=0x4 token=32B -> hrNone (0x00000000) hbc=#5 pid=4242
//   DsBackupFree buffer=#7 -> void error=double-free pid=4242
//   DsRestoreGetDatabaseLocations hbc=#5 -> hrCouldNotConnect (0xC7FF0007) fault pid=4242
//   # restart boot=2 ntdsStarted=true events=1109
//
// The call name comes first, then the arguments as key=value, then "->" and the result
// (symbolic name and hex value, or "void"), then outputs and notes. Values never contain
// spaces: space, '%', '"' and control characters are percent-encoded (a key ends at the first '=')
// (C:\Program%20Files); an empty value is written "". Lines starting with '#' are host events (restart, authoritative
// marks), not API calls.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ntds/hresult.h"
#include "platform/fs.h"

namespace adrestore::sim {

std::string encode_log_value(std::string_view v);
std::string decode_log_value(std::string_view v);

// Builds one line.
class CallLine {
 public:
  explicit CallLine(std::string call) : m_call(std::move(call)) {}
  CallLine& arg(const std::string& key, const std::string& value);
  CallLine& out(const std::string& key, const std::string& value);
  CallLine& note(const std::string& word);  // a bare word after the result, such as "fault"
  std::string finish(ntds::HResult hr) const;
  std::string finish_void() const;

 private:
  std::string m_call;
  std::string m_args;
  std::string m_outs;
};

struct CallRecord {
  std::string call;                          // "DsRestorePrepare"
  ntds::HResult hresult;                     // S_OK for void calls
  bool is_void = false;
  bool injected = false;                     // failed by a fault
  std::map<std::string, std::string> args;   // decoded
  std::map<std::string, std::string> outputs;
  std::string line;
};

// Parses one API-call line; fails on event lines and malformed lines.
Result<CallRecord> parse_call_line(std::string_view line);

// Reads a calls.log (at most 64 MiB) back as its API calls, in order, skipping event lines.
Result<std::vector<CallRecord>> read_calls_log(const std::string& path, platform::FileSystem& fs = platform::system_fs());

// Just the call names, in order ("calls" expectations of plan tests). DsBackupFree lines
// can be left out: they follow every successful list call and would clutter expectations.
enum class FreeCalls { include, exclude };
std::vector<std::string> call_names(const std::vector<CallRecord>& records, FreeCalls frees = FreeCalls::include);

}  // namespace adrestore::sim
