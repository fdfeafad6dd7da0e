// YAML tree -> typed Plan. Lenient on purpose: a value of the wrong type is skipped (the
// schema has reported it) so that the semantic rules still run on everything else.
#pragma once

#include "input/diagnostic.h"
#include "plan/model.h"
#include "input/node.h"

namespace adrestore::plan {

// A scalar's text and position (empty with the path when `n` is absent or not a scalar).
Field<std::string> str_field(const input::Node* n, const std::string& path);
// The scalars of a sequence, each with its position; other items are skipped.
std::vector<Field<std::string>> string_list(const input::Node* n, const std::string& path);

Plan convert_plan(const input::Node& root, const std::string& file, input::Diagnostics& diags);

}  // namespace adrestore::plan
