// YAML tree -> JSON for the schema (input/json_convert.h): plain scalars typed by the YAML 1.2
// core schema, quoted ones always strings; and the words used for a value in messages.
#include "input/json_convert.h"

#include <doctest/doctest.h>

#include "input/guard.h"

namespace adrestore::testing {
namespace {

nlohmann::json value_of(const std::string& yaml_value) {
  input::Diagnostics diags("t.yaml");
  const input::Loaded l = input::parse_yaml_text("v: " + yaml_value + "\n", diags);
  REQUIRE(l.root.has_value());
  return input::to_json(*l.root)["v"];
}

std::string described(const std::string& yaml_value) {
  input::Diagnostics diags("t.yaml");
  const input::Loaded l = input::parse_yaml_text("v: " + yaml_value + "\n", diags);
  REQUIRE(l.root.has_value());
  return input::describe_node(*l.root->get("v"));
}

}  // namespace

TEST_SUITE("input") {
  TEST_CASE("plain booleans and nulls follow the YAML 1.2 core schema, not YAML 1.1") {
    for (const char* t : {"true", "True", "TRUE"}) CHECK(value_of(t) == true);
    for (const char* f : {"false", "False", "FALSE"}) CHECK(value_of(f) == false);
    for (const char* n : {"~", "null", "Null", "NULL", ""}) CHECK(value_of(n).is_null());
    // YAML 1.1 booleans are plain strings in 1.2: 'yes' is not true.
    for (const char* s : {"yes", "no", "on", "off", "y", "n", "tRue"}) CHECK(value_of(s) == s);
  }

  TEST_CASE("plain integers in decimal, hex and octal become numbers; out-of-range ones stay text") {
    CHECK(value_of("42") == 42);
    CHECK(value_of("-7") == -7);
    CHECK(value_of("+7") == 7);
    CHECK(value_of("0755") == 755);  // the core schema has no leading-zero octal
    CHECK(value_of("0x1F") == 31);
    CHECK(value_of("0o17") == 15);
    CHECK(value_of("99999999999999999999") == "99999999999999999999");
    CHECK(value_of("0x") == "0x");
    CHECK(value_of("1_000") == "1_000");
  }

  TEST_CASE("plain floats become numbers; .inf and .nan are left as text") {
    CHECK(value_of("1.5") == 1.5);
    CHECK(value_of(".5") == 0.5);
    CHECK(value_of("1e3") == 1000.0);
    CHECK(value_of("-1.5e-3") == -0.0015);
    CHECK(value_of("1.") == 1.0);
    CHECK(value_of("1e") == "1e");
    CHECK(value_of(".") == ".");
    CHECK(value_of(".inf") == ".inf");
  }

  TEST_CASE("quoted and block scalars are always strings") {
    CHECK(value_of("'42'") == "42");
    CHECK(value_of("\"true\"") == "true");
    CHECK(value_of("''") == "");
    CHECK(value_of("|\n  5\n") == "5\n");
    CHECK(value_of(">-\n  null\n") == "null");
  }

  TEST_CASE("lists and maps keep their order and shape") {
    const nlohmann::json j = value_of("{b: [1, x, {c: null}], a: 'y'}");
    CHECK(j.is_object());
    CHECK(j["b"] == nlohmann::json::array({1, "x", {{"c", nullptr}}}));
    CHECK(j["a"] == "y");
  }

  TEST_CASE("values are described in words a reviewer recognises") {
    CHECK(described("5") == "the number 5");
    CHECK(described("true") == "the boolean true");
    CHECK(described("~") == "nothing (an empty value)");
    CHECK(described("") == "nothing (an empty value)");
    CHECK(described("[1]") == "a list");
    CHECK(described("{a: 1}") == "a map");
    CHECK(described("'5'") == "'5'");
    CHECK(described("hello") == "'hello'");
    const std::string long_one = described(std::string(100, 'x'));
    CHECK(long_one == "'" + std::string(57, 'x') + "...'");
    CHECK(described("\"a\\tb\"") == "'a\\tb'");
  }
}

}  // namespace adrestore::testing
