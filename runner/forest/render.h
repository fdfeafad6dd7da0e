// The outputs of `adrestore plan FOREST.yaml`: text (for people), json (for an orchestrator;
// doc/forest.md, "The JSON preview"), dot and mermaid. They only read the compiled plan.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "forest/compile.h"

namespace adrestore::forest {

std::string render_text(const CompiledForest& c);
nlohmann::ordered_json render_json(const CompiledForest& c);
std::string render_dot(const CompiledForest& c);
std::string render_mermaid(const CompiledForest& c);

}  // namespace adrestore::forest
