// The parsed YAML document as a tree that remembers where every key and value stood in the
// file. Built by the input guard (guard.h) straight from parser events, so nothing the
// guard rejects (aliases, tags, duplicate keys...) ever reaches a later stage.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace adrestore::input {

// 1-based line and column in the source file; 0 means "unknown".
struct Mark {
  int line = 0;
  int column = 0;
};

struct Node {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  bool quoted = false;  // a quoted or block scalar is always a string
  std::string value;    // scalars only
  Mark mark;
  std::vector<Node> items;         // sequence items, or mapping values
  std::vector<std::string> keys;   // mapping keys, parallel to items
  std::vector<Mark> key_marks;     // mapping key positions, parallel to items

  bool is_map() const { return kind == Kind::mapping; }
  bool is_seq() const { return kind == Kind::sequence; }
  bool is_scalar() const { return kind == Kind::scalar; }
  // Mapping lookup; nullptr when absent or when this is not a mapping.
  const Node* get(const std::string& key) const;
  // Mark of a key in a mapping, or this node's mark when absent.
  Mark key_mark(const std::string& key) const;
};

// Joins a field path: "spec" + "hooks" -> "spec.hooks"; index -> "spec.hooks.pre[0]".
std::string path_child(const std::string& parent, const std::string& key);
std::string path_index(const std::string& parent, std::size_t index);

}  // namespace adrestore::input
