#include "sim/sim_host.h"

#include <cstdio>
#include <random>

#include "base/text.h"
#include "sim/content.h"

namespace adrestore::sim {
namespace {

// At most `max` bytes of `text`, not cutting a UTF-8 sequence.
std::string utf8_prefix(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

std::string new_invocation_id() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  const std::uint64_t a = rng();
  const std::uint64_t b = rng();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xFFFF), static_cast<unsigned long long>(a & 0xFFFF),
                static_cast<unsigned long long>(b >> 48), static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

// Empty when the file at `p` is this DC's intact file of that kind; else why not.
std::string check_file(SimDisks& disks, const WinPath& p, SimFileKind kind, const std::string& dc,
                       std::uint32_t generation, ntds::HResult bad_code) {
  auto hp = disks.host_path(p);
  if (!hp) return hp.status().message();
  auto info = disks.stat(p);
  if (!info || info->type != platform::FileType::regular) return p.str() + " is missing";
  SimFileSpec want;
  want.kind = kind;
  want.dc = dc;
  want.generation = generation;
  if (Status s = check_sim_file(*hp, want); !s) return p.str() + " " + s.message() + " (" + ntds::describe_hresult(bad_code) + ")";
  return {};
}

bool skips(const std::vector<BootSkip>& faults, BootSkip s) {
  for (BootSkip f : faults) {
    if (f == s) return true;
  }
  return false;
}

std::string boot_with_registration(WorldState& w, SimDisks& disks, bool use_restore_map) {
  const Registration& reg = *w.restore_in_progress;
  if (!reg.restore_state) {
    return "a restore was registered (DsRestoreRegister) but never completed with DsRestoreRegisterComplete; "
           "AD DS does not start while the restore is pending";
  }
  if (!reg.restore_state->ok()) {
    return "the last restore was completed with " + ntds::describe_hresult(*reg.restore_state) +
           "; AD DS does not start until a valid database is restored";
  }
  std::optional<WinPath> database = w.ntds.database;
  if (!reg.restore_map.empty() && use_restore_map) {
    auto mapped = WinPath::parse(reg.restore_map.front().to);
    if (!mapped) return "restore map target '" + escape_for_terminal(reg.restore_map.front().to) + "' is not a path";
    database = ntds::local_form(*mapped, w.machine_name().all());
  }
  if (!database) return "the DC has no database path";
  if (std::string why = check_file(disks, *database, SimFileKind::database, w.dc, 0, ntds::k_hr_bad_db_signature); !why.empty()) {
    return "hard recovery failed: database " + why;
  }
  for (std::uint32_t gen = reg.low_log; gen <= reg.high_log; ++gen) {
    const std::string name = log_file_name(gen);
    std::string why = check_file(disks, reg.backup_log_path.child(name), SimFileKind::log, w.dc, gen, ntds::k_hr_bad_log_signature);
    if (!why.empty() && !reg.log_path.equals(reg.backup_log_path)) {
      why = check_file(disks, reg.log_path.child(name), SimFileKind::log, w.dc, gen, ntds::k_hr_bad_log_signature);
    }
    if (!why.empty()) {
      return "hard recovery failed: log generation " + std::to_string(gen) + ": " + why + " (" +
             ntds::describe_hresult(ntds::k_hr_missing_restore_log_files) + ")";
    }
  }
  // Recovery replayed the logs into the database where the restore map put it [ANALOG].
  w.ntds.database = database;
  w.ntds.logs = reg.log_path;
  w.ntds.checkpoint = reg.checkpoint_file_path;
  return {};
}

}  // namespace

void boot_world(Transaction& tx, SimDisks& disks) {
  WorldState& w = tx.state();
  BootRecord rec;
  rec.boot = w.boot_count;
  rec.at = tx.now();
  std::string why;
  if (w.restore_in_progress) {
    const std::vector<BootSkip> skip = take_boot_faults(w.faults);
    for (BootSkip k : skip) tx.log(std::string("# boot fault skip=") + to_string(k));
    why = boot_with_registration(w, disks, !skips(skip, BootSkip::restore_map));
    if (why.empty()) {
      if (!skips(skip, BootSkip::invocation_id)) w.invocation_id = new_invocation_id();
      if (!skips(skip, BootSkip::restore_count)) ++w.restore_count;
      if (!skips(skip, BootSkip::event_1109)) {
        rec.events.push_back(1109);  // invocation id changed after a restore [DOC 6.7]
        w.event_log.push_back({1109, rec.at, rec.boot});
        if (w.event_log.size() > k_max_event_log) w.event_log.erase(w.event_log.begin());
      }
      w.restore_in_progress.reset();
    }
  } else if (!w.ntds.database) {
    why = "the DC has no database path";
  } else {
    why = check_file(disks, *w.ntds.database, SimFileKind::database, w.dc, 0, ntds::k_hr_bad_db_signature);
    if (!why.empty()) why = "database " + why;
  }
  rec.ntds_started = why.empty();
  rec.reason = why.empty() ? "AD DS started" : utf8_prefix(why, 4000);
  w.ntds_online = rec.ntds_started;
  w.last_boot = rec;
}

SimHost::SimHost(std::shared_ptr<World> world) : m_world(std::move(world)) {}

Result<host::MachineName> SimHost::machine_name() {
  auto w = m_world->snapshot();
  if (!w) return w.status();
  return w->machine_name();
}

Result<bool> SimHost::booted_in_dsrm() {
  auto w = m_world->snapshot();
  if (!w) return w.status();
  return w->dsrm;
}

Result<std::vector<host::Privilege>> SimHost::privileges() {
  auto w = m_world->snapshot();
  if (!w) return w.status();
  return w->privileges;
}

Status SimHost::restart_normal_mode() {
  return m_world->update([&](Transaction& tx) {
    WorldState& w = tx.state();
    w.dsrm = false;
    ++w.boot_count;
    ++w.counters.restarts;
    // Every process of the previous boot is gone; forget_dead_processes would find that
    // out on the next call, but the boot below must already see it.
    forget_dead_processes(w, current_process());
    boot_world(tx, m_world->disks());
    const BootRecord& b = *w.last_boot;
    std::string line = "# restart boot=" + std::to_string(w.boot_count) + " dsrm=false ntdsStarted=" + (b.ntds_started ? "true" : "false");
    if (!b.events.empty()) line += " events=" + std::to_string(b.events.front());
    line += " reason=" + encode_log_value(b.reason);
    tx.log(line);
    return Status::ok();
  });
}

Result<bool> SimHost::restore_in_progress_key_exists() {
  auto w = m_world->snapshot();
  if (!w) return w.status();
  return w->restore_in_progress.has_value();
}

Status boot_into_dsrm(World& world) {
  return world.update([&](Transaction& tx) {
    WorldState& w = tx.state();
    w.dsrm = true;
    w.ntds_online = false;
    ++w.boot_count;
    ++w.counters.restarts;
    forget_dead_processes(w, current_process());
    tx.log("# restart boot=" + std::to_string(w.boot_count) + " dsrm=true ntdsStarted=false");
    return Status::ok();
  });
}

Result<host::DirectoryIdentity> SimHost::directory_identity(std::int64_t since_ms) {
  auto w = m_world->snapshot();
  if (!w) return w.status();
  host::DirectoryIdentity id;
  id.database = w->ntds.database;
  if (!w->invocation_id.empty()) id.invocation_id = w->invocation_id;
  id.restore_count = w->restore_count;
  // Event times are world time (host clock + clockOffset), in seconds.
  const std::int64_t since = (since_ms >= 0 ? since_ms / 1000 : -((-since_ms + 999) / 1000)) + w->clock_offset;
  bool logged = false;
  for (const LoggedEvent& e : w->event_log) logged = logged || (e.event == 1109 && e.at >= since);
  id.event_1109 = logged;
  return id;
}

Result<host::AuthoritativeReport> SimHost::mark_authoritative(const std::vector<std::string>& subtrees,
                                                              const std::vector<std::string>& objects,
                                                              const std::string& /*work_dir*/) {
  // The simulated DC has no back-links to repair: it writes no LDIF file.
  Status s = m_world->update([&](Transaction& tx) {
    WorldState& w = tx.state();
    if (!w.dsrm || w.ntds_online) {
      return Status::error(Code::refused, "authoritative restore needs the DC in Directory Services Restore Mode with AD DS "
                                          "offline (ntdsutil refuses otherwise)");
    }
    if (subtrees.size() > 1000 || objects.size() > 1000) {
      return Status::error(Code::invalid_input, "at most 1000 subtrees and 1000 objects can be marked at once");
    }
    for (const auto* list : {&subtrees, &objects}) {
      for (const std::string& dn : *list) {
        if (dn.empty() || dn.size() > 4096 || find_invalid_utf8(dn))
          return Status::error(Code::invalid_input, "a distinguished name must be UTF-8 text of 1 to 4096 bytes");
      }
    }
    w.authoritative.push_back({subtrees, objects, tx.now()});
    if (w.authoritative.size() > k_max_authoritative_marks) w.authoritative.erase(w.authoritative.begin());
    tx.log("# authoritative subtrees=" + std::to_string(subtrees.size()) + " objects=" + std::to_string(objects.size()));
    return Status::ok();
  });
  if (!s) return s;
  return host::AuthoritativeReport{};
}

}  // namespace adrestore::sim
