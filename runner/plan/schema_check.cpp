#include "plan/schema_check.h"

#include <mutex>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "base/embedded.h"
#include "base/text.h"
#include "plan/json_convert.h"

namespace adrestore::plan {
namespace {

// One step along a valijson context: "[spec]" or "[0]".
std::string strip_brackets(const std::string& s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

std::string json_type_name(const nlohmann::json& t) {
  const std::string s = t.is_string() ? t.get<std::string>() : "value";
  if (s == "object") return "a map";
  if (s == "array") return "a list";
  if (s == "string") return "a string";
  if (s == "boolean") return "true or false";
  if (s == "integer") return "a whole number";
  if (s == "number") return "a number";
  return s;
}

}  // namespace

struct SchemaChecker::Impl {
  nlohmann::json schema_json;
  valijson::Schema schema;
  mutable std::mutex mutex;  // valijson's regex cache is not thread-safe
  mutable valijson::Validator validator;

  // Resolves "$ref": "#/definitions/x" (local references only).
  const nlohmann::json* deref(const nlohmann::json* s) const {
    for (int guard = 0; s && s->is_object() && s->contains("$ref") && guard < 16; ++guard) {
      const std::string ref = (*s)["$ref"].get<std::string>();
      if (!starts_with(ref, "#/")) return nullptr;
      const nlohmann::json* cur = &schema_json;
      for (const std::string& part : split(ref.substr(2), '/')) {
        if (!cur->is_object() || !cur->contains(part)) return nullptr;
        cur = &(*cur)[part];
      }
      s = cur;
    }
    return s;
  }

  // The sub-schema for a child of `s`: a property of an object or an item of an array.
  const nlohmann::json* child(const nlohmann::json* s, const std::string& key, bool is_index) const {
    s = deref(s);
    if (!s || !s->is_object()) return nullptr;
    if (is_index) {
      if (s->contains("items")) return deref(&(*s)["items"]);
      return nullptr;
    }
    if (s->contains("properties") && (*s)["properties"].contains(key)) return deref(&(*s)["properties"][key]);
    if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object()) {
      return deref(&(*s)["additionalProperties"]);
    }
    return nullptr;
  }

  std::vector<std::string> property_names(const nlohmann::json* s) const {
    std::vector<std::string> out;
    s = deref(s);
    if (s && s->is_object() && s->contains("properties")) {
      for (auto it = (*s)["properties"].begin(); it != (*s)["properties"].end(); ++it) out.push_back(it.key());
    }
    return out;
  }
};

SchemaChecker::SchemaChecker(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SchemaChecker::~SchemaChecker() = default;

Result<std::shared_ptr<SchemaChecker>> SchemaChecker::create(std::string_view schema_json) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->schema_json = nlohmann::json::parse(schema_json);
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(impl->schema_json);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& e) {
    return Status::error(Code::internal, std::string("cannot load the built-in schema: ") + e.what());
  }
  return std::shared_ptr<SchemaChecker>(new SchemaChecker(std::move(impl)));
}

std::vector<std::string> SchemaChecker::allowed_keys(const std::vector<std::string>& segments) const {
  const nlohmann::json* s = &m_impl->schema_json;
  for (const std::string& seg : segments) {
    const bool is_index = !seg.empty() && std::isdigit(static_cast<unsigned char>(seg[0]));
    s = m_impl->child(s, seg, is_index);
    if (!s) return {};
  }
  return m_impl->property_names(s);
}

