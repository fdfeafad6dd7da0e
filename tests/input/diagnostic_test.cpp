// Diagnostics (input/diagnostic.h): the text form of one finding, ordering, de-duplication.
#include "input/diagnostic.h"

#include <doctest/doctest.h>

namespace adrestore::testing {

TEST_SUITE("input") {
  TEST_CASE("a diagnostic prints as file:line:col: severity: path: message") {
    input::Diagnostics diags("plans/dc01.yaml");
    diags.error({14, 9}, "spec.hooks.pre[0].timeout", "bad");
    diags.warning({1, 1}, "", "careful");
    diags.note({}, "", "by the way");
    CHECK(input::format_text(diags.items()[0]) == "plans/dc01.yaml:14:9: error: spec.hooks.pre[0].timeout: bad");
    CHECK(input::format_text(diags.items()[1]) == "plans/dc01.yaml:1:1: warning: careful");
    CHECK(input::format_text(diags.items()[2]) == "plans/dc01.yaml: note: by the way");
  }

  TEST_CASE("only errors count as errors") {
    input::Diagnostics diags("f");
    diags.warning({1, 1}, "", "w");
    CHECK_FALSE(diags.has_errors());
    CHECK(diags.error_count() == 0);
    diags.error({2, 1}, "", "e");
    CHECK(diags.has_errors());
    CHECK(diags.error_count() == 1);
    CHECK(diags.has_error_at({2, 1}));
    CHECK_FALSE(diags.has_error_at({1, 1}));
  }

  TEST_CASE("sorting orders by position and drops exact repeats, keeping different messages at one spot") {
    input::Diagnostics diags("f");
    diags.error({3, 1}, "c", "third");
    diags.error({1, 5}, "a", "first");
    diags.error({3, 1}, "c", "third");
    diags.error({1, 5}, "a", "another at the same spot");
    diags.error({0, 0}, "", "whole file");
    diags.sort_and_dedupe();
    REQUIRE(diags.items().size() == 4);
    CHECK(diags.items()[0].message == "whole file");
    CHECK(diags.items()[1].mark.line == 1);
    CHECK(diags.items()[3].message == "third");
  }

  TEST_CASE("appending keeps the other file's names") {
    input::Diagnostics a("a.yaml");
    input::Diagnostics b("b.yaml");
    b.error({1, 1}, "", "x");
    a.append(b);
    REQUIRE(a.items().size() == 1);
    CHECK(a.items()[0].file == "b.yaml");
  }
}

}  // namespace adrestore::testing
