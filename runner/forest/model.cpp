#include "forest/model.h"

#include "base/text.h"

namespace adrestore::forest {

const char* to_string(SeizeRoles v) { return v == SeizeRoles::all ? "all" : "domain"; }
const char* to_string(Sysvol v) { return v == Sysvol::authoritative ? "authoritative" : "nonAuthoritative"; }
const char* to_string(RestoreKind v) { return v == RestoreKind::system_state ? "systemState" : "fullServer"; }

std::string Domain::first_dc_name() const {
  return first_dc.plan ? first_dc.plan->domain_controller.value : std::string();
}

const Domain* ForestPlan::find_domain(const std::string& dns_name) const {
  const std::string want = to_lower_ascii(dns_name);
  for (const Domain& d : domains) {
    if (to_lower_ascii(d.name.value) == want) return &d;
  }
  return nullptr;
}

}  // namespace adrestore::forest
