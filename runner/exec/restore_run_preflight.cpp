// Handlers of the read-only steps 1-5: nothing here changes the DC, so a failure leaves it
// exactly as it was.
#include "backup/verify.h"
#include "platform/secure_wipe.h"
#include "base/text.h"
#include "exec/run_setup.h"
#include "exec/restore_run.h"
#include "host/host.h"

namespace adrestore::exec {

RestoreRun::StepResult RestoreRun::preflight_host() {
  auto name = m_env.host.machine_name();
  if (!name) return StepResult::fail("cannot tell which machine this is: " + name.status().message());
  m_server = name->netbios;
  m_machine_names = name->all();
  const std::string& want = m_plan.domain_controller.value;
  if (!name->matches(want)) {
    if (!m_opt.allow_other_dc) {
      return StepResult::refuse("this machine is " + name->display() + ", but the plan restores " + want +
                                " (metadata.domainController); run the plan on its own DC, or pass "
                                "--allow-other-dc if that is really intended");
    }
    warn("preflight.host", "running on " + name->display() + " although the plan is for " + want +
                                             " (--allow-other-dc)");
  }
  auto dsrm = m_env.host.booted_in_dsrm();
  if (!dsrm) return StepResult::fail("cannot tell whether the machine booted into DSRM: " + dsrm.status().message());
  if (!*dsrm) {
    return StepResult::refuse(name->display() +
                              " is not booted into Directory Services Restore Mode; run 'bcdedit /set safeboot "
                              "dsrepair', restart, log on with the DSRM administrator account and run again");
  }
  return StepResult::ok(name->display() + ", booted into DSRM");
}

RestoreRun::StepResult RestoreRun::preflight_privilege() {
  if (!m_env.host.has_enabled(host::k_se_restore_privilege)) {
    return StepResult::refuse("the process does not hold SeRestorePrivilege, enabled; run adrestore as a local "
                              "Administrator (in DSRM: the DSRM administrator account)");
  }
  return StepResult::ok("SeRestorePrivilege is enabled");
}

RestoreRun::StepResult RestoreRun::preflight_credentials() {
  const plan::Credentials& c = *m_plan.credentials;
  auto password = read_password(c, m_opt.interactive, m_env);
  if (!password) return StepResult::refuse(password.status().message());
  const std::string domain = c.domain ? c.domain->value : std::string();
  const ntds::HResult hr = m_env.api.set_auth_identity(c.user.value, domain, *password);
  // One copy stays for the run, only to scrub it from hook output (a hook may print it, e.g.
  // from the variable passwordFrom names); never stored, logged or passed on, and wiped when
  // the run ends (~RestoreRun). This transient copy is wiped now.
  m_secrets.push_back(*password);
  platform::secure_wipe(*password);
  if (!hr.ok()) return StepResult::fail("DsSetAuthIdentity returned " + describe(hr), hr);
  return StepResult::ok("using " + (domain.empty() ? std::string() : domain + "\\") + c.user.value);
}

Status RestoreRun::load_manifest() {
  if (m_manifest) return Status::ok();
  backup::ManifestRead read = backup::read_set_manifest(m_env.disks, m_plan.backup_source.value, m_plan.manifest_name);
  if (read.state != backup::ManifestRead::State::ok || !read.manifest) {
    std::string msg = read.message;
    for (const input::Diagnostic& d : read.diags.items()) msg += "\n  " + input::format_text(d);
    return Status::error(Code::failed, msg);
  }
  m_manifest = std::move(read.manifest);
  return Status::ok();
}

namespace {

// What the first problem means for the set: an old or misdated set is intact, so only
// damage is called a mismatch with the manifest.
const char* verify_headline(backup::ProblemKind kind) {
  switch (kind) {
    case backup::ProblemKind::too_old: return "is too old to restore";
    case backup::ProblemKind::in_future: return "is dated in the future";
    case backup::ProblemKind::expiry_token: return "cannot be restored";
    case backup::ProblemKind::set_folder: return "cannot be read";
    case backup::ProblemKind::ese_header:
    case backup::ProblemKind::ese_foreign_log:
    case backup::ProblemKind::ese_log_sequence:
    case backup::ProblemKind::ese_logs_missing:
    case backup::ProblemKind::ese_checkpoint: return "would not recover (its bytes match the manifest)";
    case backup::ProblemKind::manifest:
    case backup::ProblemKind::missing:
    case backup::ProblemKind::not_regular:
    case backup::ProblemKind::size:
    case backup::ProblemKind::chunk_hash:
    case backup::ProblemKind::file_hash:
    case backup::ProblemKind::io:
    case backup::ProblemKind::cancelled:
    case backup::ProblemKind::usage: break;
    case backup::ProblemKind::unsigned_set:
    case backup::ProblemKind::signature_file:
    case backup::ProblemKind::untrusted_key:
    case backup::ProblemKind::expired_key:
    case backup::ProblemKind::bad_signature: return "fails its signature check";
  }
  return "does not match its manifest";
}

}  // namespace

std::optional<RestoreRun::StepResult> RestoreRun::check_set_identity() {
  const std::string& set_dc = m_manifest->dc;
  const std::string& plan_dc = m_plan.domain_controller.value;
  auto name = m_env.host.machine_name();
  if (!name) return StepResult::fail("cannot tell which machine this is: " + name.status().message());
  // The preflight.host rule (MachineName::matches), plus a NetBIOS/DNS pair of the DNS name.
  const bool machine_ok = name->matches(set_dc) || host::same_host_name(set_dc, name->display());
  const bool plan_ok = host::same_host_name(set_dc, plan_dc);
  if (machine_ok && plan_ok) return std::nullopt;

  const std::string set = "the backup set " + m_plan.backup_source.value.str();
  // Names both sides: the set's DC and the one(s) it does not belong to.
  std::string whose;
  if (!plan_ok && !machine_ok && name->matches(plan_dc)) {
    whose = plan_dc + " (metadata.domainController, this machine)";
  } else if (!plan_ok && !machine_ok) {
    whose = plan_dc + " (metadata.domainController) nor on this machine, " + name->display();
  } else if (!plan_ok) {
    whose = plan_dc + " (metadata.domainController)";
  } else {
    whose = "this machine, " + name->display();
  }
  const RunState* resumed = m_resumed ? &*m_resumed : nullptr;
  const bool remembered = resumed && resumed->foreign_backup && iequals(resumed->foreign_backup->backup_dc, set_dc) &&
                          iequals(resumed->foreign_backup->plan_dc, plan_dc) &&
                          iequals(resumed->foreign_backup->host, name->display());
  if (!m_opt.allow_foreign_backup && !remembered) {
    return StepResult::refuse(set + " was taken on " + set_dc + ", not on " + whose +
                              "; restoring it would give two DCs one directory identity." +
                              (m_resumed ? "" : " Nothing was changed.") + " Use a backup set taken on " + plan_dc +
                              " (spec.backup.source), or, only if restoring " + set_dc +
                              "'s directory onto this DC is really intended, run again with --allow-foreign-backup");
  }
  if (!remembered && m_journal->format_version() < format_version_of(RecordType::foreign_backup_allowed)) {
    return StepResult::refuse("this run's journal has format version " + std::to_string(m_journal->format_version()) +
                              " (an older adrestore started the run), which cannot record --allow-foreign-backup; "
                              "finish the run with that version, or start a new run with another --state");
  }
  if (!remembered) {
    if (Status s = record(ForeignBackupAllowed{set_dc, plan_dc, name->display()}); !s) {
      return StepResult::fail("cannot journal --allow-foreign-backup: " + s.message());
    }
  }
  const std::string why = remembered && !m_opt.allow_foreign_backup
                              ? "--allow-foreign-backup, journaled by this run at " + resumed->foreign_backup->at
                              : std::string("--allow-foreign-backup");
  warn("backup.verify",
       "restoring " + set + ", taken on " + set_dc + ", onto " + name->display() + " (the plan restores " + plan_dc +
           ") because of " + why + ": the restored DC takes the directory identity of " + set_dc,
       {{"backupDc", set_dc}, {"planDc", plan_dc}, {"host", name->display()}, {"override", "allow-foreign-backup"}});
  return std::nullopt;
}

RestoreRun::StepResult RestoreRun::backup_verify() {
  if (Status s = load_manifest(); !s) return StepResult::fail(s.message());
  // Before any file is read: the cheapest check, and the one that matters most.
  if (auto refused = check_set_identity()) return *refused;
  backup::VerifyOptions vo;
  vo.now_unix = now();
  vo.max_age_seconds = m_plan.max_age_seconds;
  vo.threads = m_opt.verify_threads;
  vo.cancel = &m_env.cancel;
  vo.manifest_name = m_plan.manifest_name;
  vo.trust = m_plan.trusted_keys();
  // On resume, the files already copied and verified at their destination are not read again.
  const std::set<std::string> copied = m_resumed ? m_resumed->copied_names() : std::set<std::string>{};
  if (!copied.empty()) {
    std::vector<std::string> only;
    for (const backup::ManifestFile& f : m_manifest->files) {
      if (!copied.count(f.path)) only.push_back(f.path);
    }
    vo.only = only;
  }
  vo.progress = [&](std::uint64_t done, std::uint64_t total) {
    m_env.observer.on_progress({"verifying the backup set", done, total, done, total});
  };
  backup::VerifyResult r = backup::verify_files(m_env.disks, m_plan.backup_source.value, *m_manifest, vo);
  if (r.cancelled) return StepResult::interrupted("interrupted while verifying the backup set");
  for (const std::string& n : r.notes) warn("backup.verify", n);
  if (!r.ok()) {
    std::string msg = r.problems.front().message;
    if (r.problems.size() > 1) msg += " (and " + std::to_string(r.problems.size() - 1) + " more problem(s))";
    for (std::size_t i = 1; i < r.problems.size() && i < 10; ++i) {
      record_best_effort(Note{NoteLevel::warning, "backup.verify: " + r.problems[i].message});
    }
    return StepResult::fail("the backup set " + m_plan.backup_source.value.str() + " " +
                            verify_headline(r.problems.front().kind) + "; nothing was changed: " + msg);
  }
  return StepResult::ok(std::to_string(r.files_checked) + " file(s), " + format_bytes(r.bytes_hashed) +
                        " verified; backup taken " + m_manifest->created_at);
}

}  // namespace adrestore::exec
