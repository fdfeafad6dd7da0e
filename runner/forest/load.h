// Loading a forest recovery plan: guard -> YAML tree -> JSON Schema -> typed ForestPlan ->
// each first DC's RestorePlan through the normal pipeline -> the hazard lint (lint.h).
// Every problem is collected; a ForestPlan is returned only when neither the forest file
// nor a referenced plan has an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forest/model.h"
#include "input/diagnostic.h"
#include "input/guard.h"
#include "plan/validate.h"

namespace adrestore::forest {

// A first DC's RestorePlan as loaded on its own; its diagnostics name its own file.
struct ReferencedPlan {
  std::string path;  // resolved against the forest file's folder
  plan::PlanLoad load;
};

struct ForestLoad {
  input::LoadFailure failure = input::LoadFailure::none;
  input::Diagnostics diags;  // the forest file's
  std::vector<ReferencedPlan> referenced;
  std::optional<ForestPlan> plan;  // only when nothing has an error
};

ForestLoad load_forest_file(const std::string& path);
// `display_name` prefixes every message and is the folder referenced plans are found in.
ForestLoad load_forest_text(std::string text, const std::string& display_name);

// The document's `kind` (RestorePlan, ForestRecoveryPlan...), or empty when the file does not
// parse or has none; for commands that take either kind. Problems are left to the loaders.
std::string document_kind(const std::string& path);

inline constexpr std::string_view k_forest_kind = "ForestRecoveryPlan";

std::string_view forest_plan_schema_text();

}  // namespace adrestore::forest
