#include <doctest/doctest.h>

#include <algorithm>

#include "evidence/git_revision.h"
#include "evidence/report_fixture.h"
#include "evidence/report_html.h"

using namespace adrestore;
using namespace adrestore::testing;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("evidence") {
  TEST_CASE("html_escape escapes every character that could open markup or leave an attribute") {
    CHECK(evidence::html_escape("<a href=\"x\" title='y'>&</a>") ==
          "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  TEST_CASE("hostile hook output reaches the page escaped, as valid UTF-8, without control bytes") {
    TempDir dir;
    auto r = evidence::load_report(write_killed_and_resumed_run(dir));
    REQUIRE(r);
    const std::string page = evidence::render_html(*r);
    CHECK_FALSE(contains(page, "<script>alert"));
    CHECK_FALSE(contains(page, "<img"));
    CHECK(contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;img src=x onerror=alert(2)&gt;"));
    CHECK_FALSE(contains(page, "<b>with markup</b>"));
    CHECK(contains(page, "&lt;b&gt;with markup&lt;/b&gt;"));
    const auto control = std::find_if(page.begin(), page.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t';
    });
    CHECK_MESSAGE(control == page.end(), "a control byte at offset " << (control - page.begin()));
    CHECK_FALSE(contains(page, "\xff"));
    // The page's own two scripts and nothing else.
    CHECK(count(page, "<script") == 2);
  }

  TEST_CASE("the page draws one timeline bar per step segment and fetches nothing") {
    TempDir dir;
    auto r = evidence::load_report(write_killed_and_resumed_run(dir));
    REQUIRE(r);
    const std::string page = evidence::render_html(*r);
    CHECK(count(page, "<rect class=\"seg ") == r->segments.size());
    CHECK(count(page, "class=\"step-row\"") == r->segments.size());
    CHECK(count(page, "<g class=\"dead\">") == 1);
    CHECK(contains(page, "data-outcome=\"died\""));
    CHECK(contains(page, "default-src 'none'"));
    CHECK(contains(page, "@media print"));
    CHECK_FALSE(contains(page, "src=\"http"));
    CHECK_FALSE(contains(page, "href=\"http"));
    CHECK(count(page, "class=\"danger no-restart\"") == 1);
    CHECK(contains(page, "<svg class=\"throughput\" data-step=\"files.copy\""));
    // The copy before the kill and after the resume: two lines, none across the dead gap.
    CHECK(count(page, "<polyline class=\"rate\"") == 2);
  }

  TEST_CASE("the git revision is read from HEAD, a loose ref, packed-refs and a worktree's .git file") {
    TempDir dir;
    const std::string id1(40, '1'), id2(40, '2'), id3(40, '3');
    dir.write("repo/.git/HEAD", "ref: refs/heads/main\n");
    dir.write("repo/.git/refs/heads/main", id1 + "\n");
    dir.write("repo/plans/dc01.yaml", "x");
    auto& fs = platform::system_fs();
    CHECK(evidence::git_revision_of((dir / "repo/plans/dc01.yaml").string(), fs) == id1);
    dir.write("packed/.git/HEAD", "ref: refs/heads/main\n");
    dir.write("packed/.git/packed-refs", "# pack-refs with: peeled\n" + id2 + " refs/heads/main\n");
    CHECK(evidence::git_revision_of((dir / "packed/plan.yaml").string(), fs) == id2);
    dir.write("wt/.git", "gitdir: " + (dir / "main/.git/worktrees/wt").string() + "\n");
    dir.write("main/.git/worktrees/wt/HEAD", "ref: refs/heads/topic\n");
    dir.write("main/.git/worktrees/wt/commondir", "../..\n");
    dir.write("main/.git/refs/heads/topic", id3 + "\n");
    CHECK(evidence::git_revision_of((dir / "wt/plan.yaml").string(), fs) == id3);
    dir.write("bad/.git/HEAD", "ref: ../../../etc/passwd\n");
    CHECK(evidence::git_revision_of((dir / "bad/plan.yaml").string(), fs).empty());
  }
}
