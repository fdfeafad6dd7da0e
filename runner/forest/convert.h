// YAML tree -> typed ForestPlan. Lenient like plan/convert.h: a value of the wrong type is
// skipped (the schema has reported it) so that the hazard lint still runs on the rest.
#pragma once

#include "forest/model.h"
#include "input/diagnostic.h"
#include "input/node.h"

namespace adrestore::forest {

// `file` is the forest file as the user named it; each first DC's plan path is resolved
// against its folder.
ForestPlan convert_forest(const input::Node& root, const std::string& file);

}  // namespace adrestore::forest
