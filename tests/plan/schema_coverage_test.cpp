// Keeps the schema and its fixtures in step: every constraint in schema/restore-plan.schema.json
// (every type, enum, pattern, required, additionalProperties and length or count bound) must
// be broken by a fixture under fixtures/schema and met by one under fixtures/valid, bounds
// met exactly at the bound. Adding a constraint without both fixtures fails here.
//
// A constraint is named "KEYWORD LOCATION": the location is the dotted property path in the
// schema ("spec.restore.onLocationsFailure"), "[]" for array items, "*" for map values, and
// "#name" for a definition ("pattern #duration"); "(root)" is the document itself.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/text.h"
#include "plan/fixture_support.h"
#include "input/json_convert.h"
#include "input/schema_check.h"
#include "plan/validate.h"
#include "support.h"

namespace adrestore::testing {
namespace {

using nlohmann::json;

const char* const k_keywords[] = {"type",      "enum",     "const",    "pattern",       "required",     "minLength",
                                  "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"};

// Bounds no valid value can reach, with the reason; their passing side is any valid value.
const std::map<std::string, std::string> k_unreachable_bounds = {
    {"maxLength #duration", "the pattern allows at most 10 characters; the bound guards the regex"},
};

std::string show(const std::string& loc) { return loc.empty() ? "(root)" : loc; }
std::string child_loc(const std::string& loc, const std::string& key) { return loc.empty() ? key : loc + "." + key; }

struct Constraint {
  std::string id;                     // what a failing fixture declares
  std::vector<std::string> pass_ids;  // what valid fixtures must reach (one per enum value)
};

void collect(const json& s, const std::string& loc, std::vector<Constraint>& out) {
  if (s.contains("$ref")) return;  // the definition is collected under its own name
  for (const char* kw : k_keywords) {
    if (!s.contains(kw)) continue;
    Constraint c;
    c.id = std::string(kw) + " " + show(loc);
    if (std::string(kw) == "enum") {
      for (const json& v : s["enum"])
        c.pass_ids.push_back(c.id + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
    } else if (!k_unreachable_bounds.count(c.id)) {
      c.pass_ids.push_back(c.id);
    }
    out.push_back(c);
  }
  if (s.contains("additionalProperties")) {
    const json& ap = s["additionalProperties"];
    if (ap.is_boolean() && !ap.get<bool>()) {
      out.push_back({"additionalProperties " + show(loc), {"additionalProperties " + show(loc)}});
    } else if (ap.is_object()) {
      collect(ap, loc + ".*", out);
    }
  }
  if (s.contains("properties")) {
    for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it)
      collect(it.value(), child_loc(loc, it.key()), out);
  }
  if (s.contains("items")) collect(s["items"], loc + "[]", out);
}

std::vector<Constraint> schema_constraints(const json& schema) {
  std::vector<Constraint> out;
  collect(schema, "", out);
  for (auto it = schema["definitions"].begin(); it != schema["definitions"].end(); ++it) {
    collect(it.value(), "#" + it.key(), out);
  }
  return out;
}

std::size_t size_of(const json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
  }
  return v.size();
}

// Records which constraints a valid document meets, walking it along the schema.
void reach(const json& root, const json* s, std::string loc, const json& v, std::set<std::string>& hit) {
  if (s->contains("$ref")) {
    const std::string name = (*s)["$ref"].get<std::string>().substr(std::string("#/definitions/").size());
    s = &root["definitions"][name];
    loc = "#" + name;
  }
  for (const char* kw : k_keywords) {
    if (!s->contains(kw)) continue;
    const std::string id = std::string(kw) + " " + show(loc);
    const std::string k = kw;
    if (k == "enum") {
      hit.insert(id + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
    } else if (starts_with(k, "min") || starts_with(k, "max")) {
      if (size_of(v) == (*s)[kw].get<std::size_t>()) hit.insert(id);
    } else {
      hit.insert(id);
    }
  }
  if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_boolean()) {
    hit.insert("additionalProperties " + show(loc));
  }
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (s->contains("properties") && (*s)["properties"].contains(it.key())) {
        reach(root, &(*s)["properties"][it.key()], child_loc(loc, it.key()), it.value(), hit);
      } else if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object()) {
        reach(root, &(*s)["additionalProperties"], loc + ".*", it.value(), hit);
      }
    }
  }
  if (v.is_array() && s->contains("items")) {
    for (const json& item : v) reach(root, &(*s)["items"], loc + "[]", item, hit);
  }
}

json plan_schema() { return json::parse(plan::restore_plan_schema_text()); }

}  // namespace

TEST_SUITE("plan") {
  TEST_CASE("the constraint list covers the whole schema") {
    const std::vector<Constraint> all = schema_constraints(plan_schema());
    CHECK(all.size() >= 100);
    std::set<std::string> ids;
    for (const Constraint& c : all) ids.insert(c.id);
    CHECK(ids.count("enum spec.restore.onLocationsFailure") == 1);
    CHECK(ids.count("pattern #duration") == 1);
    CHECK(ids.count("additionalProperties (root)") == 1);
    CHECK(ids.count("maxLength metadata.labels.*") == 1);
    CHECK(ids.count("maxLength #argv[]") == 1);
  }

  TEST_CASE("every schema constraint is broken by a fixture that declares it") {
    std::set<std::string> declared;
    for (const std::string& name : list_plan_fixtures("schema")) {
      for (const std::string& id : read_plan_fixture(name).violates) declared.insert(id);
    }
    for (const Constraint& c : schema_constraints(plan_schema())) {
      CHECK_MESSAGE(declared.count(c.id) == 1, "no fixture under tests/plan/fixtures/schema breaks: " << c.id);
    }
  }

  TEST_CASE("every violates header names a constraint that exists in the schema") {
    std::set<std::string> ids;
    for (const Constraint& c : schema_constraints(plan_schema())) ids.insert(c.id);
    for (const std::string& name : list_plan_fixtures("schema")) {
      for (const std::string& id : read_plan_fixture(name).violates) {
        CHECK_MESSAGE(ids.count(id) == 1, name << " declares an unknown constraint: " << id);
      }
    }
  }

  TEST_CASE("every schema constraint is met by a valid fixture, each bound exactly and each choice once") {
    const json schema = plan_schema();
    std::set<std::string> hit;
    for (const std::string& name : list_plan_fixtures("valid")) {
      const Fixture f = read_plan_fixture(name);
      input::Diagnostics diags(name);
      const input::Loaded loaded = input::parse_yaml_text(f.text, diags, f.limits);
      REQUIRE_MESSAGE(loaded.root.has_value(), name << ":\n" << describe_diagnostics(diags));
      reach(schema, &schema, "", input::to_json(*loaded.root), hit);
    }
    for (const Constraint& c : schema_constraints(schema)) {
      for (const std::string& id : c.pass_ids) {
        CHECK_MESSAGE(hit.count(id) == 1, "no fixture under tests/plan/fixtures/valid meets: " << id);
      }
    }
  }
}

}  // namespace adrestore::testing
