#include "placement/plan_check.h"

#include "backup/verify.h"
#include "base/text.h"
#include "host/host.h"
#include "placement/destinations.h"

namespace adrestore::placement {
namespace {

std::string manifest_diag_text(const input::Diagnostic& d) {
  std::string s = "the manifest " + d.file;
  if (d.mark.line > 0) s += ":" + std::to_string(d.mark.line) + ":" + std::to_string(d.mark.column);
  s += ": ";
  if (!d.path.empty()) s += d.path + ": ";
  return s + d.message;
}

}  // namespace

void check_backup_set(const plan::Plan& plan, const SetAccess& access, std::int64_t now_unix,
                      input::Diagnostics& diags) {
  const plan::Field<WinPath>& source = plan.backup_source;
  const std::string set_name = "backup set " + source.value.str();
  const std::string field = source.path.empty() ? "spec.backup.source" : source.path;
  if (!access.disks) {
    diags.note(source.mark, field,
               set_name + " is not reachable from here (" + access.unreachable_reason + "); not checked");
    return;
  }
  backup::ManifestRead read = backup::read_set_manifest(*access.disks, source.value, plan.manifest_name);
  switch (read.state) {
    case backup::ManifestRead::State::ok:
      break;
    case backup::ManifestRead::State::set_missing:
      diags.note(source.mark, field,
                 set_name + " is not reachable from here (it does not exist in " +
                     (access.where.empty() ? std::string("this file system") : access.where) + "); not checked");
      return;
    case backup::ManifestRead::State::invalid:
      for (const input::Diagnostic& d : read.diags.items()) {
        if (d.severity == input::Severity::error) diags.error(source.mark, field, manifest_diag_text(d));
      }
      if (!read.diags.has_errors()) diags.error(source.mark, field, read.message);
      return;
    default:
      diags.error(source.mark, field, read.message);
      return;
  }
  const backup::Manifest& m = *read.manifest;
  if (!host::same_host_name(m.dc, plan.domain_controller.value)) {
    // Two DCs with one directory identity: run refuses it (backup.verify), so validate does too.
    diags.error(source.mark, field,
                set_name + " was taken on " + m.dc + ", but this plan restores " + plan.domain_controller.value +
                    " (metadata.domainController); a DC restored from another DC's backup shares its directory "
                    "identity. Point spec.backup.source at a backup set of " +
                    plan.domain_controller.value +
                    ", or, if this is really intended, run with --allow-foreign-backup (which validate does not "
                    "take)");
  }
  // Overrides the DC's own report (recorded at backup time) does not match: verified only
  // in the simulator, so a reviewer should know (issue 13; doc/windows.md).
  for (const OverrideDifference& d : override_differences(graph::destination_policy(plan), m.locations)) {
    const auto& f = d.role == DirRole::database ? plan.dest_database
                    : d.role == DirRole::logs   ? plan.dest_logs
                                                       : plan.dest_checkpoint;
    if (f) diags.warning(f->mark, f->path, describe_override_difference(d, "at backup time (" + set_name + ")"));
  }
  backup::VerifyOptions o;
  o.now_unix = now_unix;
  o.max_age_seconds = plan.max_age_seconds;
  o.depth = backup::VerifyDepth::cheap;
  o.manifest_name = plan.manifest_name;
  o.trust = plan.trusted_keys();
  const backup::VerifyResult r = backup::verify_files(*access.disks, source.value, m, o);
  for (const backup::VerifyProblem& p : r.problems) {
    std::string msg = set_name + ": " + p.message;
    if (p.kind == backup::ProblemKind::too_old) msg += " (spec.backup.maxAge)";
    diags.error(source.mark, field, msg);
  }
  for (const std::string& n : r.notes) diags.note(source.mark, field, set_name + ": " + n);
}

}  // namespace adrestore::placement
