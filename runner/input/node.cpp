#include "input/node.h"

namespace adrestore::input {

const Node* Node::get(const std::string& key) const {
  if (kind != Kind::mapping) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

Mark Node::key_mark(const std::string& key) const {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return key_marks[i];
  }
  return mark;
}

std::string path_child(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string path_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace adrestore::input
