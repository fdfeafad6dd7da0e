// JSON Schema validation with valijson, and the translation of valijson's raw messages into
// sentences a reviewer understands: the field, what was expected, what was found, and a
// "did you mean" for misspelt keys.
#pragma once

#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "input/diagnostic.h"
#include "input/node.h"

namespace adrestore::input {

class SchemaChecker {
 public:
  // Parses the schema once; reuse the checker for many documents (it caches regexes).
  static Result<std::shared_ptr<SchemaChecker>> create(std::string_view schema_json);
  ~SchemaChecker();
  SchemaChecker(const SchemaChecker&) = delete;
  SchemaChecker& operator=(const SchemaChecker&) = delete;

  // Adds one diagnostic per problem found in `root` (whose JSON form is `doc`).
  void check(const Node& root, const nlohmann::json& doc, Diagnostics& diags) const;

  // The property names the schema allows at a field path ("spec.hooks.pre[0]"), for
  // suggestions elsewhere. Empty when the path is unknown.
  std::vector<std::string> allowed_keys(const std::vector<std::string>& segments) const;

 private:
  struct Impl;
  explicit SchemaChecker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace adrestore::input
