// Strict JSON -> input::Node tree with line/column marks, so that a JSON input (the backup
// manifest) gets the same schema checker and the same file:line:col messages as a plan.
// nlohmann's SAX parser does the lexing; this layer adds what it lacks for hostile input:
// duplicate keys are errors (nlohmann would keep the last one), and depth and node count
// are capped before a large tree can exist.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "input/diagnostic.h"
#include "input/node.h"

namespace adrestore::backup {

struct JsonLimits {
  std::size_t max_bytes = 16u << 20;
  int max_depth = 16;
  std::size_t max_nodes = 1000000;
  // Long strings are refused before any regular expression of the schema sees them.
  std::size_t max_scalar_bytes = 128u << 10;
};

// Parses `text`. Strings become quoted scalars, numbers and booleans plain scalars (their
// JSON spelling), null a null node, so input::to_json() types them back exactly. Every
// problem is added to `diags`; the tree is returned only when the text is well-formed JSON
// within the limits and without duplicate keys.
std::optional<input::Node> parse_json_tree(std::string_view text, input::Diagnostics& diags,
                                          const JsonLimits& limits = {});

}  // namespace adrestore::backup
