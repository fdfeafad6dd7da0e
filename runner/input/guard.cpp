#include "input/guard.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "base/text.h"
#include "platform/fs.h"

namespace adrestore::input {
namespace {

const char* const k_alias_refused =
    "YAML aliases (*name) are not allowed in adrestore files; write the value out in full";

Mark to_mark(const YAML::Mark& m) { return Mark{m.line + 1, m.column + 1}; }

// The control character find_control_char() found at `pos`, escaped for a message. C1
// controls are two bytes in UTF-8; showing only the first would print a broken sequence.
std::string control_char_at(std::string_view text, std::size_t pos) {
  const std::size_t len = static_cast<unsigned char>(text[pos]) == 0xC2 ? 2 : 1;
  return escape_for_terminal(text.substr(pos, len));
}

// Thrown from inside the event handler to abandon the parse at the first fatal problem.
struct Stop {
  Mark mark;
  std::string message;
  LoadFailure failure;
};

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(Diagnostics& diags, const GuardLimits& limits, std::string_view text)
      : m_diags(diags), m_limits(limits), m_text(text) {}

  std::optional<Node> take_root() { return std::move(m_root); }
  bool saw_document() const { return m_saw_document; }

  Mark document_mark() const { return m_document_mark; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    m_saw_document = true;
    m_document_mark = to_mark(mark);
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_anchor(mark, anchor);
    Node n;
    n.kind = Node::Kind::null;
    n.mark = spells_null(mark) ? to_mark(mark) : empty_value_mark(mark);
    m_pos = static_cast<std::size_t>(mark.pos);
    add(std::move(n));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw Stop{to_mark(mark), k_alias_refused, LoadFailure::rejected};
  }

