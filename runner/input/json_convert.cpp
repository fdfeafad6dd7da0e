#include "input/json_convert.h"

#include <cerrno>
#include <cstdlib>

#include "base/text.h"

namespace adrestore::input {
namespace {

bool is_core_null(const std::string& v) { return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL"; }
bool is_core_true(const std::string& v) { return v == "true" || v == "True" || v == "TRUE"; }
bool is_core_false(const std::string& v) { return v == "false" || v == "False" || v == "FALSE"; }

bool all_digits(const std::string& v, std::size_t from, int base) {
  if (from >= v.size()) return false;
  for (std::size_t i = from; i < v.size(); ++i) {
    const char c = v[i];
    const bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                               : (c >= '0' && c < static_cast<char>('0' + base));
    if (!ok) return false;
  }
  return true;
}

bool is_core_float(const std::string& v) {
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  std::size_t i = 0;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, ++digits;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    std::size_t exp = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == v.size();
}

nlohmann::json scalar_to_json(const Node& n) {
  const std::string& v = n.value;
  if (n.quoted) return v;
  if (is_core_null(v)) return nullptr;
  if (is_core_true(v)) return true;
  if (is_core_false(v)) return false;
  const std::size_t sign = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  int base = 0;
  std::size_t from = sign;
  if (all_digits(v, sign, 10)) {
    base = 10;
  } else if (sign == 0 && starts_with(v, "0x") && all_digits(v, 2, 16)) {
    base = 16;
    from = 2;
  } else if (sign == 0 && starts_with(v, "0o") && all_digits(v, 2, 8)) {
    base = 8;
    from = 2;
  }
  if (base != 0) {
    errno = 0;
    const long long x = std::strtoll(v.c_str() + from, nullptr, base);
    if (errno == 0) return (sign && v[0] == '-') ? -x : x;
    return v;  // out of range: keep the text, the schema will say what it expected
  }
  if (is_core_float(v)) return std::strtod(v.c_str(), nullptr);
  return v;
}

}  // namespace

nlohmann::json to_json(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return nullptr;
    case Node::Kind::scalar:
      return scalar_to_json(node);
    case Node::Kind::sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const Node& item : node.items) arr.push_back(to_json(item));
      return arr;
    }
    case Node::Kind::mapping: {
      nlohmann::json obj = nlohmann::json::object();
      for (std::size_t i = 0; i < node.keys.size(); ++i) obj[node.keys[i]] = to_json(node.items[i]);
      return obj;
    }
  }
  return nullptr;
}

std::string describe_node(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return "nothing (an empty value)";
    case Node::Kind::sequence:
      return "a list";
    case Node::Kind::mapping:
      return "a map";
    case Node::Kind::scalar:
      break;
  }
  const nlohmann::json j = scalar_to_json(node);
  std::string shown = node.value.size() > 60 ? node.value.substr(0, 57) + "..." : node.value;
  shown = escape_for_terminal(shown);
  if (j.is_boolean()) return "the boolean " + shown;
  if (j.is_number()) return "the number " + shown;
  if (j.is_null()) return "nothing (an empty value)";
  return "'" + shown + "'";
}

}  // namespace adrestore::input
