// Loading a plan: guard -> YAML tree -> no literal secrets (rule 6) -> JSON Schema -> typed
// Plan -> the other semantic rules. Every problem in the file is collected; a Plan is
// returned only when there is none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "input/diagnostic.h"
#include "input/guard.h"
#include "plan/model.h"

namespace adrestore::plan {

struct PlanLoad {
  input::LoadFailure failure = input::LoadFailure::none;
  input::Diagnostics diags;
  std::optional<Plan> plan;  // only when diags has no error
  std::string text;          // the file's bytes (for the content hash)
};

// `path` as the user wrote it; it prefixes every message. An unreadable file is a
// diagnostic with LoadFailure::unreadable, not a Status.
PlanLoad load_plan_file(const std::string& path);
// `display_name` prefixes every message; `limits` are the guard's (tests relax them to reach
// the schema's own limits).
PlanLoad load_plan_text(std::string text, const std::string& display_name, const input::GuardLimits& limits = {});

// The semantic rules of plan-format.md but rule 6 (load_plan_text checks that first) on a
// typed plan; the raw tree gives the positions of values the Plan does not keep (maxAge,
// labels).
void check_semantics(const input::Node& root, const Plan& plan, input::Diagnostics& diags);

// RFC 4514 syntax of a distinguished name; returns an explanation, or empty when valid.
std::string check_distinguished_name(const std::string& dn);

// The JSON Schema of plan files, built into the binary.
std::string_view restore_plan_schema_text();

// Substitutions allowed in hook argv and env values.
bool is_known_substitution(const std::string& name, HookPhase phase);

}  // namespace adrestore::plan
