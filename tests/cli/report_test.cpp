// The report writers (cli/report.h) on hand-made diagnostics: escaping rules and colour.
#include "cli/report.h"

#include <doctest/doctest.h>

#include <sstream>

namespace adrestore::testing {
namespace {

std::vector<cli::FileReport> one_error(const std::string& file, const std::string& message) {
  cli::FileReport r;
  r.file = file;
  r.kind = "RestorePlan";
  r.diags = input::Diagnostics(file);
  r.diags.error({3, 7}, "spec.backup.source", message);
  return {r};
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("XML escaping covers markup, drops forbidden control characters and repairs bad UTF-8") {
    CHECK(cli::xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
    CHECK(cli::xml_escape("a\x01"
                          "b\tc\n") == "a?b\tc\n");
    CHECK(cli::xml_escape("bad\xFFname") == "bad\xEF\xBF\xBDname");
    CHECK(cli::xml_escape("\xC3") == "\xEF\xBF\xBD");
    CHECK(cli::xml_escape("\xC3\xA9t\xC3\xA9") == "\xC3\xA9t\xC3\xA9");
  }

  TEST_CASE("GitHub escaping: % and line breaks in data, and also : and , in properties") {
    CHECK(cli::github_escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext");
    CHECK(cli::github_escape_data("a: b, c") == "a: b, c");
    CHECK(cli::github_escape_property("C:\\x,y%") == "C%3A\\x%2Cy%25");
  }

  TEST_CASE("the text report colours only the position and the severity, after escaping") {
    std::ostringstream plain;
    cli::write_text_report(plain, one_error("p.yaml", "bad \x1B value"), false);
    CHECK(plain.str() == "p.yaml:3:7: error: spec.backup.source: bad \\x1B value\n"
                         "1 file checked: 0 valid, 1 invalid (1 error, 0 warnings)\n");
    std::ostringstream coloured;
    cli::write_text_report(coloured, one_error("p.yaml", "bad \x1B value"), true);
    CHECK(coloured.str().rfind("\033[1mp.yaml:3:7\033[0m: \033[31merror:\033[0m spec.backup.source: bad \\x1B value\n",
                               0) == 0);
  }

  TEST_CASE("a file with no position is annotated without line and column") {
    cli::FileReport r;
    r.file = "gone.yaml";
    r.diags = input::Diagnostics("gone.yaml");
    r.diags.error({}, "", "cannot read: No such file or directory");
    r.unreadable = true;
    std::ostringstream gh;
    cli::write_github_report(gh, {r});
    CHECK(gh.str() ==
          "::error file=gone.yaml,title=adrestore::cannot read: No such file or directory\n0 passed, 1 failed\n");
    std::ostringstream junit;
    cli::write_junit_report(junit, {r}, "suite");
    CHECK(junit.str().find("<failure message=\"1 error(s)\" type=\"invalid\">gone.yaml: error: cannot read") !=
          std::string::npos);
  }
}

}  // namespace adrestore::testing
