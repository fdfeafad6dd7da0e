#include "ntds/api.h"

#include <cctype>
#include <cstdio>

#include "base/text.h"

namespace adrestore::ntds {

std::string bft_name(std::uint8_t bft) {
  switch (bft) {
    case k_bft_log:
      return "BFT_LOG (0x21)";
    case k_bft_log_dir:
      return "BFT_LOG_DIR (0x82)";
    case k_bft_checkpoint_dir:
      return "BFT_CHECKPOINT_DIR (0x83)";
    case k_bft_ntds_database:
      return "BFT_NTDS_DATABASE (0x44)";
    case k_bft_patch_file:
      return "BFT_PATCH_FILE (0x25)";
    case k_bft_unknown:
      return "BFT_UNKNOWN (0x0F)";
    default:
      break;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "BFT 0x%02X", static_cast<unsigned>(bft));
  return buf;
}

std::string format_bft_list(const BftList& list) {
  std::string out;
  for (const BftEntry& e : list) {
    out.push_back(static_cast<char>(e.bft));
    out += e.path;
    out.push_back('\0');
  }
  out.push_back('\0');
  return out;
}

Result<BftList> parse_bft_list(std::string_view raw) {
  BftList list;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    if (raw[pos] == '\0') {
      // The list terminator. Anything after it but padding NULs is a malformed buffer.
      for (std::size_t i = pos + 1; i < raw.size(); ++i) {
        if (raw[i] != '\0') {
          return Status::error(Code::corrupt, "file list has data after its terminating NUL at byte " + std::to_string(pos));
        }
      }
      return list;
    }
    const std::size_t end = raw.find('\0', pos);
    if (end == std::string_view::npos) {
      return Status::error(Code::corrupt, "file list entry at byte " + std::to_string(pos) +
                                              " is cut off: the buffer ends before its terminating NUL");
    }
    const std::size_t stop = end;
    if (stop - pos < 2) {
      return Status::error(Code::corrupt, "file list entry at byte " + std::to_string(pos) + " has a BFT code but no path");
    }
    BftEntry e;
    e.bft = static_cast<std::uint8_t>(raw[pos]);
    e.path = std::string(raw.substr(pos + 1, stop - pos - 1));
    list.push_back(std::move(e));
    pos = end + 1;
  }
  return list;  // the size excluded the final extra NUL
}

namespace {

struct CallName {
  Call call;
  const char* name;
};

const CallName k_call_names[] = {
    {Call::is_ntds_online, "DsIsNTDSOnline"},
    {Call::set_auth_identity, "DsSetAuthIdentity"},
    {Call::backup_prepare, "DsBackupPrepare"},
    {Call::backup_get_database_names, "DsBackupGetDatabaseNames"},
    {Call::backup_open_file, "DsBackupOpenFile"},
    {Call::backup_read, "DsBackupRead"},
    {Call::backup_close, "DsBackupClose"},
    {Call::backup_get_backup_logs, "DsBackupGetBackupLogs"},
    {Call::backup_truncate_logs, "DsBackupTruncateLogs"},
    {Call::backup_end, "DsBackupEnd"},
    {Call::backup_free, "DsBackupFree"},
    {Call::restore_prepare, "DsRestorePrepare"},
    {Call::restore_get_database_locations, "DsRestoreGetDatabaseLocations"},
    {Call::restore_register, "DsRestoreRegister"},
    {Call::restore_register_complete, "DsRestoreRegisterComplete"},
    {Call::restore_end, "DsRestoreEnd"},
};

}  // namespace

const std::vector<Call>& all_calls() {
  static const std::vector<Call> calls = [] {
    std::vector<Call> v;
    for (const CallName& c : k_call_names) v.push_back(c.call);
    return v;
  }();
  return calls;
}

const char* call_name(Call c) {
  for (const CallName& n : k_call_names) {
    if (n.call == c) return n.name;
  }
  return "?";
}

std::optional<Call> call_from_name(std::string_view name) {
  for (const CallName& n : k_call_names) {
    if (name == n.name) return n.call;
  }
  return std::nullopt;
}

WinPath local_form(const WinPath& path, const std::vector<std::string>& machine_names) {
  if (path.root() != WinPath::Root::unc) return path;
  const std::string& share = path.share();
  if (share.size() != 2 || share[1] != '$' || !std::isalpha(static_cast<unsigned char>(share[0]))) return path;
  bool ours = false;
  for (const std::string& m : machine_names) ours = ours || (!m.empty() && iequals(m, path.server()));
  if (!ours) return path;
  std::string text = std::string(1, share[0]) + ":";
  for (const std::string& seg : path.segments()) text += "\\" + seg;
  if (path.segments().empty()) text += "\\";
  auto local = WinPath::parse(text);
  return local ? *local : path;
}

}  // namespace adrestore::ntds
