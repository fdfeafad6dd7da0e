// The restore half of the simulated API (ntds-api.md 3.12-3.16, 5.2, 5.3).
#include "base/text.h"
#include "sim/sim_api_impl.h"

namespace adrestore::sim {

using ntds::HResult;
using namespace detail;

namespace {

constexpr std::uint32_t k_max_generation = 0xFFFFF;

// With uncPaths, the DC wants its paths back in the form it gave them: a drive path that is
// the local form of a location it reported to this context means the caller converted it
// (issue 13: register with the paths exactly as the DC gave them). Whether a real DC refuses
// it is unverified; the simulator does, so that a conversion cannot go unnoticed. A drive
// path it never reported (a plan's own override) is accepted.
bool converted_location(const WorldState& w, const Context& c, const std::string& given) {
  if (!w.unc_paths || !c.locations_given) return false;
  auto p = WinPath::parse(given);
  if (!p || p->root() != WinPath::Root::drive) return false;
  const NtdsPaths& r = w.reported_locations();
  for (const std::optional<WinPath>& reported :
       {r.database, r.database ? std::optional(r.database->parent()) : std::nullopt, r.logs, r.checkpoint}) {
    if (reported && reported->root() == WinPath::Root::drive && reported->equals(*p)) return true;
  }
  return false;
}

Context* restore_context(Transaction& tx, ntds::Hbc h, CallLine& line, HResult& err) {
  Context* c = usable_context(tx, h, line, err);
  if (c && c->kind == ContextKind::backup) {
    line.out("why", "not-a-restore-context");
    err = ntds::k_hr_invalid_handle;
    return nullptr;
  }
  return c;
}

}  // namespace

HResult SimApi::restore_prepare(const std::string& server, std::uint32_t rt_flag, const std::optional<ntds::ExpiryToken>& token,
                                ntds::Hbc& hbc) {
  hbc = {};
  std::uint64_t context = 0;
  CallLine line("DsRestorePrepare");
  line.arg("server", server).arg("rtFlag", hex32(rt_flag)).arg("token", token ? std::to_string(token->size()) + "B" : "none");
  const HResult hr = run(ntds::Call::restore_prepare, line, [&](Transaction& tx) {
    WorldState& w = tx.state();
    if (HResult s = check_server(w, server); !s.ok()) return s;
    if (!privilege_enabled(w, host::k_se_restore_privilege)) return w32(w, ntds::k_error_access_denied);
    // A restore needs AD DS offline [DOC]; the code is unverified, ERROR_ACCESS_DENIED is
    // our choice [INFER].
    if (w.ntds_online) {
      line.out("why", "ntds-online");
      return w32(w, ntds::k_error_access_denied);
    }
    // CATCHUP (or 0) only: AUTHORATATIVE and ONLINE are documented as not supported.
    if ((rt_flag & ~ntds::k_restore_type_catchup) != 0) return w32(w, ntds::k_error_invalid_parameter);
    if (!room_for_context(w)) return w32(w, ntds::k_error_not_enough_memory);
    Context c;
    c.kind = ContextKind::restore_limited;
    if (token) {
      auto info = read_expiry_token(*token);
      if (!info) return ntds::k_hr_unknown_expiry_token_format;
      // The token carries its creation time and the tombstone lifetime at backup time; a
      // backup older than that lifetime would bring back lingering objects [OLD-DOC].
      const std::int64_t age = tx.now() - info->created_unix;
      line.out("tokenAge", std::to_string(age) + "s");
      if (age > info->lifetime_seconds) return ntds::k_hr_contents_expired;
      c.kind = ContextKind::restore;
      c.token_created = info->created_unix;
    }
    c.id = w.next_id++;
    c.owner = tx.me();
    context = c.id;
    line.out("hbc", handle_text({context})).out("kind", to_string(c.kind));
    w.contexts.push_back(std::move(c));
    return ntds::k_hr_none;
  });
  if (hr.ok()) hbc = {context};
  return hr;
}

HResult SimApi::restore_get_database_locations(ntds::Hbc hbc, ntds::BftList& locations, ntds::ApiBuffer& buffer) {
  locations.clear();
  buffer = {};
  ntds::BftList list;
  std::uint64_t id = 0;
  CallLine line("DsRestoreGetDatabaseLocations");
  line.arg("hbc", handle_text(hbc));
  const HResult hr = run(ntds::Call::restore_get_database_locations, line, [&](Transaction& tx) {
    HResult err;
    // Any context: a restore context with or without token [DOC], or a backup context [JEDI].
    Context* c = usable_context(tx, hbc, line, err);
    if (!c) return err;
    const WorldState& w = tx.state();
    const NtdsPaths& p = w.reported_locations();
    ntds::BftList entries;
    if (p.database) entries.push_back({ntds::k_bft_ntds_database, reported_path(w, *p.database)});
    if (p.logs) entries.push_back({ntds::k_bft_log_dir, reported_path(w, *p.logs)});
    if (p.checkpoint) entries.push_back({ntds::k_bft_checkpoint_dir, reported_path(w, *p.checkpoint)});
    for (const ntds::BftEntry& e : w.extra_locations) entries.push_back(e);
    const HResult listed = return_list(tx, ntds::Call::restore_get_database_locations, entries, list, id, line);
    if (listed.ok()) c->locations_given = true;
    return listed;
  });
  if (hr.ok()) {
    locations = std::move(list);
    buffer = {id};
  }
  return hr;
}

HResult SimApi::restore_register(ntds::Hbc hbc, const std::string& checkpoint_dir, const std::string& log_dir,
                                 const std::vector<ntds::RestoreMapEntry>& restore_map, const std::string& backup_log_dir,
                                 std::uint32_t gen_low, std::uint32_t gen_high) {
  CallLine line("DsRestoreRegister");
  line.arg("hbc", handle_text(hbc))
      .arg("checkpoint", checkpoint_dir)
      .arg("logPath", log_dir)
      .arg("rstmap", std::to_string(restore_map.size()));
  for (std::size_t i = 0; i < restore_map.size(); ++i) {
    line.arg("map" + std::to_string(i), restore_map[i].database_name + "=>" + restore_map[i].new_database_name);
  }
  line.arg("backupLogPath", backup_log_dir).arg("genLow", hex32(gen_low)).arg("genHigh", hex32(gen_high));
  return run(ntds::Call::restore_register, line, [&](Transaction& tx) {
    HResult err;
    Context* c = restore_context(tx, hbc, line, err);
    if (!c) return err;
    WorldState& w = tx.state();
    if (c->kind == ContextKind::restore_limited) return ntds::k_hr_missing_expiry_token;  // [DOC]
    // The three paths must not be NULL [DOC]; an unusable path is refused the same way [INFER].
    if (!all_utf8({&checkpoint_dir, &log_dir, &backup_log_dir})) return w32(w, ntds::k_error_invalid_parameter);
    auto cp = local_path(w, checkpoint_dir);
    auto lp = local_path(w, log_dir);
    auto bp = local_path(w, backup_log_dir);
    if (checkpoint_dir.empty() || log_dir.empty() || backup_log_dir.empty() || !cp || !lp || !bp) {
      return w32(w, ntds::k_error_invalid_parameter);
    }
    for (const std::string* given : {&checkpoint_dir, &log_dir, &backup_log_dir}) {
      if (converted_location(w, *c, *given)) {
        line.out("why", "local-form-of-reported-path");
        return w32(w, ntds::k_error_invalid_parameter);
      }
    }
    for (const ntds::RestoreMapEntry& m : restore_map) {
      if (converted_location(w, *c, m.new_database_name)) {
        line.out("why", "local-form-of-reported-path");
        return w32(w, ntds::k_error_invalid_parameter);
      }
    }
    if (gen_low > gen_high || gen_high > k_max_generation) return w32(w, ntds::k_error_invalid_parameter);
    if (restore_map.size() > k_max_restore_map) return w32(w, ntds::k_error_invalid_parameter);
    for (const ntds::RestoreMapEntry& m : restore_map) {
      if (!all_utf8({&m.database_name, &m.new_database_name}) || m.database_name.empty() || m.new_database_name.empty() || m.database_name.size() > 32000 ||
          m.new_database_name.size() > 32000) {
        return w32(w, ntds::k_error_invalid_parameter);
      }
    }
    // The interlock [DOC "interlocks further restores"]: held by a registered context until
    // RegisterComplete, its End, or the death of its process [INFER].
    if (w.interlock) {
      line.out("heldBy", handle_text({*w.interlock}));
      return ntds::k_hr_restore_in_progress;
    }
    Registration reg;
    reg.checkpoint_file_path = *cp;
    reg.log_path = *lp;
    reg.backup_log_path = *bp;
    reg.low_log = gen_low;
    reg.high_log = gen_high;
    for (const ntds::RestoreMapEntry& m : restore_map) reg.restore_map.push_back({m.database_name, m.new_database_name});
    reg.registered_at = tx.now();
    if (w.restore_in_progress) line.note("replaced-registration");  // a crashed run's values
    if (w.restore_key_on_register) {
      w.restore_in_progress = reg;
    } else {
      line.note("no-restore-key");  // restoreKeyOnRegister: false, the registration did not take
    }
    w.interlock = c->id;
    c->registered = true;
    c->completed = false;
    return ntds::k_hr_none;
  });
}

HResult SimApi::restore_register_complete(ntds::Hbc hbc, HResult restore_state) {
  CallLine line("DsRestoreRegisterComplete");
  line.arg("hbc", handle_text(hbc)).arg("state", ntds::hresult_name(restore_state));
  return run(ntds::Call::restore_register_complete, line, [&](Transaction& tx) {
    HResult err;
    Context* c = restore_context(tx, hbc, line, err);
    if (!c) return err;
    WorldState& w = tx.state();
    // Only the context that registered can complete, once [INFER].
    if (!c->registered || c->completed || (!w.restore_in_progress && w.restore_key_on_register)) {
      line.out("why", c->completed ? "already-completed" : "not-registered");
      return ntds::k_hr_invalid_param;
    }
    if (w.restore_in_progress) w.restore_in_progress->restore_state = restore_state;
    c->completed = true;
    if (w.interlock && *w.interlock == c->id) w.interlock.reset();
    return ntds::k_hr_none;
  });
}

HResult SimApi::restore_end(ntds::Hbc hbc) {
  CallLine line("DsRestoreEnd");
  line.arg("hbc", handle_text(hbc));
  return run(ntds::Call::restore_end, line, [&](Transaction& tx) {
    HResult err;
    Context* c = restore_context(tx, hbc, line, err);
    if (!c) return err;
    WorldState& w = tx.state();
    c->ended = "DsRestoreEnd";
    // Ending releases the interlock; the registry values stay, and without a successful
    // RegisterComplete AD DS will not start [DOC].
    if (w.interlock && *w.interlock == c->id) w.interlock.reset();
    if (c->registered && !c->completed) line.note("registered-not-completed");
    return ntds::k_hr_none;
  });
}

}  // namespace adrestore::sim
