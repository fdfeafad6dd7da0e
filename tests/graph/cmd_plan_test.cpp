// `adrestore plan` end to end, and the escaping the diagram formats rely on.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "graph/compile.h"
#include "graph/render.h"
#include "placement/preview.h"
#include "plan/validate.h"
#include "support.h"

namespace adrestore::graph {
namespace {

std::string example(const char* name) { return (testing::source_dir() / "plans" / name).string(); }

}  // namespace

TEST_SUITE("graph") {
  TEST_CASE("adrestore plan prints the numbered steps of a valid plan and exits 0") {
    const testing::RunResult r = testing::run_adrestore({"plan", example("dc02-hooks.yaml")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("  5. hook.pre.pause-antivirus") != std::string::npos);
    CHECK(r.out.find("run: ['C:\\Tools\\avctl.exe', 'pause', '--minutes', '120']") != std::string::npos);
    CHECK(r.out.find("timeout 2m, onError fail") != std::string::npos);
    CHECK(r.out.find("call: DsRestorePrepare(") != std::string::npos);
    CHECK(r.err.empty());
  }

  TEST_CASE("adrestore plan --format json prints one stable JSON document") {
    const testing::RunResult a = testing::run_adrestore({"plan", "--format", "json", example("dc02-hooks.yaml")});
    const testing::RunResult b = testing::run_adrestore({"plan", "--format", "json", example("dc02-hooks.yaml")});
    REQUIRE(a.exit_code == 0);
    CHECK(a.out == b.out);
    const nlohmann::json doc = nlohmann::json::parse(a.out);
    CHECK(doc["format"] == "adrestore-plan");
    CHECK(doc["version"] == 1);
    CHECK(doc["steps"].size() == 18);
    CHECK(doc["steps"][4]["hook"]["run"][0] == "C:\\Tools\\avctl.exe");
    CHECK(a.out.rfind("{\n  \"format\"", 0) == 0);  // keys in the documented order, not sorted
  }

  TEST_CASE("adrestore plan --format dot and mermaid print diagrams") {
    const testing::RunResult dot = testing::run_adrestore({"plan", "--format", "dot", example("dc01-minimal.yaml")});
    CHECK(dot.exit_code == 0);
    CHECK(dot.out.rfind("digraph ", 0) == 0);
    CHECK(dot.out.find("\"restore.prepare\" -> \"restore.end\" [style=dashed") != std::string::npos);
    const testing::RunResult mmd = testing::run_adrestore({"plan", "--format", "mermaid", example("dc01-minimal.yaml")});
    CHECK(mmd.exit_code == 0);
    CHECK(mmd.out.find("\nflowchart TD\n") != std::string::npos);
  }

  TEST_CASE("adrestore plan on an invalid plan prints the errors and exits 1, printing no graph") {
    testing::TempDir dir;
    const std::string path =
        dir.write("bad.yaml",
                  "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata: {name: bad, domainController: DC01}\n"
                  "spec:\n  backup: {source: 'D:\\B'}\n  hooks:\n    pre: [{name: h, run: [x], timeout: 5 minutes}]\n");
    const testing::RunResult r = testing::run_adrestore({"plan", path});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find(":7:") != std::string::npos);
    CHECK(r.err.find("spec.hooks.pre[0].timeout") != std::string::npos);
  }

  TEST_CASE("adrestore plan on a missing or non-YAML file exits 2, and a bad format is a usage error") {
    testing::TempDir dir;
    CHECK(testing::run_adrestore({"plan", (dir / "none.yaml").string()}).exit_code == 2);
    const std::string binary = dir.write("x.yaml", std::string("\0\x01binary", 8));
    CHECK(testing::run_adrestore({"plan", binary}).exit_code == 2);
    CHECK(testing::run_adrestore({"plan", dir.path().string()}).exit_code == 2);
    CHECK(testing::run_adrestore({"plan", "--format", "svg", example("dc01-minimal.yaml")}).exit_code == 2);
    CHECK(testing::run_adrestore({"plan", "--api", "other", example("dc01-minimal.yaml")}).exit_code == 2);
  }

  TEST_CASE("adrestore plan accepts --api and --world") {
    const testing::RunResult r =
        testing::run_adrestore({"plan", "--api", "sim", "--world", "/nonexistent", example("dc01-minimal.yaml")});
    CHECK(r.exit_code == 0);
  }

  TEST_CASE("diagram labels escape what would break DOT and Mermaid syntax") {
    CHECK(dot_quote("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
    CHECK(dot_quote(std::string("x\x01y")) == "\"x?y\"");
    CHECK(mermaid_label("say \"hi\" <x> #1 & co") == "\"say #quot;hi#quot; #lt;x#gt; #35;1 #amp; co\"");
    CHECK(mermaid_label("C:\\Tools\\a.exe") == "\"C:\\Tools\\a.exe\"");
    CHECK(mermaid_label("line\nbreak") == "\"line\\nbreak\"");
    CHECK(quote_argv({"C:\\x.exe", "it's", "a b"}) == "['C:\\x.exe', 'it''s', 'a b']");
  }

  TEST_CASE("a hook with quotes, angle brackets, hashes and ampersands renders as valid labels in every format") {
    const std::string yaml =
        "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata: {name: t, domainController: DC01}\n"
        "spec:\n  backup: {source: 'D:\\B'}\n  hooks:\n    pre:\n"
        "      - {name: h, run: ['C:\\T\\#1 & co.exe', 'say \"hi\" <x>']}\n";
    plan::PlanLoad l = plan::load_plan_text(yaml, "t.yaml");
    REQUIRE(l.plan.has_value());
    Result<StepGraph> g = compile(*l.plan);
    REQUIRE(g.is_ok());
    const std::string mmd = render_mermaid(*g);
    CHECK(mmd.find("runs C:\\T\\#35;1 #amp; co.exe") != std::string::npos);
    const std::string dot = render_dot(*g);
    CHECK(dot.find("runs C:\\\\T\\\\#1 & co.exe") != std::string::npos);
    CHECK(nlohmann::json::accept(placement::render_json(*g)));
    CHECK(placement::render_text(*g).find("run: ['C:\\T\\#1 & co.exe', 'say \"hi\" <x>']") != std::string::npos);
  }
}

}  // namespace adrestore::graph
