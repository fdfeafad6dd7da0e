// Handlers of the steps that talk to the NTDS restore API (steps 4, 7-9, 12-14, 16, and
// the post-restart check).
#include "backup/manifest.h"
#include "base/text.h"
#include "exec/restore_checks.h"
#include "exec/restore_run.h"
#include "graph/compile.h"
#include "ntds/hresult.h"

namespace adrestore::exec {
namespace {

constexpr const char* k_restore_key = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress";

// What a DsRestoreGetDatabaseLocations reply says: local forms for the restore's file I/O,
// the DC's own texts for DsRestoreRegister. Entries with a code the reply should not hold are
// named in `warnings` (ntds-api.md 3.13: only the three codes below appear); a code given
// twice makes the reply ambiguous, and a path adrestore cannot parse cannot be used.
Result<placement::ReportedLocations> read_reply(const ntds::BftList& list, const std::vector<std::string>& machine_names,
                                            std::vector<std::string>& warnings) {
  backup::Locations loc;
  placement::DcPathTexts given;
  for (const ntds::BftEntry& e : list) {
    std::optional<WinPath>* local = nullptr;
    std::optional<std::string>* text = nullptr;
    if (e.bft == ntds::k_bft_ntds_database) {
      local = &loc.database_file;
      text = &given.database_file;
    } else if (e.bft == ntds::k_bft_log_dir) {
      local = &loc.log_dir;
      text = &given.log_dir;
    } else if (e.bft == ntds::k_bft_checkpoint_dir) {
      local = &loc.checkpoint_dir;
      text = &given.checkpoint_dir;
    } else {
      std::string w = "DsRestoreGetDatabaseLocations reported '" + escape_for_terminal(e.path) + "' as " +
                      ntds::bft_name(e.bft) + ", a code it should not report; adrestore does not use that entry";
      if (e.bft == 0x22 || e.bft == 0x23) {
        w += " (0x22 and 0x23 are the doc table's values for BFT_LOG_DIR and BFT_CHECKPOINT_DIR; ntdsbcli.h says "
             "0x82 and 0x83)";
      }
      warnings.push_back(std::move(w));
      continue;
    }
    if (*local) {
      return Status::error(Code::failed, "DsRestoreGetDatabaseLocations reported " + ntds::bft_name(e.bft) +
                                             " twice ('" + escape_for_terminal(**text) + "' and '" +
                                             escape_for_terminal(e.path) + "'); adrestore will not guess which one");
    }
    auto p = WinPath::parse(e.path);
    if (!p) {
      return Status::error(Code::failed, "DsRestoreGetDatabaseLocations reported a path adrestore cannot use: " +
                                             p.status().message());
    }
    *local = ntds::local_form(*p, machine_names);
    *text = e.path;
  }
  return placement::ReportedLocations::reported(std::move(loc), std::move(given));
}

// The reply's paths that the restore will use, checked before DsRestoreRegister so that a bad
// reply stops the restore while nothing is registered: the database location must name a
// .dit file (not a folder), and each reported directory a destination uses must exist.
Status check_reply(const placement::Resolution& res, const backup::Locations& reported, host::Disks& disks) {
  const auto fail = [](std::string m) { return Status::error(Code::failed, std::move(m)); };
  if (reported.database_file) {
    const WinPath& db = *reported.database_file;
    const std::string name = to_lower_ascii(db.file_name());
    if (name.size() <= 4 || !ends_with(name, ".dit")) {
      return fail("DsRestoreGetDatabaseLocations reported the database location " + db.str() +
                  ", which does not name a .dit file; adrestore will not restore the directory database there. "
                  "Check the DC's NTDS parameters (DSA Database file), or set spec.restore.destinations.database");
    }
    auto info = disks.stat(db);
    if (info && info->type == platform::FileType::directory) {
      return fail("DsRestoreGetDatabaseLocations reported the database location " + db.str() +
                  ", which is a folder, not a file; set spec.restore.destinations.database");
    }
  }
  for (const placement::RoleDir* r : {&res.database, &res.logs, &res.checkpoint}) {
    if (r->source != placement::DestinationSource::reported || !r->dir) continue;
    const std::string what = std::string("the ") + placement::to_string(r->role) + " folder " + r->dir->str() +
                             " that DsRestoreGetDatabaseLocations reported";
    auto info = disks.stat(*r->dir);
    if (!info) return fail("cannot check " + what + ": " + info.status().message());
    if (info->type == platform::FileType::missing) {
      return fail(what +
                  " does not exist; the DC's reply does not match its disks. Check the path, or set "
                  "spec.restore.destinations." +
                  placement::to_string(r->role) + " to restore elsewhere");
    }
    if (info->type != platform::FileType::directory) return fail(what + " is not a folder");
  }
  return Status::ok();
}

}  // namespace

RestoreRun::StepResult RestoreRun::check_ntds_offline(const std::string& since) {
  bool online = false;
  const ntds::HResult hr = m_env.api.is_ntds_online(m_server, online);
  if (!hr.ok()) return StepResult::fail("DsIsNTDSOnline returned " + describe(hr), hr);
  if (online) {
    return StepResult::refuse("AD DS is running on " + m_server + since +
                              "; a restore needs it offline, and nothing was changed. Boot into Directory Services "
                              "Restore Mode (bcdedit /set safeboot dsrepair, then restart) and run again");
  }
  return StepResult::ok("AD DS is offline");
}

RestoreRun::StepResult RestoreRun::preflight_ntds_offline() { return check_ntds_offline({}); }

RestoreRun::StepResult RestoreRun::restore_prepare() {
  if (Status s = load_manifest(); !s) return StepResult::fail(s.message());
  // The pre hooks and backup.verify took time since preflight.ntds-offline: ask again right
  // before the first state-changing call.
  if (StepResult r = check_ntds_offline(" again (it was offline at preflight.ntds-offline; a pre hook or "
                                        "someone else started it since)");
      r.outcome != StepOutcome::succeeded) {
    return r;
  }
  auto token = backup::expiry_token_bytes(*m_manifest);
  if (!token || token->empty()) return StepResult::fail("the backup set's expiry token is missing or malformed");
  const ntds::ExpiryToken bytes(token->begin(), token->end());
  const ntds::HResult hr = m_env.api.restore_prepare(m_server, ntds::k_restore_type_catchup, bytes, m_hbc);
  if (!hr.ok()) {
    std::string msg = "DsRestorePrepare returned " + describe(hr);
    if (hr == ntds::k_hr_contents_expired) {
      msg += ": the backup is older than the tombstone lifetime and must not be restored; use a newer backup";
    }
    return StepResult::fail(msg, hr);
  }
  m_context_open = true;
  if (Status s = record(ContextOpened{}); !s) return StepResult::fail("cannot write the journal: " + s.message());
  return StepResult::ok("backup context opened (RESTORE_TYPE_CATCHUP)");
}

RestoreRun::StepResult RestoreRun::restore_locations() {
  ntds::BftList list;
  ntds::ScopedBuffer buffer(m_env.api);
  const ntds::HResult hr = m_env.api.restore_get_database_locations(m_hbc, list, buffer.get());
  buffer.reset();
  placement::ReportedLocations reported = placement::ReportedLocations::failed();
  std::string note;
  if (hr.ok()) {
    std::vector<std::string> warnings;
    auto got = read_reply(list, m_machine_names, warnings);
    if (!got) return StepResult::fail(got.status().message());
    reported = std::move(*got);
    for (const std::string& w : warnings) {
      record_best_effort(Note{NoteLevel::warning, w});
      warn("restore.locations", w);
    }
    warn_override_differences(reported.locations);
  } else {
    if (m_plan.on_locations_failure == plan::LocationsFailure::fail) {
      return StepResult::fail("DsRestoreGetDatabaseLocations returned " + describe(hr) +
                                  " and the plan says onLocationsFailure: fail",
                              hr);
    }
    note = "DsRestoreGetDatabaseLocations returned " + describe(hr) +
           "; files go back where they were backed up from (onLocationsFailure: original)";
    record_best_effort(Note{NoteLevel::warning, note});
    warn("restore.locations", note);
  }
  auto res = placement::resolve_destinations(*m_manifest, reported, graph::destination_policy(m_plan));
  if (!res) return StepResult::fail(res.status().message(), hr.ok() ? std::nullopt : std::optional(hr));

  DestinationsResolved dr;
  for (const placement::FilePlacement& f : res->files) {
    dr.destinations.push_back({backup::to_string(f.file->kind), f.file->path, f.destination->str()});
  }
  // After a crash the context is opened again; the DC must send the files to the same places.
  if (m_resumed && m_resumed->destinations) {
    if (canonical_destinations(*m_resumed->destinations) != canonical_destinations(dr)) {
      return StepResult::refuse("the resolved destinations differ from the ones journaled before the crash; "
                                "adrestore will not restore a half-copied set to new places. Compare with "
                                "'adrestore journal dump --state " + m_opt.state_dir + "'");
    }
  }
  if (hr.ok()) {
    if (Status s = check_reply(*res, reported.locations, m_env.disks); !s) return StepResult::fail(s.message());
  }
  // Everything files.clear and files.copy could refuse is looked at now, before
  // DsRestoreRegister: a refusal after it would leave the DC registered with a failure.
  const bool clear_pending = !(m_resumed && m_resumed->succeeded(graph::ids::k_files_clear));
  auto checks = check_restore_targets(m_env.disks, *res, clear_options(), clear_pending);
  if (!checks) {
    return StepResult::fail(checks.status().message() + "; nothing was changed (DsRestoreRegister was not called)");
  }
  for (const std::string& w : checks->warnings) {
    record_best_effort(Note{NoteLevel::warning, w});
    warn("restore.locations", w);
  }
  m_resolution = std::move(*res);
  if (Status s = record(dr); !s) return StepResult::fail("cannot write the journal: " + s.message());
  capture_identity();
  std::string msg;
  for (const WinPath& d : m_resolution->directories) msg += (msg.empty() ? "" : ", ") + d.str();
  return StepResult::ok("destinations: " + msg + (note.empty() ? "" : " (original locations)"));
}

RestoreRun::StepResult RestoreRun::restore_register() {
  auto args = placement::register_args(*m_resolution, *m_manifest);
  if (!args) return StepResult::fail(args.status().message());
  std::vector<ntds::RestoreMapEntry> map;
  for (const auto& [from, to] : args->restore_map) map.push_back({from, to});
  const ntds::HResult hr = m_env.api.restore_register(m_hbc, args->checkpoint_dir, args->log_dir, map,
                                                      args->backup_log_dir, args->gen_low, args->gen_high);
  if (!hr.ok()) return StepResult::fail("DsRestoreRegister returned " + describe(hr), hr);
  m_phase = RestorePhase::registered;  // from here on restore.complete must run, whatever follows
  // The registration lives in the registry (ntds-api.md 6.3): without the key, the next boot
  // would start AD DS from the old database as if nothing had been restored.
  auto key = m_env.host.restore_in_progress_key_exists();
  if (!key) {
    return StepResult::fail("DsRestoreRegister returned S_OK, but the check of the registry key " +
                            std::string(k_restore_key) + " failed: " + key.status().message() +
                            ". adrestore stops before touching any file; check the key by hand");
  }
  if (!*key) {
    return StepResult::fail("DsRestoreRegister returned S_OK, but the registry key " + std::string(k_restore_key) +
                            " does not exist: the restore registration did not take, and the DC would not apply the "
                            "restore at its next boot. adrestore stops before touching any file and reports the "
                            "failure with DsRestoreRegisterComplete. Check that nothing restored or rolled back the "
                            "registry since DsRestoreRegister (doc/windows.md, \"What adrestore restores\"), then run "
                            "again");
  }
  return StepResult::ok("restore registered (logs " + std::to_string(args->gen_low) + ".." +
                        std::to_string(args->gen_high) + "); AD DS will not start until the restore completes");
}

RestoreRun::StepResult RestoreRun::restore_complete() {
  // S_OK after a good copy; otherwise the failure's HRESULT, so AD DS stays down (ntds-api.md 3.15).
  // Interrupted before the copy finished: ERROR_CANCELLED. Resume registers again.
  ntds::HResult state(0);
  if (m_failure) {
    state = m_failure->hresult.value_or(ntds::k_hr_error);
  } else if (m_interrupted && !m_succeeded_here.count(graph::ids::k_files_copy)) {
    state = ntds::hresult_from_win32(ntds::k_error_cancelled);
  }
  const ntds::HResult hr = m_env.api.restore_register_complete(m_hbc, state);
  if (!hr.ok()) return StepResult::fail("DsRestoreRegisterComplete returned " + describe(hr), hr);
  if (!state.ok()) {
    // The reported state goes into the journal with the step: resume tells a completed
    // restore from a reported failure by it (plan_resume's restored_ok), and must copy on.
    StepResult r = StepResult::ok("reported the failure (" + describe(state) +
                                  "); AD DS will not start until a valid database is restored");
    r.hresult = state;
    return r;
  }
  m_phase = RestorePhase::completed;
  return StepResult::ok("restore complete reported");
}

RestoreRun::StepResult RestoreRun::restore_end() {
  const ntds::HResult hr = m_env.api.restore_end(m_hbc);
  m_context_open = false;
  ContextClosed closed;
  closed.hresult = hr.value();
  record_best_effort(closed);
  if (!hr.ok()) return StepResult::fail("DsRestoreEnd returned " + describe(hr), hr);
  return StepResult::ok("backup context closed");
}

RestoreRun::StepResult RestoreRun::restore_authoritative() {
  std::vector<std::string> subtrees;
  std::vector<std::string> objects;
  for (const auto& f : m_plan.authoritative_subtrees) subtrees.push_back(f.value);
  for (const auto& f : m_plan.authoritative_objects) objects.push_back(f.value);
  auto report = m_env.host.mark_authoritative(subtrees, objects, m_opt.state_dir);
  if (!report) return StepResult::fail(report.status().message());
  for (const std::string& w : report->warnings) {
    record_best_effort(Note{NoteLevel::warning, "restore.authoritative: " + w});
    warn("restore.authoritative", w);
  }
  std::string msg = std::to_string(subtrees.size()) + " subtree(s) and " + std::to_string(objects.size()) +
                    " object(s) marked authoritative";
  if (!report->ldif_files.empty()) {
    // Group memberships (back-links) of the restored objects come back only when these are
    // imported, on this DC in normal mode (doc/windows.md "ntdsutil").
    std::string todo = "after the restart into normal mode, import the back-link LDIF file(s) ntdsutil wrote, as a "
                       "Domain Admin: ";
    for (std::size_t i = 0; i < report->ldif_files.size(); ++i) {
      todo += (i ? "; " : "") + std::string("ldifde -i -k -f \"") + report->ldif_files[i] + "\"";
    }
    record_best_effort(Note{NoteLevel::warning, "restore.authoritative: " + todo});
    warn("restore.authoritative", todo);
    msg += "; " + todo;
  }
  return StepResult::ok(msg);
}

RestoreRun::StepResult RestoreRun::system_restart() {
  if (Status s = m_env.host.restart_normal_mode(); !s) return StepResult::fail(s.message());
  m_phase = RestorePhase::restarted;
  return StepResult::ok("DSRM boot flag cleared; restarting into normal mode");
}

Status RestoreRun::settle_unrecorded_restart() {
  const StepState& st = m_resumed->step(graph::ids::k_system_restart);
  if (st.status != StepStatus::running || !m_resumed->restore_completed_ok()) return Status::ok();
  auto dsrm = m_env.host.booted_in_dsrm();
  // In DSRM, or unknown: the restart did not happen (or cannot be shown to have), so the step
  // runs again after the preflight checks; clearing the boot flag twice is harmless.
  if (!dsrm || *dsrm) return Status::ok();
  const std::string msg =
      "the DC is in normal mode: the restart began before the previous process stopped, and its end was not journaled";
  if (Status s = record(StepStarted{graph::ids::k_system_restart, st.attempts + 1}); !s) return s;
  emit(EventType::step_started, graph::ids::k_system_restart, EventOutcome::none, msg);
  if (Status s = record(StepFinished{graph::ids::k_system_restart, StepOutcome::succeeded, std::nullopt, 0, msg}); !s) return s;
  emit(EventType::step_finished, graph::ids::k_system_restart, EventOutcome::succeeded, msg);
  m_resumed = m_journal->state();
  return Status::ok();
}

RestoreRun::StepResult RestoreRun::system_verify_online() {
  bool online = false;
  const ntds::HResult hr = m_env.api.is_ntds_online(m_server, online);
  if (!hr.ok()) return StepResult::fail("DsIsNTDSOnline returned " + describe(hr), hr);
  if (!online) {
    return StepResult::fail("AD DS is not running after the restart into normal mode; check the Directory Service "
                            "event log (the restored database may not have recovered)");
  }
  std::string checked;
  if (std::string bad = verify_restored_identity(checked); !bad.empty()) return StepResult::fail(bad);
  return StepResult::ok("AD DS is online" + (checked.empty() ? std::string() : "; " + checked));
}

}  // namespace adrestore::exec
