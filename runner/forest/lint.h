// The hazard lint of a forest recovery plan (doc/forest.md, "Validation"): the decisions
// the Forest Recovery Guide asks for, checked before anyone is in the middle of a recovery.
#pragma once

#include <vector>

#include "forest/load.h"
#include "forest/model.h"
#include "input/diagnostic.h"

namespace adrestore::forest {

// `referenced` are the first DCs' plans as load_forest_text read them.
void lint(const ForestPlan& forest, const std::vector<ReferencedPlan>& referenced, input::Diagnostics& diags);

}  // namespace adrestore::forest