  void OnAnchor(const YAML::Mark& mark, const std::string&) override { reject_anchor(mark); }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    if (value.size() > m_limits.max_scalar_bytes) {
      throw Stop{to_mark(mark),
                 "value is " + std::to_string(value.size()) + " bytes long; the limit is " +
                     std::to_string(m_limits.max_scalar_bytes),
                 LoadFailure::rejected};
    }
    Node n;
    n.kind = Node::Kind::scalar;
    n.quoted = (tag == "!");
    n.value = value;
    n.mark = to_mark(mark);
    m_pos = static_cast<std::size_t>(mark.pos);
    if (auto bad = find_control_char(value, false)) {
      m_diags.error(n.mark, current_path(),
                    "value contains a control character (" + control_char_at(value, *bad) +
                        ") at byte " + std::to_string(*bad) + "; only tab and newline are allowed");
    }
    add(std::move(n));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::sequence);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::mapping);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    bool expecting_key = true;  // mappings alternate key, value
    std::string pending_key;
    Mark pending_key_mark;
    std::size_t pending_key_pos = 0;  // byte offset of the key in the text
    bool pending_key_quoted = false;
    std::string path;
    bool skip_value = false;  // the value of a duplicate key is parsed but dropped
  };

  // A null the file spells out (~, null, Null, NULL), rather than a value left empty.
  bool spells_null(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= m_text.size()) return false;
    const std::string_view rest = m_text.substr(static_cast<std::size_t>(mark.pos));
    for (std::string_view word : {"~", "null", "Null", "NULL"}) {
      if (rest.substr(0, word.size()) != word) continue;
      const std::size_t end = rest.find_first_not_of(" \t", word.size());
      return end == std::string_view::npos || rest[end] != ':';  // "null:" is a key
    }
    return false;
  }

  // yaml-cpp marks an empty value (`database:` and nothing after it) where the next token
  // starts, often on a later line; the value belongs right after its ':' or '-'.
  Mark empty_value_mark(const YAML::Mark& mark) const {
    const Mark fallback = to_mark(mark);
    if (m_stack.empty() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) > m_text.size()) return fallback;
    const Frame& f = m_stack.back();
    if (f.node.is_map()) {
      if (f.expecting_key) return fallback;
      // Forward from the key, on the key's line, to its ':'.
      std::size_t i = f.pending_key_pos;
      if (f.pending_key_quoted && i < m_text.size() && (m_text[i] == '\'' || m_text[i] == '"')) {
        const char q = m_text[i++];
        while (i < m_text.size() && m_text[i] != '\n') {
          if (m_text[i] == q && !(q == '\'' && i + 1 < m_text.size() && m_text[i + 1] == '\'')) break;
          i += (m_text[i] == q || (q == '"' && m_text[i] == '\\')) ? 2 : 1;
        }
        ++i;
      } else {
        i += f.pending_key.size();
      }
      while (i < m_text.size() && (m_text[i] == ' ' || m_text[i] == '\t')) ++i;
      if (i >= m_text.size() || m_text[i] != ':') return f.pending_key_mark;
      return Mark{f.pending_key_mark.line, f.pending_key_mark.column + static_cast<int>(i + 1 - f.pending_key_pos)};
    }
    // A sequence item: back over blanks and line breaks to its '-'.
    std::size_t j = static_cast<std::size_t>(mark.pos);
    int lines_back = 0;
    while (j > 0 && std::string_view(" \t\r\n").find(m_text[j - 1]) != std::string_view::npos) {
      if (m_text[j - 1] == '\n') ++lines_back;
      --j;
    }
    if (j == 0 || m_text[j - 1] != '-') return fallback;
    const std::size_t line_start = m_text.rfind('\n', j - 1);
    const std::size_t col0 = line_start == std::string_view::npos ? j : j - line_start - 1;
    return Mark{fallback.line - lines_back, static_cast<int>(col0) + 1};
  }

  void reject_anchor(const YAML::Mark& mark) {
    throw Stop{to_mark(mark), "YAML anchors (&name) are not allowed in adrestore files; write each value out in full",
               LoadFailure::rejected};
  }
  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) reject_anchor(mark);
  }
  void check_tag(const YAML::Mark& mark, const std::string& tag) {
    // "?" is an untagged plain node and "!" an untagged quoted one; anything else was written.
    if (!tag.empty() && tag != "?" && tag != "!") {
      throw Stop{to_mark(mark), "YAML tags (" + tag + ") are not allowed in adrestore files; remove the tag",
                 LoadFailure::rejected};
    }
  }

  void count_node(const YAML::Mark& mark) {
    if (++m_nodes > m_limits.max_nodes) {
      throw Stop{to_mark(mark), "the document has more than " + std::to_string(m_limits.max_nodes) + " nodes",
                 LoadFailure::rejected};
    }
  }

  std::string current_path() const {
    if (m_stack.empty()) return {};
    const Frame& f = m_stack.back();
    if (f.node.is_map()) return f.expecting_key ? f.path : path_child(f.path, f.pending_key);
    return path_index(f.path, f.node.items.size());
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, Node::Kind kind) {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    count_node(mark);
    if (!m_stack.empty() && m_stack.back().node.is_map() && m_stack.back().expecting_key) {
      throw Stop{to_mark(mark), "complex mapping keys (a list or a map used as a key) are not allowed",
                 LoadFailure::rejected};
    }
    if (static_cast<int>(m_stack.size()) >= m_limits.max_depth) {
      throw Stop{to_mark(mark), "nesting is deeper than " + std::to_string(m_limits.max_depth) + " levels",
                 LoadFailure::rejected};
    }
    Frame f;
    f.path = current_path();
    f.node.kind = kind;
    f.node.mark = to_mark(mark);
    m_stack.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(m_stack.back());
    m_stack.pop_back();
    add_built(std::move(f.node));
  }

  void add(Node n) {
    if (n.kind == Node::Kind::scalar || n.kind == Node::Kind::null) {
      if (m_nodes + 1 > m_limits.max_nodes) {
        throw Stop{n.mark, "the document has more than " + std::to_string(m_limits.max_nodes) + " nodes",
                   LoadFailure::rejected};
      }
      ++m_nodes;
    }
    add_built(std::move(n));
  }

  void add_built(Node n) {
    if (m_stack.empty()) {
      m_root = std::move(n);
      return;
    }
    Frame& f = m_stack.back();
    if (f.node.is_seq()) {
      f.node.items.push_back(std::move(n));
      return;
    }
    if (f.expecting_key) {
      if (n.kind == Node::Kind::null) n.value.clear();
      if (!n.quoted && n.value == "<<") {
        throw Stop{n.mark, "YAML merge keys (<<) are not allowed in adrestore files; write the keys out in full",
                   LoadFailure::rejected};
      }
      f.skip_value = false;
      for (const std::string& k : f.node.keys) {
        if (k == n.value) {
          m_diags.error(n.mark, path_child(f.path, n.value),
                        "duplicate key '" + n.value + "' (first defined at line " +
                            std::to_string(f.node.key_mark(k).line) + "); YAML forbids duplicates and parsers disagree on which one wins");
          f.skip_value = true;
          break;
        }
      }
      f.pending_key = n.value;
      f.pending_key_mark = n.mark;
      f.pending_key_pos = m_pos;
      f.pending_key_quoted = n.quoted;
      f.expecting_key = false;
      return;
    }
    if (!f.skip_value) {
      f.node.keys.push_back(f.pending_key);
      f.node.key_marks.push_back(f.pending_key_mark);
      f.node.items.push_back(std::move(n));
    }
    f.expecting_key = true;
  }

  Diagnostics& m_diags;
  const GuardLimits& m_limits;
  std::string_view m_text;  // the whole input, for the places of empty values
  std::size_t m_pos = 0;    // byte offset of the last scalar or null
  std::vector<Frame> m_stack;
  std::optional<Node> m_root;
  std::size_t m_nodes = 0;
  bool m_saw_document = false;
  Mark m_document_mark;
};

