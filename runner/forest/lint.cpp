#include "forest/lint.h"

#include <map>
#include <set>

#include "base/duration.h"
#include "base/text.h"
#include "host/host.h"

namespace adrestore::forest {
namespace {

const ReferencedPlan* find_referenced(const std::vector<ReferencedPlan>& referenced, const std::string& path) {
  for (const ReferencedPlan& r : referenced) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

bool is_root(const Domain& d) { return !d.parent; }

// Exactly one root, and it is spec.forest.
void check_root(const ForestPlan& f, input::Diagnostics& diags) {
  const Domain* root = nullptr;
  for (const Domain& d : f.domains) {
    if (!is_root(d) || d.name.mark.line == 0) continue;
    if (!root) {
      root = &d;
      continue;
    }
    diags.error(d.name.mark, d.name.path,
                "'" + d.name.value + "' has no parent, and " + root->name.value + " (line " +
                    std::to_string(root->name.mark.line) +
                    ") is already the forest root: the guide restores exactly one forest root domain first; give "
                    "every other domain its parent");
  }
  if (f.domains.empty()) return;
  if (!root) {
    diags.error(f.domains.front().mark, "spec.domains",
                "no domain is the forest root (every domain names a parent): the guide restores the forest root "
                "domain first; leave out parent on " + f.forest.value);
    return;
  }
  if (f.forest.mark.line > 0 && to_lower_ascii(root->name.value) != to_lower_ascii(f.forest.value)) {
    diags.error(root->name.mark, root->name.path,
                "'" + root->name.value + "' has no parent, so it is the forest root, but spec.forest is " +
                    f.forest.value + ": name the forest root domain in both places, and give '" + root->name.value +
                    "' its parent");
  }
}

// Every parent is a listed domain, and following parents ends at the root.
void check_parents(const ForestPlan& f, input::Diagnostics& diags) {
  for (const Domain& d : f.domains) {
    if (!d.parent) continue;
    if (to_lower_ascii(d.parent->value) == to_lower_ascii(d.name.value)) {
      diags.error(d.parent->mark, d.parent->path, "'" + d.name.value + "' names itself as its parent");
      continue;
    }
    if (!f.find_domain(d.parent->value)) {
      diags.error(d.parent->mark, d.parent->path,
                  "the parent '" + d.parent->value +
                      "' is not one of spec.domains: the guide restores a parent domain before its children, so "
                      "every parent needs its own entry and first DC");
      continue;
    }
    std::vector<std::string> chain = {d.name.value};
    std::set<std::string> seen = {to_lower_ascii(d.name.value)};
    const Domain* at = f.find_domain(d.parent->value);
    while (at) {
      chain.push_back(at->name.value);
      if (!seen.insert(to_lower_ascii(at->name.value)).second) {
        diags.error(d.parent->mark, d.parent->path,
                    "the parents form a cycle (" + join(chain, " -> ") +
                        "): the guide restores the forest root first and each child after its parent");
        break;
      }
      at = at->parent ? f.find_domain(at->parent->value) : nullptr;
    }
  }
}

// One entry (so one first DC) per domain, and no DC first in two domains.
void check_unique(const ForestPlan& f, input::Diagnostics& diags) {
  std::map<std::string, const Domain*> names;
  std::vector<const Domain*> with_dc;
  for (const Domain& d : f.domains) {
    if (d.name.mark.line > 0) {
      auto [it, inserted] = names.emplace(to_lower_ascii(d.name.value), &d);
      if (!inserted) {
        diags.error(d.name.mark, d.name.path,
                    "the domain '" + d.name.value + "' is already listed at line " +
                        std::to_string(it->second->name.mark.line) +
                        ": a domain has exactly one first DC, restored from one backup; every other DC of it goes "
                        "in cleanup");
      }
    }
    const std::string dc = d.first_dc_name();
    if (dc.empty()) continue;
    for (const Domain* other : with_dc) {
      if (host::same_host_name(dc, other->first_dc_name())) {
        diags.error(d.first_dc.plan_file.mark, d.first_dc.plan_file.path,
                    "restores " + dc + ", which is already the first DC of " + other->name.value +
                        ": a DC belongs to one domain, and each domain needs its own first DC");
      }
    }
    with_dc.push_back(&d);
  }
}

// Each referenced RestorePlan loaded; its backup fits the tombstone lifetime; it is not an
// authoritative restore.
void check_referenced(const ForestPlan& f, const std::vector<ReferencedPlan>& referenced, input::Diagnostics& diags) {
  for (const Domain& d : f.domains) {
    const Field<std::string>& file = d.first_dc.plan_file;
    const ReferencedPlan* r = find_referenced(referenced, d.first_dc.plan_path);
    if (!r) continue;
    if (r->load.failure == input::LoadFailure::unreadable) {
      const std::string why = r->load.diags.items().empty() ? std::string() : r->load.diags.items().front().message;
      diags.error(file.mark, file.path,
                  "the RestorePlan " + r->path + " cannot be read (" + why +
                      "): every domain's first DC needs a RestorePlan, relative to this file");
      continue;
    }
    if (!r->load.plan) {
      const std::size_t n = r->load.diags.error_count();
      diags.error(file.mark, file.path,
                  "the RestorePlan " + r->path + " does not validate (" + std::to_string(n) +
                      (n == 1 ? " error" : " errors") + ", reported against that file)");
      continue;
    }
    const plan::Plan& p = *r->load.plan;
    if (p.max_age_seconds > f.tombstone_seconds) {
      diags.error(file.mark, file.path,
                  r->path + " accepts backups up to " + format_duration(p.max_age_seconds) +
                      " old (spec.backup.maxAge), longer than the tombstone lifetime " +
                      format_duration(f.tombstone_seconds) +
                      ": the guide never restores a backup older than the tombstone lifetime (deleted objects would "
                      "come back as lingering objects); lower its maxAge");
    }
    if (p.authoritative()) {
      diags.error(file.mark, file.path,
                  r->path + " is an authoritative restore: the guide restores each domain's first DC "
                            "non-authoritatively (only SYSVOL is made authoritative); remove spec.restore.authoritative");
    }
  }
}

// A restored DC is never cleaned up, and every former FSMO holder that is not restored is.
void check_cleanup(const ForestPlan& f, input::Diagnostics& diags) {
  for (const Domain& d : f.domains) {
    for (const Field<std::string>& c : d.cleanup) {
      for (const Domain& restored : f.domains) {
        const std::string dc = restored.first_dc_name();
        if (dc.empty() || !host::same_host_name(dc, c.value)) continue;
        diags.error(c.mark, c.path,
                    c.value + " is the first DC of " + restored.name.value +
                        ", restored by this plan: metadata cleanup would remove the DC being recovered; the guide "
                        "cleans up only the DCs that are not restored");
      }
    }
    for (const Field<std::string>& h : d.former_role_holders) {
      const std::string dc = d.first_dc_name();
      if (!dc.empty() && host::same_host_name(dc, h.value)) continue;
      bool listed = false;
      for (const Field<std::string>& c : d.cleanup) listed = listed || host::same_host_name(c.value, h.value);
      if (listed) continue;
      diags.error(h.mark, h.path,
                  h.value + " held FSMO roles before the failure but is not in cleanup: the guide removes the "
                            "metadata of every DC that is not restored, and until a former RID master is removed the "
                            "seized role does not take (event 16650); add it to " +
                      input::path_child(d.path, "cleanup"));
    }
  }
}

// The first DC's decisions against its domain's place in the forest.
void check_domain_decisions(const ForestPlan& f, input::Diagnostics& diags) {
  for (const Domain& d : f.domains) {
    const Field<SeizeRoles>& seize = d.first_dc.seize_roles;
    if (seize.mark.line > 0) {
      if (is_root(d) && seize.value != SeizeRoles::all) {
        diags.error(seize.mark, seize.path,
                    "the forest root's first DC must seize all five FSMO roles (schema master, domain naming master, "
                    "PDC, RID and infrastructure master), as the guide asks; use seizeRoles: all");
      } else if (!is_root(d) && seize.value != SeizeRoles::domain) {
        diags.error(seize.mark, seize.path,
                    "a domain other than the forest root seizes only its three domain roles (PDC, RID and "
                    "infrastructure master); the schema and naming masters belong to the root; use seizeRoles: domain");
      }
    }
    if (d.sysvol.mark.line > 0) {
      if (is_root(d) && d.sysvol.value == Sysvol::non_authoritative) {
        diags.error(d.sysvol.mark, d.sysvol.path,
                    "the forest root's first DC must mark SYSVOL authoritative (the guide's "
                    "authoritative-recovery-sysvol): with no other DC left, a non-authoritative SYSVOL waits for a "
                    "replication partner that is gone; use sysvol: authoritative");
      } else if (!is_root(d) && d.sysvol.value == Sysvol::non_authoritative) {
        diags.warning(d.sysvol.mark, d.sysvol.path,
                      "the guide is ambiguous here: its steps ask for an authoritative SYSVOL on the first writable "
                      "DC of each domain, its warning says only in the forest root. SYSVOL replicates within a "
                      "domain, so without another DC of " + d.name.value +
                          " a non-authoritative SYSVOL has no source; sysvol: authoritative is the coherent reading");
      } else if (!is_root(d)) {
        diags.note(d.sysvol.mark, d.sysvol.path,
                   "SYSVOL authoritative outside the forest root: the guide's steps ask for it on each domain's first "
                   "writable DC, its warning mentions only the root; SYSVOL replicates within a domain, so this "
                   "follows the per-domain reading");
      }
    }
    if (d.krbtgt_interval && d.krbtgt_interval_seconds < k_guide_krbtgt_interval_seconds && !d.krbtgt_acknowledgement) {
      diags.error(d.krbtgt_interval->mark, d.krbtgt_interval->path,
                  "minInterval " + d.krbtgt_interval->value +
                      " is under the guide's 10 hours between the two krbtgt resets (tickets issued before the first "
                      "reset must expire first); say why it is safe in krbtgt.acknowledgeShortInterval, or use 10h");
    }
  }
}

}  // namespace

void lint(const ForestPlan& f, const std::vector<ReferencedPlan>& referenced, input::Diagnostics& diags) {
  if (f.tombstone && f.tombstone_seconds < 2 * 86400) {
    diags.error(f.tombstone->mark, f.tombstone->path,
                "tombstoneLifetime " + f.tombstone->value + " is shorter than Active Directory allows (2d); the "
                "guide's default is 180d");
  }
  check_root(f, diags);
  check_parents(f, diags);
  check_unique(f, diags);
  check_referenced(f, referenced, diags);
  check_cleanup(f, diags);
  check_domain_decisions(f, diags);
}

}  // namespace adrestore::forest
