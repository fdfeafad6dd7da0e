// YAML tree -> JSON for schema validation. Plain scalars are typed by the YAML 1.2 core
// schema (true/false, null, integers, floats); quoted and block scalars are strings.
#pragma once

#include <nlohmann/json.hpp>

#include "input/node.h"

namespace adrestore::input {

nlohmann::json to_json(const Node& node);

// Describes a node for a message: "the number 5", "a list", "the string 'x'".
std::string describe_node(const Node& node);

}  // namespace adrestore::input