// Encoding checks on the raw bytes. Returns false (with a diagnostic) when the text cannot be
// YAML for adrestore at all.
bool check_encoding(std::string& text, Diagnostics& diags) {
  auto has_prefix = [&](std::initializer_list<unsigned char> bytes) {
    if (text.size() < bytes.size()) return false;
    std::size_t i = 0;
    for (unsigned char b : bytes) {
      if (static_cast<unsigned char>(text[i++]) != b) return false;
    }
    return true;
  };
  if (has_prefix({0xFF, 0xFE}) || has_prefix({0xFE, 0xFF}) || has_prefix({0x00, 0x00, 0xFE, 0xFF})) {
    diags.error({1, 1}, {},
                "the file is UTF-16 or UTF-32 encoded (it starts with a byte-order mark); save it as UTF-8");
    return false;
  }
  if (has_prefix({0xEF, 0xBB, 0xBF})) text.erase(0, 3);  // a UTF-8 BOM is harmless
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    const LineCol lc = line_col_at(text, nul);
    diags.error({lc.line, lc.column}, {}, "the file contains a NUL byte; it is not a text file");
    return false;
  }
  if (auto bad = find_invalid_utf8(text)) {
    const LineCol lc = line_col_at(text, *bad);
    diags.error({lc.line, lc.column}, {}, "the file is not valid UTF-8 (bad byte sequence here); save it as UTF-8");
    return false;
  }
  if (auto ctl = find_control_char(text, true)) {
    const LineCol lc = line_col_at(text, *ctl);
    diags.error({lc.line, lc.column}, {},
                "the file contains a control character (" + control_char_at(text, *ctl) +
                    "); only tab, newline and carriage return are allowed");
    return false;
  }
  return true;
}

}  // namespace

