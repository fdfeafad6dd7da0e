#include "forest/compile.h"

#include <algorithm>

#include "base/duration.h"
#include "base/text.h"

namespace adrestore::forest {
namespace {

std::vector<std::string> values(const std::vector<Field<std::string>>& list) {
  std::vector<std::string> out;
  for (const Field<std::string>& f : list) out.push_back(f.value);
  return out;
}

int depth_of(const ForestPlan& f, const Domain& d) {
  int depth = 0;
  const Domain* at = &d;
  // Bounded by the number of domains: the lint refused cycles, this guards anyway.
  while (at->parent && depth <= static_cast<int>(f.domains.size())) {
    at = f.find_domain(at->parent->value);
    if (!at) break;
    ++depth;
  }
  return depth;
}

// Trusts whose passwords a breach resets: the parent, the children, and those listed.
std::vector<std::string> trusts_of(const ForestPlan& f, const Domain& d) {
  std::vector<std::string> out;
  if (d.parent) out.push_back(d.parent->value);
  for (const Domain& other : f.domains) {
    if (other.parent && to_lower_ascii(other.parent->value) == to_lower_ascii(d.name.value)) {
      out.push_back(other.name.value);
    }
  }
  for (const Field<std::string>& t : d.trusts) out.push_back(t.value);
  return out;
}

// The first DC's steps in the order of the spec's table; conditional ones only when the
// plan asks for them.
std::vector<ForestStep> domain_steps(const ForestPlan& f, const Domain& d, const std::string& dc) {
  const bool root = !d.parent;
  const bool multi_domain = f.domains.size() > 1;
  std::vector<ForestStep> s;
  s.push_back({"restore.plan", dc,
               "adrestore run " + d.first_dc.plan_file.value +
                   ": non-authoritative restore in DSRM, then a normal boot, through system.verify-online",
               "perform-nonauthoritative-restore",
               {{"plan", d.first_dc.plan_file.value}, {"restoreKind", to_string(d.first_dc.restore_kind)}},
               {},
               0});
  if (d.sysvol.value == Sysvol::authoritative) {
    s.push_back({"forest.sysvol-authoritative", dc,
                 "mark SYSVOL authoritative (msDFSR-Options=1, restart DFSR, wait for event 4602)",
                 "authoritative-recovery-sysvol", {}, {}, 0});
  }
  s.push_back({"forest.seize-roles", dc,
               root ? "seize all five FSMO roles with ntdsutil, then verify"
                    : "seize the PDC, RID and infrastructure master roles with ntdsutil, then verify",
               "seizing-operations-master-role", {{"seizeRoles", to_string(d.first_dc.seize_roles.value)}}, {}, 0});
  if (!d.cleanup.empty()) {
    s.push_back({"forest.metadata-cleanup", dc, "remove the metadata of every listed DC that is not restored",
                 "cleaning-metadata-of-removed-dcs", {}, values(d.cleanup), 0});
  }
  s.push_back({"forest.dns", dc,
               root ? "DNS points at this DC; NS and SRV records of removed DCs gone"
                    : "DNS points at the forest root's first DC; NS and SRV records of removed DCs gone",
               "configure-dns", {}, values(d.cleanup), 0});
  s.push_back({"forest.raise-rid-pool", dc, "rIDAvailablePool += " + std::to_string(d.rid_raise_by), "raise-rid-pool",
               {{"raiseBy", std::to_string(d.rid_raise_by)}}, {}, 0});
  if (d.first_dc.restore_kind != RestoreKind::system_state) {
    s.push_back({"forest.invalidate-rid-pool", dc,
                 "invalidate the current RID pool (not a system-state restore); expect event 16654",
                 "invaildate-rid-pool", {}, {}, 0});
  }
  s.push_back({"forest.reset-computer-password", dc, "reset this DC's machine account password, twice",
               "reset-computer-account-dc", {}, {}, 0});
  if (f.breach.value) {
    s.push_back({"forest.reset-admin-passwords", dc, "reset the passwords of every admin account (breach)",
                 "perform-initial-recovery", {}, {}, 0});
  }
  s.push_back({"forest.reset-krbtgt", dc,
               "reset the krbtgt password twice; the second reset waits " + format_duration(d.krbtgt_interval_seconds) +
                   " after the first (across processes and reboots)",
               "reset-the-krbtgt-password",
               {{"resets", "2"}, {"minInterval", format_duration(d.krbtgt_interval_seconds)}},
               {},
               d.krbtgt_interval_seconds});
  const std::vector<std::string> trusts = trusts_of(f, d);
  if (f.breach.value && !trusts.empty()) {
    s.push_back({"forest.reset-trusts", dc, "reset each trust's password on this side (breach)", "reset-trust", {},
                 trusts, 0});
  }
  if (multi_domain) {
    s.push_back({"forest.remove-gc", dc, "remove the global catalog from this DC (multi-domain forest)", "remove-gc", {},
                 {}, 0});
  }
  return s;
}

}  // namespace

const DomainWork* CompiledForest::find(const std::string& domain) const {
  for (const DomainWork& d : domains) {
    if (to_lower_ascii(d.domain) == to_lower_ascii(domain)) return &d;
  }
  return nullptr;
}

CompiledForest compile(const ForestPlan& f) {
  CompiledForest out;
  out.name = f.name.value;
  out.file = f.file;
  out.root = f.forest.value;
  out.breach = f.breach.value;
  out.tombstone_seconds = f.tombstone_seconds;
  std::string root_dc;
  std::vector<std::string> restored;
  for (const Domain& d : f.domains) {
    DomainWork w;
    w.domain = d.name.value;
    w.parent = d.parent ? d.parent->value : std::string();
    w.wave = depth_of(f, d);
    w.dc = d.first_dc_name();
    w.plan_file = d.first_dc.plan_file.value;
    w.plan_name = d.first_dc.plan ? d.first_dc.plan->name.value : std::string();
    w.steps = domain_steps(f, d, w.dc);
    w.redeploy = values(d.cleanup);
    if (!d.parent) root_dc = w.dc;
    restored.push_back(w.dc);
    out.wave_count = std::max(out.wave_count, w.wave + 1);
    out.domains.push_back(std::move(w));
  }
  std::stable_sort(out.domains.begin(), out.domains.end(),
                   [](const DomainWork& a, const DomainWork& b) { return a.wave < b.wave; });

  out.barrier.push_back({"forest.reconnect", "operator",
                         "operator hook: join every restored first DC to one network, still isolated from the rest",
                         "perform-initial-recovery", {}, restored, 0});
  out.barrier.push_back({"forest.check-replication", root_dc,
                         "replication between the restored DCs checked (repadmin /replsum, dcdiag)",
                         "verify-replication", {}, restored, 0});
  out.barrier.push_back({"forest.add-gc", root_dc,
                         "make the forest root's first DC a global catalog; wait for event 1119", "add-gc", {}, {}, 0});
  out.barrier.push_back({"forest.backup", "each restored DC", "a new backup of each restored DC (adrestore backup)",
                         "perform-initial-recovery", {}, restored, 0});

  for (const DomainWork& w : out.domains) {
    if (w.redeploy.empty()) continue;
    out.left_for_operator.push_back("redeploy " + join(w.redeploy, ", ") + " in " + w.domain +
                                    ": remove AD DS or reinstall, then promote again (their old backups are unusable)");
  }
  out.left_for_operator.push_back(
      "then the guide's cleanup: DNS client settings back, FSMO roles and global catalogs redistributed, lost "
      "objects re-created, outgoing external trusts restored by hand");
  return out;
}

}  // namespace adrestore::forest