void SchemaChecker::check(const Node& root, const nlohmann::json& doc, Diagnostics& diags) const {
  valijson::ValidationResults results;
  try {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    valijson::adapters::NlohmannJsonAdapter target(doc);
    m_impl->validator.validate(m_impl->schema, target, &results);
  } catch (const std::exception& e) {
    diags.error(root.mark, {}, std::string("schema validation stopped: ") + e.what());
    return;
  }

  valijson::ValidationResults::Error err;
  while (results.popError(err)) {
    const std::string& desc = err.description;
    // Wrappers that only say "something below failed": the leaf error says what.
    if (starts_with(desc, "Failed to validate")) continue;

    // Walk the context along the YAML tree and the schema together.
    const Node* node = &root;
    const Node* parent = nullptr;
    const nlohmann::json* schema = &m_impl->schema_json;
    std::string path;
    Mark mark = root.mark;
    for (std::size_t i = 1; i < err.context.size() && node; ++i) {
      const std::string seg = strip_brackets(err.context[i]);
      parent = node;
      if (node->is_map()) {
        const Node* next = node->get(seg);
        path = path_child(path, seg);
        schema = schema ? m_impl->child(schema, seg, false) : nullptr;
        node = next;
      } else if (node->is_seq()) {
        const std::size_t idx = static_cast<std::size_t>(std::strtoul(seg.c_str(), nullptr, 10));
        path = path_index(path, idx);
        schema = schema ? m_impl->child(schema, seg, true) : nullptr;
        node = idx < node->items.size() ? &node->items[idx] : nullptr;
      } else {
        node = nullptr;
      }
    }
    if (!node) node = parent ? parent : &root;
    mark = node->mark;
    schema = m_impl->deref(schema);
    const std::string expected_phrase =
        (schema && schema->contains("x-expected")) ? (*schema)["x-expected"].get<std::string>() : std::string();

    if (starts_with(desc, "Object contains a property that could not be validated")) {
      // Report every unknown key of this map, each at its own position.
      const std::vector<std::string> known = m_impl->property_names(schema);
      for (std::size_t k = 0; k < node->keys.size(); ++k) {
        const std::string& key = node->keys[k];
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        if (diags.has_error_at(node->key_marks[k])) continue;  // already explained (a literal secret)
        std::string msg = "unknown field '" + key + "'";
        if (auto guess = did_you_mean(key, known)) {
          msg += "; did you mean '" + *guess + "'?";
        } else if (key == "when" && path.find("hooks.pre[") != std::string::npos) {
          msg += "; 'when' applies to post hooks only";
        } else if (!known.empty()) {
          msg += "; allowed here: " + join_alternatives(known, " and ");
        }
        diags.error(node->key_marks[k], path_child(path, key), msg);
      }
      continue;
    }
    if (starts_with(desc, "Missing required property '")) {
      const std::string name = desc.substr(27, desc.size() - 27 - 2);
      diags.error(node->mark, path, "required field '" + name + "' is missing");
      continue;
    }
    std::string found = describe_node(*node);
    std::string msg;
    if (starts_with(desc, "Value type not permitted")) {
      std::string want = schema && schema->contains("type") ? json_type_name((*schema)["type"]) : "another type";
      msg = "expected " + (expected_phrase.empty() ? want : expected_phrase) + "; found " + found;
      if (want == "a string" && node->is_scalar() && !node->quoted) {
        msg += " (quote it to make it a string: \"" + escape_for_terminal(node->value) + "\")";
      }
    } else if (starts_with(desc, "Failed to match against any enum values")) {
      std::vector<std::string> options;
      if (schema && schema->contains("enum")) {
        for (const auto& v : (*schema)["enum"]) options.push_back(v.is_string() ? v.get<std::string>() : v.dump());
      }
      msg = "expected " + (expected_phrase.empty() ? join_alternatives(options) : expected_phrase) + "; found " + found;
      if (node->is_scalar() && expected_phrase.empty()) {
        if (auto guess = did_you_mean(node->value, options)) msg += "; did you mean '" + *guess + "'?";
      }
    } else if (starts_with(desc, "Failed to match regex")) {
      msg = found + " is not " + (expected_phrase.empty() ? "in the expected form" : expected_phrase);
    } else if (starts_with(desc, "Failed to match expected value set by 'const'")) {
      msg = "expected " + (expected_phrase.empty() ? std::string("a fixed value") : expected_phrase) + "; found " + found;
    } else if (starts_with(desc, "String should be no more than")) {
      msg = "value is too long (" + std::to_string(node->value.size()) + " characters; at most " +
            std::to_string(schema && schema->contains("maxLength") ? (*schema)["maxLength"].get<int>() : 0) +
            " allowed)";
    } else if (starts_with(desc, "String should be no fewer than")) {
      msg = "value is too short (at least " +
            std::to_string(schema && schema->contains("minLength") ? (*schema)["minLength"].get<int>() : 0) +
            " characters needed); found " + found;
    } else if (starts_with(desc, "Array should contain no fewer than")) {
      msg = "the list needs at least " +
            std::to_string(schema && schema->contains("minItems") ? (*schema)["minItems"].get<int>() : 1) +
            " item(s)" + (expected_phrase.empty() ? std::string() : "; expected " + expected_phrase);
    } else if (starts_with(desc, "Array should contain no more than")) {
      msg = "the list has " + std::to_string(node->items.size()) + " items; at most " +
            std::to_string(schema && schema->contains("maxItems") ? (*schema)["maxItems"].get<int>() : 0) +
            " are allowed";
    } else if (starts_with(desc, "Object should have no more than")) {
      msg = "the map has " + std::to_string(node->items.size()) + " entries; at most " +
            std::to_string(schema && schema->contains("maxProperties") ? (*schema)["maxProperties"].get<int>() : 0) +
            " are allowed";
    } else {
      msg = desc;  // not expected with our schema; keep valijson's words rather than lose the error
    }
    diags.error(mark, path, msg);
  }
}

std::string_view restore_plan_schema_text() { return embedded_file("schema/restore-plan.schema.json"); }

}  // namespace adrestore::plan
