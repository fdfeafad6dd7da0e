// YAML tree -> typed Plan. Lenient on purpose: a value of the wrong type is skipped (the
// schema has reported it) so that the semantic rules still run on everything else.
#pragma once

#include "input/diagnostic.h"
#include "plan/model.h"
#include "input/node.h"

namespace adrestore::plan {

Plan convert_plan(const input::Node& root, const std::string& file, input::Diagnostics& diags);

}  // namespace adrestore::plan
