// The input guard (input/guard.h): what reaches the tree, what is refused before any tree
// exists, and where each refusal points.
#include "input/guard.h"

#include <doctest/doctest.h>

#include <chrono>

#include "support.h"

namespace adrestore::testing {
namespace {

struct Parsed {
  input::Diagnostics diags{"t.yaml"};
  input::Loaded loaded;
};

Parsed parse(const std::string& text, const input::GuardLimits& limits = {}) {
  Parsed p;
  p.loaded = input::parse_yaml_text(text, p.diags, limits);
  return p;
}

// The single error reported, checked for position and a part of its message.
void check_one_error(const Parsed& p, int line, int column, const std::string& part) {
  INFO("diagnostics: " << [&] {
    std::string s;
    for (const auto& d : p.diags.items()) s += input::format_text(d) + " | ";
    return s;
  }());
  REQUIRE(p.diags.items().size() == 1);
  const input::Diagnostic& d = p.diags.items()[0];
  CHECK(d.severity == input::Severity::error);
  CHECK(d.mark.line == line);
  CHECK(d.mark.column == column);
  CHECK(d.message.find(part) != std::string::npos);
}

}  // namespace

TEST_SUITE("input") {
  TEST_CASE("a plain document becomes a tree that remembers the line and column of every key and value") {
    const Parsed p = parse("a: 1\nb:\n  - x\n  - 'y'\nc: {d: e}\n");
    REQUIRE(p.loaded.failure == input::LoadFailure::none);
    REQUIRE(p.diags.items().empty());
    const input::Node& root = *p.loaded.root;
    REQUIRE(root.is_map());
    CHECK(root.keys == std::vector<std::string>{"a", "b", "c"});
    CHECK(root.key_mark("b").line == 2);
    CHECK(root.key_mark("b").column == 1);
    const input::Node* b = root.get("b");
    REQUIRE(b);
    REQUIRE(b->is_seq());
    CHECK(b->items[1].value == "y");
    CHECK(b->items[1].quoted);
    CHECK_FALSE(b->items[0].quoted);
    CHECK(b->items[1].mark.line == 4);
    CHECK(b->items[1].mark.column == 5);
    const input::Node* d = root.get("c")->get("d");
    REQUIRE(d);
    CHECK(d->value == "e");
    CHECK(d->mark.line == 5);
    CHECK(d->mark.column == 8);
  }

  TEST_CASE("an empty value is placed on its key's line, just after the ':', not where the next token starts") {
    const Parsed p = parse("a:\nb: 1\nc:   # a comment\n\n  \nd:\n  - \n  - x\n  -\ne: {f: , g: 1}\n'q k':\nz:");
    REQUIRE(p.loaded.failure == input::LoadFailure::none);
    const input::Node& root = *p.loaded.root;
    auto at = [](const input::Node* n) {
      return n ? std::make_pair(n->mark.line, n->mark.column) : std::make_pair(-1, -1);
    };
    using P = std::pair<int, int>;
    REQUIRE(root.get("a"));
    CHECK(root.get("a")->kind == input::Node::Kind::null);
    CHECK(at(root.get("a")) == P{1, 3});
    CHECK(at(root.get("c")) == P{3, 3});
    const input::Node* d = root.get("d");
    REQUIRE(d);
    REQUIRE(d->is_seq());
    REQUIRE(d->items.size() == 3);
    CHECK(at(&d->items[0]) == P{7, 4});
    CHECK(at(&d->items[2]) == P{9, 4});
    CHECK(at(root.get("e")->get("f")) == P{10, 7});
    CHECK(at(root.get("q k")) == P{11, 7});
    CHECK(at(root.get("z")) == P{12, 3});
  }

  TEST_CASE("a null that is written out keeps its own place") {
    const Parsed p = parse("a: ~\nb:\n  null\nc: [~]\n");
    REQUIRE(p.loaded.failure == input::LoadFailure::none);
    const input::Node& root = *p.loaded.root;
    CHECK(root.get("a")->mark.line == 1);
    CHECK(root.get("a")->mark.column == 4);
    CHECK(root.get("b")->kind == input::Node::Kind::null);
    CHECK(root.get("b")->mark.line == 3);
    CHECK(root.get("b")->mark.column == 3);
    CHECK(root.get("c")->items.at(0).mark.column == 5);
  }

  TEST_CASE("an alias is refused where it stands, before anything is expanded") {
    check_one_error(parse("a: x\nb: *x\n"), 2, 4, "aliases");
  }

  TEST_CASE("an anchor is refused at the anchor, so a billion-laughs document stops at its first line") {
    std::string lol = "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
    for (int i = 1; i < 10; ++i) {
      lol += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
      for (int k = 0; k < 9; ++k) lol += std::string(k ? ", " : "") + "*a" + (i > 1 ? std::to_string(i - 1) : "");
      lol += "]\n";
    }
    const auto start = std::chrono::steady_clock::now();
    const Parsed p = parse(lol);
    // A hang detector, not a speed test: refused at the first anchor it takes microseconds,
    // expanded it would be 10^9 nodes. 30 s leaves a loaded machine ample room.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
    CHECK(p.loaded.failure == input::LoadFailure::rejected);
    CHECK_FALSE(p.loaded.root.has_value());
    check_one_error(p, 1, 4, "anchors (&name) are not allowed");
  }

  TEST_CASE("a self-referencing alias is refused at its anchor") {
    check_one_error(parse("a: &a [*a]\n"), 1, 4, "anchors");
  }

  TEST_CASE("tags are refused, whether standard, custom or declared with a %TAG directive") {
    check_one_error(parse("a: !!str 1\n"), 1, 4, "YAML tags (tag:yaml.org,2002:str)");
    check_one_error(parse("a: !custom x\n"), 1, 4, "YAML tags (!custom)");
    check_one_error(parse("--- !!map\na: 1\n"), 1, 5, "YAML tags");
    check_one_error(parse("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n"), 3, 4, "tag:example.com,2000:x");
    check_one_error(parse("a: !!seq [1]\n"), 1, 4, "YAML tags");
  }

  TEST_CASE("the non-specific tag '!' only makes a value a string, as YAML defines") {
    const Parsed p = parse("a: ! 5\n");
    REQUIRE(p.diags.items().empty());
    CHECK(p.loaded.root->get("a")->quoted);
  }

  TEST_CASE("a merge key is refused, a quoted '<<' key is an ordinary key") {
    check_one_error(parse("a: {x: 1}\nb:\n  <<: {x: 2}\n"), 3, 3, "merge keys");
    const Parsed quoted = parse("\"<<\": 1\n");
    CHECK(quoted.diags.items().empty());
    CHECK(quoted.loaded.root->get("<<") != nullptr);
  }

  TEST_CASE("a list or a map used as a key is refused; an explicit '?' with a plain key is fine") {
    check_one_error(parse("? [a, b]\n: 1\n"), 1, 3, "complex mapping keys");
    check_one_error(parse("{x: 1}: 1\n"), 1, 1, "complex mapping keys");
    const Parsed simple = parse("? a\n: 1\n");
    CHECK(simple.diags.items().empty());
    CHECK(simple.loaded.root->get("a") != nullptr);
  }

  TEST_CASE("a duplicate key is reported, the first value kept, and parsing goes on") {
    const Parsed p = parse("a: 1\nb: 2\na: 3\nc: \"x\\x01\"\n");
    REQUIRE(p.loaded.root.has_value());
    CHECK(p.loaded.failure == input::LoadFailure::none);
    CHECK(p.loaded.root->get("a")->value == "1");
    CHECK(p.loaded.root->keys.size() == 3);
    REQUIRE(p.diags.items().size() == 2);  // the later control character is reported too
    CHECK(p.diags.items()[0].mark.line == 3);
    CHECK(p.diags.items()[0].path == "a");
    CHECK(p.diags.items()[0].message.find("first defined at line 1") != std::string::npos);
  }

  TEST_CASE("keys that differ only in case or quoting style are different or equal as YAML says") {
    CHECK(parse("a: 1\nA: 2\n").diags.items().empty());
    CHECK(parse("a: 1\n'a': 2\n").diags.items().size() == 1);
  }

  TEST_CASE("a second document is refused at its '---'") {
    const Parsed p = parse("a: 1\n---\nb: 2\n");
    CHECK(p.loaded.failure == input::LoadFailure::rejected);
    check_one_error(p, 2, 1, "more than one YAML document");
    check_one_error(parse("---\na: 1\n---\n"), 3, 1, "more than one YAML document");
  }

  TEST_CASE("a second document is reported as such, whatever it holds") {
    check_one_error(parse("a: 1\n---\nb: &x 1\n"), 2, 1, "more than one YAML document");
    check_one_error(parse("a: 1\n---\nb: 1\nb: 2\n"), 2, 1, "more than one YAML document");
    check_one_error(parse("a: 1\n--- !!str x\n"), 2, 1, "more than one YAML document");
  }

  TEST_CASE("a document end marker alone does not count as a second document") {
    const Parsed p = parse("a: 1\n...\n");
    CHECK(p.diags.items().empty());
    CHECK(p.loaded.root.has_value());
  }

  TEST_CASE("an empty document is refused, whether empty, a comment, a bare '---' or a null") {
    for (const char* text : {"", "# nothing\n", "---\n", "~\n", "\n\n"}) {
      CAPTURE(text);
      const Parsed p = parse(text);
      CHECK(p.loaded.failure == input::LoadFailure::rejected);
      check_one_error(p, 1, 1, "the document is empty");
    }
  }

  TEST_CASE("nesting deeper than the limit is refused at the first level too deep, in flow and block style") {
    input::GuardLimits limits;
    limits.max_depth = 4;
    CHECK(parse("a: [[[1]]]\n", limits).diags.items().empty());  // map + 3 lists = 4 levels
    check_one_error(parse("a: [[[[1]]]]\n", limits), 1, 7, "nesting is deeper than 4 levels");
    check_one_error(parse("a:\n b:\n  c:\n   d:\n    e: 1\n", limits), 5, 5, "nesting is deeper than 4 levels");
  }

  TEST_CASE("very deep nesting is refused quickly, without exhausting the stack") {
    const std::string deep = "a: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
    const Parsed p = parse(deep);
    check_one_error(p, 1, 35, "nesting is deeper than 32 levels");
  }

  TEST_CASE("more nodes than the limit are refused") {
    input::GuardLimits limits;
    limits.max_nodes = 5;
    CHECK(parse("a: [1, 2]\n", limits).diags.items().empty());  // map, a, list, 1, 2
    check_one_error(parse("a: [1, 2, 3]\n", limits), 1, 11, "more than 5 nodes");
  }

  TEST_CASE("a value at the scalar limit is accepted and one byte more is refused") {
    input::GuardLimits limits;
    limits.max_scalar_bytes = 8;
    CHECK(parse("a: 12345678\n", limits).diags.items().empty());
    check_one_error(parse("a: 123456789\n", limits), 1, 4, "value is 9 bytes long; the limit is 8");
    check_one_error(parse("123456789: a\n", limits), 1, 1, "value is 9 bytes long");
  }

  TEST_CASE("text over the size limit is refused before parsing") {
    input::GuardLimits limits;
    limits.max_bytes = 10;
    const Parsed p = parse("a: 12345678\n", limits);
    CHECK(p.loaded.failure == input::LoadFailure::unreadable);
    check_one_error(p, 0, 0, "larger than the limit of 10 bytes");
  }

  TEST_CASE("UTF-16 and UTF-32 files are refused by their byte-order mark") {
    for (const std::string& bom :
         {std::string("\xFF\xFE", 2), std::string("\xFE\xFF", 2), std::string("\x00\x00\xFE\xFF", 4)}) {
      const Parsed p = parse(bom + std::string("a\0:\0 \0001\0", 8));
      CHECK(p.loaded.failure == input::LoadFailure::not_yaml);
      check_one_error(p, 1, 1, "UTF-16 or UTF-32");
    }
  }

  TEST_CASE("a UTF-8 byte-order mark is skipped and positions stay right") {
    const Parsed p = parse("\xEF\xBB\xBF"
                           "a: 1\nb: 2\n");
    REQUIRE(p.diags.items().empty());
    CHECK(p.loaded.root->key_mark("a").column == 1);
    CHECK(p.loaded.root->get("b")->mark.line == 2);
  }

  TEST_CASE("a NUL byte makes the file not a text file, reported where it is") {
    const Parsed p = parse(std::string("a: 1\nb: x\0y\n", 12));
    CHECK(p.loaded.failure == input::LoadFailure::not_yaml);
    check_one_error(p, 2, 5, "NUL byte");
  }

  TEST_CASE("invalid UTF-8 is refused at the first bad sequence: stray, truncated, overlong, surrogate") {
    for (const std::string& bad : {std::string("\x80"), std::string("\xC3"), std::string("\xC0\xAF"),
                                   std::string("\xED\xA0\x80"), std::string("\xF5\x80\x80\x80")}) {
      const Parsed p = parse("a: ok\nb: x" + bad + "\n");
      CHECK(p.loaded.failure == input::LoadFailure::not_yaml);
      check_one_error(p, 2, 5, "not valid UTF-8");
    }
  }

  TEST_CASE("a raw control character is refused; carriage returns are fine") {
    check_one_error(parse("a: x\x1By\n"), 1, 5, "control character (\\x1B)");
    check_one_error(parse("a: x\xC2\x85y\n"), 1, 5, "control character (\\u0085)");
    const Parsed crlf = parse("a: 1\r\nb: 2\r\n");
    CHECK(crlf.diags.items().empty());
    CHECK(crlf.loaded.root->get("b")->value == "2");
  }

  TEST_CASE("a control character written as an escape is reported at its value, and parsing goes on") {
    const Parsed p = parse("a: \"x\\x07\"\nb: \"\\u0085\"\n");
    CHECK(p.loaded.failure == input::LoadFailure::none);
    REQUIRE(p.diags.items().size() == 2);
    CHECK(p.diags.items()[0].path == "a");
    CHECK(p.diags.items()[0].mark.column == 4);
    CHECK(p.diags.items()[0].message.find("(\\x07) at byte 1") != std::string::npos);
    CHECK(p.diags.items()[1].message.find("(\\u0085)") != std::string::npos);
  }

  TEST_CASE("text that is not YAML is reported with the parser's position") {
    const Parsed p = parse("a: [1\nb: 2\n");
    CHECK(p.loaded.failure == input::LoadFailure::not_yaml);
    REQUIRE(p.diags.items().size() == 1);
    CHECK(p.diags.items()[0].message.find("not valid YAML") != std::string::npos);
    CHECK(p.diags.items()[0].mark.line > 0);
    CHECK(parse("a:\n\tb: 1\n").loaded.failure == input::LoadFailure::not_yaml);
  }
}

}  // namespace adrestore::testing
