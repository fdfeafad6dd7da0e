// The typed forest recovery plan (doc/forest.md): the decisions of one forest's recovery,
// each with the position it came from, and the RestorePlans of the domains' first DCs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/model.h"

namespace adrestore::forest {

template <class T>
using Field = plan::Field<T>;

enum class SeizeRoles { all, domain };
enum class Sysvol { authoritative, non_authoritative };
enum class RestoreKind { system_state, full_server };

const char* to_string(SeizeRoles v);
const char* to_string(Sysvol v);
const char* to_string(RestoreKind v);

constexpr std::int64_t k_guide_tombstone_seconds = 180LL * 86400;
constexpr std::int64_t k_guide_krbtgt_interval_seconds = 10LL * 3600;
constexpr std::int64_t k_guide_rid_raise = 100000;

struct FirstDC {
  Field<std::string> plan_file;  // as written, relative to the forest file
  std::string plan_path;         // resolved against the forest file's folder
  Field<SeizeRoles> seize_roles;
  RestoreKind restore_kind = RestoreKind::system_state;
  // The referenced RestorePlan, when it loaded and validated.
  std::optional<plan::Plan> plan;
};

struct Domain {
  std::size_t index = 0;
  std::string path;  // spec.domains[0]
  input::Mark mark;
  Field<std::string> name;
  std::optional<Field<std::string>> parent;
  FirstDC first_dc;
  Field<Sysvol> sysvol;
  std::vector<Field<std::string>> cleanup;
  std::vector<Field<std::string>> former_role_holders;
  std::vector<Field<std::string>> trusts;
  std::int64_t rid_raise_by = k_guide_rid_raise;
  std::int64_t krbtgt_interval_seconds = k_guide_krbtgt_interval_seconds;
  std::optional<Field<std::string>> krbtgt_interval;  // the text as written, when given
  std::optional<Field<std::string>> krbtgt_acknowledgement;

  // The first DC's name from its RestorePlan, or empty when the plan did not load.
  std::string first_dc_name() const;
};

struct ForestPlan {
  std::string file;  // as the user named it
  Field<std::string> name;
  std::string description;
  Field<std::string> forest;  // the root domain's DNS name
  Field<bool> breach;
  std::int64_t tombstone_seconds = k_guide_tombstone_seconds;
  std::optional<Field<std::string>> tombstone;  // the text as written, when given
  std::vector<Domain> domains;

  const Domain* find_domain(const std::string& dns_name) const;  // ignoring case
};

}  // namespace adrestore::forest
