#include "input/schema_check.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <regex>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "base/text.h"
#include "input/json_convert.h"

namespace adrestore::input {
namespace {

// One step along a valijson context: "[spec]" or "[0]".
std::string strip_brackets(const std::string& s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

std::string json_type_name(const nlohmann::json& t) {
  std::string s = t.is_string() ? t.get<std::string>() : "value";
  if (s == "object") return "a map";
  if (s == "array") return "a list";
  if (s == "string") return "a string";
  if (s == "boolean") return "true or false";
  if (s == "integer") return "a whole number";
  if (s == "number") return "a number";
  return s;
}

// Characters as JSON Schema counts them: Unicode code points, not bytes.
std::size_t code_points(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

int int_keyword(const nlohmann::json* schema, const char* keyword) {
  return schema && schema->contains(keyword) && (*schema)[keyword].is_number_integer() ? (*schema)[keyword].get<int>()
                                                                                         : 0;
}

// Whether `value` as a string would satisfy the string constraints of `schema`: then the
// advice to quote it helps; otherwise it would only trade one error for another.
bool passes_as_string(const nlohmann::json* schema, const std::string& value) {
  if (!schema) return true;
  if (schema->contains("enum")) return false;
  const std::size_t n = code_points(value);
  if (schema->contains("minLength") && n < static_cast<std::size_t>(int_keyword(schema, "minLength"))) return false;
  if (schema->contains("maxLength") && n > static_cast<std::size_t>(int_keyword(schema, "maxLength"))) return false;
  if (schema->contains("pattern") && (*schema)["pattern"].is_string()) {
    try {
      return std::regex_search(value, std::regex((*schema)["pattern"].get<std::string>()));
    } catch (const std::regex_error&) {
      return false;
    }
  }
  return true;
}

// A suggestion that looks identical to what was written (a Cyrillic 'о' for a Latin 'o')
// would puzzle the reader; name the first character outside ASCII so the difference shows.
std::string suggestion(const std::string& written, const std::string& guess) {
  std::string out = "; did you mean '" + guess + "'?";
  for (std::size_t i = 0; i < written.size(); ++i) {
    const auto c = static_cast<unsigned char>(written[i]);
    if (c < 0x80) continue;
    std::uint32_t cp = 0;
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
    for (std::size_t k = 1; k < len && i + k < written.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(written[i + k]) & 0x3F);
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    out += " ('" + written + "' contains the non-ASCII character " + buf + " at character " +
           std::to_string(code_points(written.substr(0, i)) + 1) + ")";
    break;
  }
  return out;
}

// One value that breaks a constraint. `rank` orders the errors of one field: the lowest wins.
struct ValueError {
  Mark mark;
  std::string path;
  std::string message;
  int rank = 0;
};

ValueError describe_value_error(const std::string& desc, const Node& node, const nlohmann::json* schema) {
  const std::string expected =
      (schema && schema->contains("x-expected")) ? (*schema)["x-expected"].get<std::string>() : std::string();
  const std::string found = describe_node(node);
  ValueError ve;
  if (starts_with(desc, "Failed to match against any enum values")) {
    ve.rank = 0;
    std::vector<std::string> options;
    if (schema && schema->contains("enum")) {
      for (const auto& v : (*schema)["enum"]) options.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
    ve.message = "expected " + (expected.empty() ? join_alternatives(options) : expected) + "; found " + found;
    if (node.is_scalar() && expected.empty()) {
      if (auto guess = did_you_mean(node.value, options)) ve.message += suggestion(node.value, *guess);
    }
  } else if (starts_with(desc, "Failed to match expected value set by 'const'")) {
    ve.rank = 0;
    ve.message = "expected " + (expected.empty() ? std::string("a fixed value") : expected) + "; found " + found;
  } else if (starts_with(desc, "Value type not permitted")) {
    ve.rank = 1;
    const std::string want = schema && schema->contains("type") ? json_type_name((*schema)["type"]) : "another type";
    ve.message = "expected " + (expected.empty() ? want : expected) + "; found " + found;
    if (want == "a string" && node.is_scalar() && !node.quoted && passes_as_string(schema, node.value)) {
      ve.message += " (quote it to make it a string: \"" + escape_for_terminal(node.value) + "\")";
    }
  } else if (starts_with(desc, "String should be no more than")) {
    ve.rank = 2;
    ve.message = "value is too long (" + std::to_string(code_points(node.value)) + " characters; at most " +
                 std::to_string(int_keyword(schema, "maxLength")) + " allowed)";
  } else if (starts_with(desc, "String should be no fewer than")) {
    ve.rank = 2;
    const int min = int_keyword(schema, "minLength");
    ve.message = node.value.empty() ? "value is empty; at least " + std::to_string(min) +
                                          (min == 1 ? " character is" : " characters are") + " needed"
                                    : "value is too short (" + std::to_string(code_points(node.value)) +
                                          " characters; at least " + std::to_string(min) + " needed)";
  } else if (starts_with(desc, "Array should contain no fewer than")) {
    ve.rank = 2;
    const int min = int_keyword(schema, "minItems");
    ve.message = node.items.empty() ? "the list is empty; at least " + std::to_string(min) +
                                          (min == 1 ? " item is" : " items are") + " needed"
                                    : "the list has " + std::to_string(node.items.size()) + " items; at least " +
                                          std::to_string(min) + " are needed";
  } else if (starts_with(desc, "Array should contain no more than")) {
    ve.rank = 2;
    ve.message = "the list has " + std::to_string(node.items.size()) + " items; at most " +
                 std::to_string(int_keyword(schema, "maxItems")) + " are allowed";
  } else if (starts_with(desc, "Object should have no more than")) {
    ve.rank = 2;
    ve.message = "the map has " + std::to_string(node.items.size()) + " entries; at most " +
                 std::to_string(int_keyword(schema, "maxProperties")) + " are allowed";
  } else if (starts_with(desc, "Failed to match regex")) {
    ve.rank = 3;
    ve.message = found + " is not " + (expected.empty() ? "in the expected form" : expected);
  } else {
    ve.rank = 4;
    ve.message = desc;  // not expected with our schema; keep valijson's words rather than lose the error
  }
  return ve;
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

  // Value errors wait until all are known, and each field keeps only its most telling one:
  // a value outside an enum also fails the type check, and an empty string fails both the
  // pattern and minLength. One mistake, one message.
  std::vector<ValueError> value_errors;

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

    if (starts_with(desc, "Object contains a property that could not be validated")) {
      // Report every unknown key of this map, each at its own position.
      const std::vector<std::string> known = m_impl->property_names(schema);
      for (std::size_t k = 0; k < node->keys.size(); ++k) {
        const std::string& key = node->keys[k];
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        if (diags.has_error_at(node->key_marks[k])) continue;  // already explained (a literal secret)
        std::string msg = "unknown field '" + key + "'";
        if (auto guess = did_you_mean(key, known)) {
          msg += suggestion(key, *guess);
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
    ValueError ve = describe_value_error(desc, *node, schema);
    ve.mark = mark;
    ve.path = path;
    value_errors.push_back(std::move(ve));
  }
  for (const ValueError& ve : value_errors) {
    const bool outranked = std::any_of(value_errors.begin(), value_errors.end(), [&](const ValueError& other) {
      return other.path == ve.path && other.rank < ve.rank;
    });
    if (!outranked) diags.error(ve.mark, ve.path, ve.message);
  }
}

}  // namespace adrestore::input
