// The backup half of the simulated API (ntds-api.md 3.3-3.10, 5.1, 5.3).
#include <algorithm>

#include "base/text.h"
#include "sim/content.h"
#include "sim/sim_api_impl.h"

namespace adrestore::sim {

using ntds::HResult;
using namespace detail;

namespace {

constexpr std::uint32_t k_read_granule = 8192;
constexpr std::uint32_t k_read_minimum = 24576;

// cbReadHintSize and cbBuffer: a multiple of 8192 and at least 24576 [DOC].
bool valid_read_size(std::uint32_t n) { return n >= k_read_minimum && n % k_read_granule == 0; }

Context* backup_context(Transaction& tx, ntds::Hbc h, CallLine& line, HResult& err) {
  Context* c = usable_context(tx, h, line, err);
  if (c && c->kind != ContextKind::backup) {
    line.out("why", "not-a-backup-context");
    err = ntds::k_hr_invalid_handle;
    return nullptr;
  }
  return c;
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  auto a = WinPath::parse(name);
  for (const std::string& n : names) {
    if (n == name) return true;
    auto b = WinPath::parse(n);
    if (a && b && a->equals(*b)) return true;
  }
  return false;
}

struct LogFile {
  std::uint32_t generation;
  WinPath path;
};

// The DC's log files, edbXXXXX.log in its log directory, oldest first.
Result<std::vector<LogFile>> dc_logs(World& world, const WorldState& w) {
  std::vector<LogFile> logs;
  if (!w.ntds.logs) return logs;
  auto names = world.disks().list(*w.ntds.logs);
  if (!names) return logs;  // no log directory: no logs
  for (const std::string& n : *names) {
    std::uint32_t gen = 0;
    if (parse_log_file_name(n, gen)) logs.push_back({gen, w.ntds.logs->child(n)});
  }
  std::sort(logs.begin(), logs.end(), [](const LogFile& a, const LogFile& b) { return a.generation < b.generation; });
  return logs;
}

}  // namespace

HResult SimApi::backup_prepare(const std::string& server, std::uint32_t grbit, std::uint32_t bt_flag,
                               ntds::ExpiryToken& token, ntds::ApiBuffer& token_buffer, ntds::Hbc& hbc) {
  token.clear();
  token_buffer = {};
  hbc = {};
  ntds::ExpiryToken new_token;
  std::uint64_t buffer = 0;
  std::uint64_t context = 0;
  CallLine line("DsBackupPrepare");
  line.arg("server", server).arg("grbit", hex32(grbit)).arg("btFlag", hex32(bt_flag));
  const HResult hr = run(ntds::Call::backup_prepare, line, [&](Transaction& tx) {
    WorldState& w = tx.state();
    if (HResult s = check_server(w, server); !s.ok()) return s;
    if (!privilege_enabled(w, host::k_se_backup_privilege)) return w32(w, ntds::k_error_access_denied);
    if (!w.ntds_online) return ntds::k_hr_could_not_connect;  // "service not running" [DOC]
    // Only full backups exist: INCREMENTAL is documented as ERROR_INVALID_PARAMETER, and
    // LOGS_ONLY as unsupported (code unverified; we use the same).
    if (bt_flag != ntds::k_backup_type_full) return w32(w, ntds::k_error_invalid_parameter);
    for (const Context& c : w.contexts) {
      // One backup at a time on a DC [INFER from ESE].
      if (c.kind == ContextKind::backup && c.ended.empty()) return ntds::k_hr_backup_in_progress;
    }
    if (!room_for_context(w) || !room_for_buffer(w)) return w32(w, ntds::k_error_not_enough_memory);
    new_token = make_expiry_token(tx.now(), w.tombstone_lifetime);
    Context c;
    c.id = w.next_id++;
    c.kind = ContextKind::backup;
    c.owner = tx.me();
    context = c.id;
    w.contexts.push_back(std::move(c));
    buffer = allocate_buffer(tx, ntds::Call::backup_prepare, new_token.size());
    line.out("hbc", handle_text({context})).out("token", std::to_string(new_token.size()) + "B").out("buffer", buffer_text(buffer));
    return ntds::k_hr_none;
  });
  if (hr.ok()) {
    token = std::move(new_token);
    token_buffer = {buffer};
    hbc = {context};
  }
  return hr;
}

HResult SimApi::backup_get_database_names(ntds::Hbc hbc, ntds::BftList& names, ntds::ApiBuffer& buffer) {
  names.clear();
  buffer = {};
  ntds::BftList list;
  std::uint64_t id = 0;
  CallLine line("DsBackupGetDatabaseNames");
  line.arg("hbc", handle_text(hbc));
  const HResult hr = run(ntds::Call::backup_get_database_names, line, [&](Transaction& tx) {
    HResult err;
    Context* c = backup_context(tx, hbc, line, err);
    if (!c) return err;
    const WorldState& w = tx.state();
    ntds::BftList entries;
    if (w.ntds.database) entries.push_back({ntds::k_bft_ntds_database, reported_path(w, *w.ntds.database)});
    c->database_names.clear();
    for (const ntds::BftEntry& e : entries) c->database_names.push_back(e.path);
    return return_list(tx, ntds::Call::backup_get_database_names, entries, list, id, line);
  });
  if (hr.ok()) {
    names = std::move(list);
    buffer = {id};
  }
  return hr;
}

HResult SimApi::backup_open_file(ntds::Hbc hbc, const std::string& name, std::uint32_t read_hint, std::uint64_t& file_size) {
  file_size = 0;
  std::uint64_t size = 0;
  CallLine line("DsBackupOpenFile");
  line.arg("hbc", handle_text(hbc)).arg("name", name).arg("readHint", std::to_string(read_hint));
  const HResult hr = run(ntds::Call::backup_open_file, line, [&](Transaction& tx) {
    HResult err;
    Context* c = backup_context(tx, hbc, line, err);
    if (!c) return err;
    const WorldState& w = tx.state();
    if (c->open_file) return ntds::k_hr_already_open;  // one open file per context [DOC]
    if (!valid_read_size(read_hint)) return w32(w, ntds::k_error_invalid_parameter);
    // Only names the API listed in this context can be opened [INFER; the BFT character
    // is not part of the name].
    if (!listed(c->database_names, name) && !listed(c->log_names, name)) return w32(w, ntds::k_error_file_not_found);
    auto local = local_path(w, name);
    if (!local) return w32(w, ntds::k_error_file_not_found);
    auto info = m_world->disks().stat(*local);
    if (!info || info->type != platform::FileType::regular) return w32(w, ntds::k_error_file_not_found);
    c->open_file = OpenBackupFile{name, info->size, 0};
    size = info->size;
    line.out("size", std::to_string(size));
    return ntds::k_hr_none;
  });
  if (hr.ok()) file_size = size;
  return hr;
}

HResult SimApi::backup_read(ntds::Hbc hbc, void* buffer, std::uint32_t size, std::uint32_t& bytes_read) {
  bytes_read = 0;
  std::uint32_t got = 0;
  CallLine line("DsBackupRead");
  line.arg("hbc", handle_text(hbc)).arg("size", std::to_string(size));
  const HResult hr = run(ntds::Call::backup_read, line, [&](Transaction& tx) {
    HResult err;
    Context* c = backup_context(tx, hbc, line, err);
    if (!c) return err;
    const WorldState& w = tx.state();
    if (!c->open_file) return ntds::k_hr_invalid_handle;  // no file open [INFER, as DsBackupClose]
    if (buffer == nullptr || !valid_read_size(size)) return w32(w, ntds::k_error_invalid_parameter);
    OpenBackupFile& f = *c->open_file;
    if (f.offset >= f.size) return w32(w, ntds::k_error_handle_eof);
    std::uint64_t want = std::min<std::uint64_t>(size, f.size - f.offset);
    if (w.read_fragment > 0) want = std::min<std::uint64_t>(want, w.read_fragment);  // transports may fragment [DOC]
    auto local = local_path(w, f.name);
    if (!local) return ntds::k_hr_error;
    auto file = m_world->disks().open(*local, platform::File::Mode::read);
    if (!file) return w32(w, ntds::k_error_file_not_found);
    auto n = (*file)->pread(buffer, static_cast<std::size_t>(want), f.offset);
    if (!n || *n == 0) return w32(w, ntds::k_error_read_fault);  // the file shrank under the backup
    f.offset += *n;
    got = static_cast<std::uint32_t>(*n);
    line.out("read", std::to_string(got)).out("offset", std::to_string(f.offset));
    return ntds::k_hr_none;
  });
  if (hr.ok()) bytes_read = got;
  return hr;
}

HResult SimApi::backup_close(ntds::Hbc hbc) {
  CallLine line("DsBackupClose");
  line.arg("hbc", handle_text(hbc));
  return run(ntds::Call::backup_close, line, [&](Transaction& tx) {
    HResult err;
    Context* c = backup_context(tx, hbc, line, err);
    if (!c) return err;
    if (!c->open_file) return ntds::k_hr_invalid_handle;  // no file open [DOC]
    if (c->open_file->offset >= c->open_file->size) {
      c->files_done.push_back(c->open_file->name);
    } else {
      line.out("partial", std::to_string(c->open_file->offset) + "/" + std::to_string(c->open_file->size));
    }
    c->open_file.reset();
    return ntds::k_hr_none;
  });
}

HResult SimApi::backup_get_backup_logs(ntds::Hbc hbc, ntds::BftList& logs, ntds::ApiBuffer& buffer) {
  logs.clear();
  buffer = {};
  ntds::BftList list;
  std::uint64_t id = 0;
  CallLine line("DsBackupGetBackupLogs");
  line.arg("hbc", handle_text(hbc));
  const HResult hr = run(ntds::Call::backup_get_backup_logs, line, [&](Transaction& tx) {
    HResult err;
    Context* c = backup_context(tx, hbc, line, err);
    if (!c) return err;
    const WorldState& w = tx.state();
    // Only after every database file was read and closed [DOC]; asked earlier, the log set
    // would be incomplete [ANALOG], so the simulator refuses with ESE's "backup calls out of
    // sequence" [INFER].
    bool all_done = !c->database_names.empty() && !c->open_file;
    for (const std::string& n : c->database_names) all_done = all_done && listed(c->files_done, n);
    if (!all_done) {
      line.out("why", c->open_file ? "file-open" : "database-not-read");
      return ntds::k_hr_invalid_backup_sequence;
    }
    auto found = dc_logs(*m_world, w);
    if (!found) return ntds::k_hr_error;
    ntds::BftList entries;
    for (const LogFile& l : *found) entries.push_back({ntds::k_bft_log, reported_path(w, l.path)});
    c->log_names.clear();
    for (const ntds::BftEntry& e : entries) c->log_names.push_back(e.path);
    return return_list(tx, ntds::Call::backup_get_backup_logs, entries, list, id, line);
  });
  if (hr.ok()) {
    logs = std::move(list);
    buffer = {id};
  }
  return hr;
}

HResult SimApi::backup_truncate_logs(ntds::Hbc hbc) {
  CallLine line("DsBackupTruncateLogs");
  line.arg("hbc", handle_text(hbc));
  return run(ntds::Call::backup_truncate_logs, line, [&](Transaction& tx) {
    HResult err;
    Context* c = backup_context(tx, hbc, line, err);
    if (!c) return err;
    WorldState& w = tx.state();
    if (c->log_names.empty() || c->open_file) return ntds::k_hr_invalid_backup_sequence;
    // Deletes the backed-up logs, except the newest generation, which the DC keeps writing
    // to [INFER: "deletes committed logs that were backed up"].
    auto found = dc_logs(*m_world, w);
    if (!found) return ntds::k_hr_error;
    std::uint64_t removed = 0;
    for (std::size_t i = 0; i + 1 < found->size(); ++i) {
      const std::string reported = reported_path(w, (*found)[i].path);
      if (!listed(c->files_done, reported)) continue;
      if (m_world->disks().remove((*found)[i].path)) ++removed;
    }
    w.counters.truncated_logs += removed;
    line.out("removed", std::to_string(removed));
    return ntds::k_hr_none;
  });
}

HResult SimApi::backup_end(ntds::Hbc hbc) {
  CallLine line("DsBackupEnd");
  line.arg("hbc", handle_text(hbc));
  return run(ntds::Call::backup_end, line, [&](Transaction& tx) {
    HResult err;
    Context* c = backup_context(tx, hbc, line, err);
    if (!c) return err;
    c->open_file.reset();
    c->ended = "DsBackupEnd";
    return ntds::k_hr_none;
  });
}

}  // namespace adrestore::sim