Result<std::string> read_capped_file(const std::string& path, std::size_t max_bytes) {
  // Look before opening: a device is never opened (opening some has side effects) and an
  // oversized file is never read. Links are not followed, like everywhere in platform/fs.h.
  auto info = platform::stat_nofollow(path);
  if (!info) return Status::error(info.status().code(), "cannot read: " + info.status().cause());
  switch (info->type) {
    case platform::FileType::missing:
      return Status::error(Code::not_found, "cannot read: No such file or directory");
    case platform::FileType::directory:
      return Status::error(Code::usage, "is a directory, not a file");
    case platform::FileType::symlink:
      return Status::error(Code::usage, "is a link; name the file it points to (links are not followed)");
    case platform::FileType::other:
      return Status::error(Code::usage, "is not a regular file (a device or a pipe?)");
    case platform::FileType::regular:
      break;
  }
  if (info->size > max_bytes) {
    return Status::error(Code::usage,
                         "is " + std::to_string(info->size) + " bytes; the limit is " + std::to_string(max_bytes) + " bytes");
  }
  // Opening for reading never blocks (a FIFO swapped in meanwhile reads as empty).
  auto file = platform::File::open(path, platform::File::Mode::read);
  if (!file) return Status::error(file.status().code(), "cannot read: " + file.status().cause());
  // Read one byte past the size seen, to notice a file that grew past the cap meanwhile.
  std::string text(static_cast<std::size_t>(std::min<std::uint64_t>(info->size, max_bytes)) + 1, '\0');
  std::size_t n = 0;
  for (;;) {
    if (n == text.size()) {
      if (text.size() > max_bytes) break;
      text.resize(std::min(text.size() * 2, max_bytes + 1));
    }
    auto got = (*file)->read(&text[n], text.size() - n);
    if (!got) return Status::error(got.status().code(), "read error: " + got.status().cause());
    if (*got == 0) break;
    n += *got;
  }
  if (n > max_bytes) {
    return Status::error(Code::usage, "is larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  text.resize(n);
  return text;
}

Loaded load_yaml_file(const std::string& path, Diagnostics& diags, const GuardLimits& limits) {
  Result<std::string> text = read_capped_file(path, limits.max_bytes);
  if (!text) {
    diags.error({}, {}, text.status().message());
    Loaded out;
    out.failure = LoadFailure::unreadable;
    return out;
  }
  return parse_yaml_text(std::move(*text), diags, limits);
}

Loaded parse_yaml_text(std::string text, Diagnostics& diags, const GuardLimits& limits) {
  Loaded out;
  if (text.size() > limits.max_bytes) {
    diags.error({}, {}, "input is larger than the limit of " + std::to_string(limits.max_bytes) + " bytes");
    out.failure = LoadFailure::unreadable;
    return out;
  }
  if (!check_encoding(text, diags)) {
    out.failure = LoadFailure::not_yaml;
    out.text = std::move(text);
    return out;
  }
  out.text = text;
  std::istringstream in(text);
  TreeBuilder builder(diags, limits, out.text);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder) || !builder.saw_document()) {
      diags.error({1, 1}, {}, "the document is empty");
      out.failure = LoadFailure::rejected;
      return out;
    }
    out.root = builder.take_root();
    // Whatever a second document holds, the finding is that it exists: its own problems
    // (an anchor, a duplicate key) go to a scratch list, not to the user.
    Diagnostics ignored;
    TreeBuilder extra(ignored, limits, out.text);
    bool second = false;
    try {
      second = parser.HandleNextDocument(extra);
    } catch (const Stop&) {
      second = true;
    }
    if (second || extra.saw_document()) {
      diags.error(extra.document_mark(), {},
                  "the file holds more than one YAML document (a second '---'); put one document in each file");
      out.failure = LoadFailure::rejected;
      out.root.reset();
      return out;
    }
  } catch (const Stop& stop) {
    diags.error(stop.mark, {}, stop.message);
    out.failure = stop.failure;
    out.root.reset();
    return out;
  } catch (const YAML::Exception& e) {
    const Mark mark{e.mark.line + 1, e.mark.column + 1};
    if (e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR) {
      // The parser resolves an alias before our handler sees it; one whose anchor is missing
      // is still an alias, refused like any other rather than called "not YAML".
      diags.error(mark, {}, k_alias_refused);
      out.failure = LoadFailure::rejected;
      out.root.reset();
      return out;
    }
    diags.error(mark, {}, "not valid YAML: " + e.msg);
    out.failure = LoadFailure::not_yaml;
    out.root.reset();
    return out;
  }
  if (!out.root || out.root->kind == Node::Kind::null) {
    diags.error({1, 1}, {}, "the document is empty");
    out.failure = LoadFailure::rejected;
    out.root.reset();
  }
  return out;
}

}  // namespace adrestore::input
