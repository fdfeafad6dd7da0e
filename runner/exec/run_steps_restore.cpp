// Handlers of the steps that talk to the NTDS restore API (steps 4, 7-9, 12-14, 16, and
// the post-restart check).
#include "backup/manifest.h"
#include "base/text.h"
#include "exec/restore_checks.h"
#include "exec/run_steps.h"
#include "graph/compile.h"
#include "ntds/hresult.h"

namespace adrestore::exec {

RunSteps::StepResult RunSteps::check_ntds_offline(const std::string& since) {
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

RunSteps::StepResult RunSteps::preflight_ntds_offline() { return check_ntds_offline({}); }

RunSteps::StepResult RunSteps::restore_prepare() {
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

RunSteps::StepResult RunSteps::restore_locations() {
  ntds::BftList list;
  ntds::ScopedBuffer buffer(m_env.api);
  const ntds::HResult hr = m_env.api.restore_get_database_locations(m_hbc, list, buffer.get());
  buffer.reset();
  graph::ReportedLocations reported = graph::ReportedLocations::failed();
  std::string note;
  if (hr.ok()) {
    backup::Locations loc;
    for (const ntds::BftEntry& e : list) {
      auto p = WinPath::parse(e.path);
      if (!p) return StepResult::fail("DsRestoreGetDatabaseLocations reported a path adrestore cannot use: " +
                                      p.status().message());
      const WinPath local = ntds::local_form(*p, m_machine_names);
      if (e.bft == ntds::k_bft_ntds_database) {
        loc.database_file = local;
      } else if (e.bft == ntds::k_bft_log_dir) {
        loc.log_dir = local;
      } else if (e.bft == ntds::k_bft_checkpoint_dir) {
        loc.checkpoint_dir = local;
      }
    }
    reported = graph::ReportedLocations::reported(loc);
    warn_override_differences(loc);
  } else {
    if (m_plan.on_locations_failure == plan::LocationsFailure::fail) {
      return StepResult::fail("DsRestoreGetDatabaseLocations returned " + describe(hr) +
                                  " and the plan says onLocationsFailure: fail",
                              hr);
    }
    note = "DsRestoreGetDatabaseLocations returned " + describe(hr) +
           "; files go back where they were backed up from (onLocationsFailure: original)";
    record_best_effort(Note{NoteLevel::warning, note});
    emit("warning", "restore.locations", {}, note);
  }
  auto res = graph::resolve_destinations(*m_manifest, reported, graph::destination_policy(m_plan));
  if (!res) return StepResult::fail(res.status().message(), hr.ok() ? std::nullopt : std::optional(hr));

  DestinationsResolved dr;
  for (const graph::FilePlacement& f : res->files) {
    dr.destinations.push_back({backup::to_string(f.file->kind), f.file->path, f.destination->str()});
  }
  // After a crash the context is opened again; the DC must send the files to the same places.
  if (m_resumed && m_resumed->destinations) {
    if (*m_resumed->destinations != canonical_destinations(dr)) {
      m_failure_kind = Outcome::refused;
      return StepResult::refuse("the resolved destinations differ from the ones journaled before the crash; "
                                "adrestore will not restore a half-copied set to new places. Compare with "
                                "'adrestore journal dump --state " + m_opt.state_dir + "'");
    }
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
    emit("warning", "restore.locations", {}, w);
  }
  m_resolution = std::move(*res);
  if (Status s = record(dr); !s) return StepResult::fail("cannot write the journal: " + s.message());
  capture_identity();
  std::string msg;
  for (const WinPath& d : m_resolution->directories) msg += (msg.empty() ? "" : ", ") + d.str();
  return StepResult::ok("destinations: " + msg + (note.empty() ? "" : " (original locations)"));
}

RunSteps::StepResult RunSteps::restore_register() {
  auto args = graph::register_args(*m_resolution, *m_manifest);
  if (!args) return StepResult::fail(args.status().message());
  std::vector<ntds::RestoreMapEntry> map;
  for (const auto& [from, to] : args->restore_map) map.push_back({from.str(), to.str()});
  const ntds::HResult hr =
      m_env.api.restore_register(m_hbc, args->checkpoint_dir.str(), args->log_dir.str(), map,
                                 args->backup_log_dir.str(), args->gen_low, args->gen_high);
  if (!hr.ok()) return StepResult::fail("DsRestoreRegister returned " + describe(hr), hr);
  return StepResult::ok("restore registered (logs " + std::to_string(args->gen_low) + ".." +
                        std::to_string(args->gen_high) + "); AD DS will not start until the restore completes");
}

RunSteps::StepResult RunSteps::restore_complete() {
  // S_OK after a good copy; otherwise the failure's HRESULT, so AD DS stays down (ntds-api.md 3.15).
  // Interrupted before the copy finished: ERROR_CANCELLED. Resume registers again.
  ntds::HResult state(0);
  if (m_failed) {
    state = m_failure_hr.value_or(ntds::k_hr_error);
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
  return StepResult::ok("restore complete reported");
}

RunSteps::StepResult RunSteps::restore_end() {
  const ntds::HResult hr = m_env.api.restore_end(m_hbc);
  m_context_open = false;
  ContextClosed closed;
  closed.hresult = hr.value();
  record_best_effort(closed);
  if (!hr.ok()) return StepResult::fail("DsRestoreEnd returned " + describe(hr), hr);
  return StepResult::ok("backup context closed");
}

RunSteps::StepResult RunSteps::restore_authoritative() {
  std::vector<std::string> subtrees;
  std::vector<std::string> objects;
  for (const auto& f : m_plan.authoritative_subtrees) subtrees.push_back(f.value);
  for (const auto& f : m_plan.authoritative_objects) objects.push_back(f.value);
  auto report = m_env.host.mark_authoritative(subtrees, objects, m_opt.state_dir);
  if (!report) return StepResult::fail(report.status().message());
  for (const std::string& w : report->warnings) {
    record_best_effort(Note{NoteLevel::warning, "restore.authoritative: " + w});
    emit("warning", "restore.authoritative", {}, w);
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
    emit("warning", "restore.authoritative", {}, todo);
    msg += "; " + todo;
  }
  return StepResult::ok(msg);
}

RunSteps::StepResult RunSteps::system_restart() {
  if (Status s = m_env.host.restart_normal_mode(); !s) return StepResult::fail(s.message());
  m_restart_pending = true;
  return StepResult::ok("DSRM boot flag cleared; restarting into normal mode");
}

RunSteps::StepResult RunSteps::system_verify_online() {
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
