// The outputs of `adrestore plan`: text (for people), json (for tools; doc/plan-json.md),
// dot (Graphviz) and mermaid (Markdown-rendered flowcharts). Renderers only read the
// graph; they never touch the DC or the disk. The files and destinations part of text and
// json is placement's (placement/preview.h), which needs a backup set.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "graph/step_graph.h"

namespace adrestore::graph {

// The text preview's head: the plan, then the steps in execution order (or why the graph is
// broken). placement::render_text adds the destinations and files.
std::string render_text(const StepGraph& graph);
// The json document's head (doc/plan-json.md): format, version, plan, steps, edges;
// placement::render_json adds the rest.
nlohmann::ordered_json render_json_head(const StepGraph& graph);
std::string render_dot(const StepGraph& graph);
std::string render_mermaid(const StepGraph& graph);

// Escaping, exposed for tests.
std::string dot_quote(const std::string& text);        // "..." with \" \\ \n escaped
std::string mermaid_label(const std::string& text);    // "..." with #quot; #lt; #gt; #35; #amp;
std::string quote_argv(const std::vector<std::string>& argv);  // ['C:\x.exe', 'a b'] YAML flow style

}  // namespace adrestore::graph
