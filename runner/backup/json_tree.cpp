#include "backup/json_tree.h"

#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/text.h"

namespace adrestore::backup {
namespace {

using input::Mark;
using input::Node;

// An input iterator that publishes how many bytes nlohmann's lexer has consumed, so that
// SAX events can be given a position (nlohmann keeps its own position private).
class CountingIter {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIter(const char* p, const char* base, std::size_t* consumed) : m_p(p), m_base(base), m_consumed(consumed) {}
  reference operator*() const { return *m_p; }
  CountingIter& operator++() {
    ++m_p;
    *m_consumed = static_cast<std::size_t>(m_p - m_base);
    return *this;
  }
  CountingIter operator++(int) {
    CountingIter old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIter& o) const { return m_p == o.m_p; }
  bool operator!=(const CountingIter& o) const { return m_p != o.m_p; }

 private:
  const char* m_p;
  const char* m_base;
  std::size_t* m_consumed;
};

class TreeSax {
 public:
  using json = nlohmann::json;

  TreeSax(std::string_view text, input::Diagnostics& diags, const JsonLimits& limits)
      : m_text(text), m_diags(diags), m_limits(limits) {
    if (starts_with(text, "\xEF\xBB\xBF")) m_scan = 3;  // nlohmann skips a UTF-8 byte order mark
  }

  std::size_t* consumed() { return &m_consumed; }
  std::optional<Node> take_root() { return m_failed ? std::nullopt : std::move(m_root); }
  bool failed() const { return m_failed; }

  bool null() { return scalar(Node::Kind::null, "null", false); }
  bool boolean(bool v) { return scalar(Node::Kind::scalar, v ? "true" : "false", false); }
  bool number_integer(json::number_integer_t v) { return scalar(Node::Kind::scalar, std::to_string(v), false); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(Node::Kind::scalar, std::to_string(v), false); }
  bool number_float(json::number_float_t, const json::string_t& s) { return scalar(Node::Kind::scalar, s, false); }
  bool string(json::string_t& v) { return scalar(Node::Kind::scalar, std::move(v), true); }
  bool binary(json::binary_t&) { return fail(next_mark(), "binary values are not JSON"); }

  bool start_object(std::size_t) { return open(Node::Kind::mapping); }
  bool start_array(std::size_t) { return open(Node::Kind::sequence); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& k) {
    const Mark mark = next_mark();
    if (k.size() > m_limits.max_scalar_bytes) return fail(mark, "a key of " + std::to_string(k.size()) + " bytes");
    Level& level = m_stack.back();
    if (!level.seen.insert(k).second) {
      // Keep going so that every duplicate is reported, but the tree is not used.
      m_diags.error(mark, {}, "duplicate key '" + escape_for_terminal(k) + "' (JSON readers disagree on which one wins)");
      m_failed = true;
    }
    level.pending_key = std::move(k);
    level.pending_mark = mark;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> "syntax error ..."
    const std::size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    const std::size_t offset = position > 0 ? position - 1 : 0;
    const LineCol lc = line_col_at(m_text, offset);
    m_diags.error(Mark{lc.line, lc.column}, {}, "not valid JSON: " + what);
    m_failed = true;
    return false;
  }

 private:
  struct Level {
    Node node;
    std::unordered_set<std::string> seen;  // mapping keys, for duplicates
    std::string pending_key;
    Mark pending_mark;
  };

  bool fail(Mark mark, std::string message) {
    m_diags.error(mark, {}, std::move(message));
    m_failed = true;
    return false;
  }

  // The position of the token that caused the current event: the first byte at or after
  // the end of the previous event that is not white space or punctuation between tokens.
  Mark next_mark() {
    std::size_t i = m_scan;
    while (i < m_text.size()) {
      const char c = m_text[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != ':' && c != '}' && c != ']') break;
      ++i;
    }
    advance_line_col(i);
    m_scan = m_consumed > i ? m_consumed : i;
    return Mark{m_line, m_column};
  }

  // Moves the running line/column forward to `offset` (offsets only grow in a SAX parse).
  void advance_line_col(std::size_t offset) {
    for (; m_lc_offset < offset && m_lc_offset < m_text.size(); ++m_lc_offset) {
      const char c = m_text[m_lc_offset];
      if (c == '\n') {
        ++m_line;
        m_column = 1;
      } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++m_column;
      }
    }
  }

  bool count_node(Mark mark) {
    if (++m_nodes > m_limits.max_nodes) {
      return fail(mark, "the document has more than " + std::to_string(m_limits.max_nodes) + " values");
    }
    return true;
  }

  bool scalar(Node::Kind kind, std::string value, bool quoted) {
    Node n;
    n.mark = next_mark();
    if (!count_node(n.mark)) return false;
    if (value.size() > m_limits.max_scalar_bytes) {
      return fail(n.mark, "a value of " + std::to_string(value.size()) + " bytes; at most " +
                              std::to_string(m_limits.max_scalar_bytes) + " are allowed in one value");
    }
    n.kind = kind;
    n.quoted = quoted;
    if (kind == Node::Kind::scalar) n.value = std::move(value);
    attach(std::move(n));
    return true;
  }

  bool open(Node::Kind kind) {
    Level level;
    level.node.kind = kind;
    level.node.mark = next_mark();
    if (!count_node(level.node.mark)) return false;
    if (static_cast<int>(m_stack.size()) >= m_limits.max_depth) {
      return fail(level.node.mark, "nested deeper than " + std::to_string(m_limits.max_depth) + " levels");
    }
    m_stack.push_back(std::move(level));
    return true;
  }

  bool close() {
    m_scan = m_consumed;
    Node n = std::move(m_stack.back().node);
    m_stack.pop_back();
    attach(std::move(n));
    return true;
  }

  void attach(Node n) {
    if (m_stack.empty()) {
      m_root = std::move(n);
      return;
    }
    Level& parent = m_stack.back();
    if (parent.node.kind == Node::Kind::mapping) {
      parent.node.keys.push_back(std::move(parent.pending_key));
      parent.node.key_marks.push_back(parent.pending_mark);
      parent.pending_key.clear();
    }
    parent.node.items.push_back(std::move(n));
  }

  std::string_view m_text;
  input::Diagnostics& m_diags;
  JsonLimits m_limits;
  std::size_t m_consumed = 0;
  std::size_t m_scan = 0;
  std::size_t m_lc_offset = 0;
  int m_line = 1;
  int m_column = 1;
  std::size_t m_nodes = 0;
  bool m_failed = false;
  std::vector<Level> m_stack;
  std::optional<Node> m_root;
};

}  // namespace

std::optional<input::Node> parse_json_tree(std::string_view text, input::Diagnostics& diags, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    diags.error({}, {}, "the file is " + std::to_string(text.size()) + " bytes; at most " +
                            std::to_string(limits.max_bytes) + " are allowed");
    return std::nullopt;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    diags.error({}, {}, "the file is empty; expected a JSON object");
    return std::nullopt;
  }
  TreeSax sax(text, diags, limits);
  try {
    CountingIter first(text.data(), text.data(), sax.consumed());
    CountingIter last(text.data() + text.size(), text.data(), sax.consumed());
    nlohmann::json::sax_parse(first, last, &sax, nlohmann::json::input_format_t::json, true, false);
  } catch (const std::exception& e) {
    // nlohmann reports through parse_error(); anything thrown is unexpected but must not escape.
    diags.error({}, {}, std::string("cannot parse the JSON: ") + e.what());
    return std::nullopt;
  }
  if (sax.failed()) return std::nullopt;
  return sax.take_root();
}

}  // namespace adrestore::backup
