#include "graph/compile.h"

#include "base/duration.h"

namespace adrestore::graph {
namespace {

constexpr const char* k_from_prepare = "the backup context from restore.prepare";
constexpr const char* k_from_locations = "from restore.locations";

Step make_step(const char* id, StepKind kind, StepClass cls, ResumeRule resume, std::string action) {
  Step s;
  s.id = id;
  s.kind = kind;
  s.number = mandated_number(kind);
  s.step_class = cls;
  s.resume = resume;
  s.action = std::move(action);
  return s;
}

Step make_finaliser(const char* id, StepKind kind, const char* guard, std::string action) {
  Step s = make_step(id, kind, StepClass::finaliser, ResumeRule::once, std::move(action));
  s.runs_on = RunsOn::always;
  s.guard = guard;
  return s;
}

Arg unknown(std::string name, std::string where) { return Arg{std::move(name), std::move(where), false}; }

// A directory argument of DsRestoreRegister: fixed by an override, else known at run time.
Arg dir_arg(const char* name, const std::optional<WinPath>& override_dir) {
  if (override_dir) return Arg{name, override_dir->str() + " (override)", true};
  return unknown(name, std::string(k_from_locations) + " (" + k_reported_at_run_time + ")");
}

Step hook_step(const plan::Hook& h) {
  const bool pre = h.phase == plan::HookPhase::pre;
  Step s = make_step("", pre ? StepKind::pre_hook : StepKind::post_hook, StepClass::state_changing, ResumeRule::hook,
                     std::string(pre ? "pre" : "post") + " hook " + h.name.value);
  s.id = hook_step_id(h.phase, h.name.value);
  s.runs_on = RunsOn::success;
  if (!pre) {
    s.runs_on = h.when == plan::When::success ? RunsOn::success
                : h.when == plan::When::failure ? RunsOn::failure
                                                : RunsOn::always;
  }
  HookInputs in;
  in.phase = h.phase;
  in.index = h.index;
  in.name = h.name.value;
  for (const auto& a : h.run) in.argv.push_back(a.value);
  in.timeout_seconds = h.timeout_seconds;
  in.on_error = h.on_error;
  in.when = h.when;
  in.env = h.env;
  if (h.working_dir) in.working_dir = h.working_dir->value;
  in.idempotent = h.idempotent;
  s.hook = std::move(in);
  return s;
}

std::string quarantine_description(const DestinationPolicy& p) {
  if (p.existing_files == plan::ExistingFiles::remove) return "none (existing files are deleted)";
  if (p.quarantine) return p.quarantine->str() + "\\<run-id>";
  return "beside each destination: <destination>.adrestore-quarantine\\<run-id>";
}

std::vector<Step> mandated_steps(const plan::Plan& plan, const PlanSummary& sum) {
  const std::string dc = plan.domain_controller.value;
  std::vector<Step> out;

  Step host = make_step(ids::k_preflight_host, StepKind::preflight_host, StepClass::read_only,
                        ResumeRule::always_repeat,
                        "check that this machine is " + dc + " and is booted in Directory Services Restore Mode");
  host.inputs = {{"domainController", dc}};
  out.push_back(host);

  Step priv = make_step(ids::k_preflight_privilege, StepKind::preflight_privilege, StepClass::read_only,
                        ResumeRule::always_repeat, "check that the process holds and has enabled SE_RESTORE_NAME");
  priv.inputs = {{"privilege", "SeRestorePrivilege"}};
  out.push_back(priv);

  if (plan.credentials) {
    const plan::Credentials& c = *plan.credentials;
    Step cred = make_step(ids::k_preflight_credentials, StepKind::preflight_credentials, StepClass::read_only,
                          ResumeRule::always_repeat,
                          "set the identity for the restore calls (the password is read here, never stored or logged)");
    cred.api = ApiCall{"DsSetAuthIdentity",
                       {Arg{"user", c.user.value, true}, Arg{"domain", c.domain ? c.domain->value : "(none)", true},
                        unknown("password", "read from " + c.password_from.value)}};
    out.push_back(cred);
  }

  Step offline = make_step(ids::k_preflight_ntds_offline, StepKind::preflight_ntds_offline, StepClass::read_only,
                           ResumeRule::always_repeat, "check that AD DS is not running; the restore stops here if it is");
  offline.api = ApiCall{"DsIsNTDSOnline", {Arg{"server", dc, true}}};
  offline.inputs = {{"expect", "FALSE (offline)"}};
  out.push_back(offline);

  Step verify = make_step(ids::k_backup_verify, StepKind::backup_verify, StepClass::read_only,
                          ResumeRule::files_not_yet_copied,
                          "verify the backup set: every file present with its recorded size and SHA-256, age within "
                          "maxAge, expiry token present");
  verify.inputs = {{"manifest", sum.backup_source.child(sum.manifest_name).str()},
                   {"maxAge", format_duration(sum.max_age_seconds)}};
  out.push_back(verify);
  return out;
}

std::vector<Step> restore_steps(const plan::Plan& plan, const PlanSummary& sum) {
  const std::string dc = plan.domain_controller.value;
  const DestinationPolicy& dp = sum.destinations;
  std::vector<Step> out;

  Step prepare = make_step(ids::k_restore_prepare, StepKind::restore_prepare, StepClass::state_changing,
                           ResumeRule::with_new_context, "check again that AD DS is offline, then open the restore: the first state-changing call");
  prepare.api = ApiCall{"DsRestorePrepare",
                        {Arg{"server", dc, true}, Arg{"rtFlag", "RESTORE_TYPE_CATCHUP", true},
                         unknown("expiryToken", "from the backup manifest")}};
  out.push_back(prepare);

  Step loc = make_step(ids::k_restore_locations, StepKind::restore_locations, StepClass::read_only,
                       ResumeRule::with_new_context,
                       "ask the DC where the files go, apply the plan's overrides, journal the destinations, and check, "
                       "read-only, everything files.clear and files.copy could refuse");
  loc.api = ApiCall{"DsRestoreGetDatabaseLocations", {unknown("context", k_from_prepare)}};
  loc.inputs = {{"database", dp.database ? dp.database->str() + " (override)" : k_reported_at_run_time},
                {"logs", dp.logs ? dp.logs->str() + " (override)" : k_reported_at_run_time},
                {"checkpoint", dp.checkpoint ? dp.checkpoint->str() + " (override)" : k_reported_at_run_time},
                {"onLocationsFailure", plan::to_string(dp.on_locations_failure)}};
  out.push_back(loc);

  Step reg = make_step(ids::k_restore_register, StepKind::restore_register, StepClass::state_changing,
                       ResumeRule::with_new_context, "register the restore; locks the destination directories");
  reg.api = ApiCall{"DsRestoreRegister",
                    {unknown("context", k_from_prepare), dir_arg("checkpointDir", dp.checkpoint),
                     dir_arg("logDir", dp.logs), unknown("restoreMap", "the DIT as backed up -> its destination"),
                     dir_arg("backupLogDir", dp.logs), unknown("genLow", "from the backup manifest"),
                     unknown("genHigh", "from the backup manifest")}};
  out.push_back(reg);

  Step clear = make_step(ids::k_files_clear, StepKind::files_clear, StepClass::state_changing, ResumeRule::never_twice,
                         dp.existing_files == plan::ExistingFiles::remove
                             ? "delete every existing file in the destination directories"
                             : "quarantine every existing file in the destination directories");
  clear.inputs = {{"existingFiles", plan::to_string(dp.existing_files)}, {"quarantine", quarantine_description(dp)}};
  out.push_back(clear);

  Step copy = make_step(ids::k_files_copy, StepKind::files_copy, StepClass::state_changing, ResumeRule::per_file,
                        "copy every backup file to its destination, verifying SHA-256 while copying");
  copy.inputs = {{"from", sum.backup_source.str()}};
  out.push_back(copy);

  Step complete = make_finaliser(ids::k_restore_complete, StepKind::restore_complete, ids::k_restore_register,
                                 "tell the DC the outcome of the copy: S_OK lets AD DS start, a failure keeps it stopped");
  complete.api = ApiCall{"DsRestoreRegisterComplete",
                         {unknown("context", k_from_prepare),
                          unknown("hrRestoreState", "S_OK after a good copy, else the failure's HRESULT (ERROR_CANCELLED after Ctrl-C)")}};
  out.push_back(complete);

  Step end = make_finaliser(ids::k_restore_end, StepKind::restore_end, ids::k_restore_prepare,
                            "close the restore and release the backup context");
  end.api = ApiCall{"DsRestoreEnd", {unknown("context", k_from_prepare)}};
  out.push_back(end);

  if (plan.authoritative()) {
    Step auth = make_step(ids::k_restore_authoritative, StepKind::restore_authoritative, StepClass::state_changing,
                          ResumeRule::once,
                          "mark the listed subtrees and objects authoritative (ntdsutil \"authoritative restore\")");
    for (const auto& dn : plan.authoritative_subtrees) auth.inputs.emplace_back("subtree", dn.value);
    for (const auto& dn : plan.authoritative_objects) auth.inputs.emplace_back("object", dn.value);
    out.push_back(auth);
  }
  return out;
}

}  // namespace

std::string hook_step_id(plan::HookPhase phase, const std::string& name) {
  return std::string("hook.") + plan::to_string(phase) + "." + name;
}

Result<StepGraph> compile(const plan::Plan& plan) {
  StepGraph g;
  PlanSummary& sum = g.summary;
  sum.file = plan.file;
  sum.name = plan.name.value;
  sum.domain_controller = plan.domain_controller.value;
  sum.description = plan.description;
  sum.backup_source = plan.backup_source.value;
  sum.manifest_name = plan.manifest_name;
  sum.max_age_seconds = plan.max_age_seconds;
  sum.destinations = destination_policy(plan);
  sum.restart = plan.restart;
  sum.authoritative = plan.authoritative();
  sum.credentials = plan.credentials.has_value();

  std::vector<Step> order = mandated_steps(plan, sum);
  for (const plan::Hook& h : plan.pre_hooks) order.push_back(hook_step(h));
  for (Step& s : restore_steps(plan, sum)) order.push_back(std::move(s));
  for (const plan::Hook& h : plan.post_hooks) order.push_back(hook_step(h));
  if (plan.restart == plan::Restart::normal_mode) {
    order.push_back(make_step(ids::k_system_restart, StepKind::system_restart, StepClass::state_changing,
                              ResumeRule::once,
                              "clear the DSRM boot flag and restart into normal mode (only after a successful restore)"));
    Step online = make_step(ids::k_system_verify_online, StepKind::system_verify_online, StepClass::read_only,
                            ResumeRule::once,
                            "after the restart, on resume: check that AD DS is online and record the run as completed");
    online.phase = Phase::post_restart;
    online.api = ApiCall{"DsIsNTDSOnline", {Arg{"server", plan.domain_controller.value, true}}};
    online.inputs = {{"expect", "TRUE (online)"}};
    order.push_back(online);
  }

  std::vector<std::pair<std::string, std::string>> guards;
  for (Step& s : order) {
    if (!s.guard.empty()) guards.emplace_back(s.guard, s.id);
    if (Status st = g.add_step(std::move(s)); !st) return st;
  }
  for (std::size_t i = 1; i < g.steps().size(); ++i) {
    if (Status st = g.add_edge(g.steps()[i - 1].id, g.steps()[i].id); !st) return st;
  }
  for (const auto& [from, to] : guards) {
    if (Status st = g.add_edge(from, to, EdgeKind::guard); !st) return st;
  }
  if (Status st = g.check_acyclic(); !st) return Status::error(Code::internal, "compiler bug: " + st.message());
  return g;
}

}  // namespace adrestore::graph
