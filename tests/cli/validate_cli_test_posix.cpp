// `adrestore validate` end to end, through the built binary: exit codes, the folder walk,
// and the text, json, github and junit outputs carrying the same facts.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "base/text.h"
#include "support.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;

const std::string k_plan =
    "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc01\n  domainController: DC01\n"
    "spec:\n  backup:\n    source: 'D:\\Backups\\DC01'\n";

// Three errors on known lines: an enum typo, a path trick and an unknown key.
const std::string k_bad_plan =
    "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc01\n  domainController: DC01\n"
    "spec:\n  backup:\n    source: 'D:\\Backups\\..\\DC01'\n  restore:\n    existingFiles: remov\n"
    "  afterRestore:\n    reboot: true\n";

// Runs adrestore with the working directory set to `dir`.
RunResult run_in(const fs::path& dir, std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir.string(), binary_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult r = run_process(argv, 20, env);
  CHECK(r.signal == 0);
  CHECK_FALSE(r.timed_out);
  return r;
}

struct TextError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;
  std::string message;
};

// Parses "file:line:col: error: path: message" lines of the text report.
std::vector<TextError> text_errors(const std::string& out) {
  static const std::regex k_line(R"(^(.*):(\d+):(\d+): error: (?:([A-Za-z0-9_.\[\]-]+): )?(.*)$)");
  std::vector<TextError> errors;
  for (const std::string& line : split(out, '\n')) {
    std::smatch m;
    if (std::regex_match(line, m, k_line)) {
      errors.push_back({m[1], std::stoi(m[2]), std::stoi(m[3]), m[4], m[5]});
    }
  }
  return errors;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("the checked-in plans validate, exit 0") {
    const RunResult r = run_in(source_dir(), {"validate", "plans/"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("8 files checked: 8 valid, 0 invalid (0 errors, 0 warnings)") != std::string::npos);
    CHECK(r.err.empty());
  }

  TEST_CASE("an invalid plan exits 1 with one line per error, in file order, and a summary") {
    TempDir dir;
    dir.write("bad.yaml", k_bad_plan);
    const RunResult r = run_in(dir.path(), {"validate", "bad.yaml"});
    CHECK(r.exit_code == 1);
    const std::vector<TextError> errors = text_errors(r.out);
    REQUIRE(errors.size() == 3);
    CHECK(errors[0].line == 8);
    CHECK(errors[0].column == 13);
    CHECK(errors[0].path == "spec.backup.source");
    CHECK(errors[0].message.find("'..' segment") != std::string::npos);
    CHECK(errors[1].line == 10);
    CHECK(errors[1].path == "spec.restore.existingFiles");
    CHECK(errors[1].message.find("did you mean 'delete'?") == std::string::npos);  // 'remov' is closer to remove
    CHECK(errors[2].line == 12);
    CHECK(errors[2].path == "spec.afterRestore.reboot");
    CHECK(r.out.find("1 file checked: 0 valid, 1 invalid (3 errors, 0 warnings)") != std::string::npos);
  }

  TEST_CASE("one unreadable file among valid ones exits 2; an invalid one among valid ones exits 1") {
    TempDir dir;
    dir.write("ok.yaml", k_plan);
    dir.write("bad.yaml", k_bad_plan);
    CHECK(run_in(dir.path(), {"validate", "ok.yaml", "bad.yaml"}).exit_code == 1);
    CHECK(run_in(dir.path(), {"validate", "ok.yaml", "bad.yaml", "missing.yaml"}).exit_code == 2);
    const RunResult missing = run_in(dir.path(), {"validate", "missing.yaml"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.out.find("missing.yaml: error: cannot read: No such file or directory") != std::string::npos);
  }

  TEST_CASE("--format json is one JSON document carrying the same errors as the text report") {
    TempDir dir;
    dir.write("bad.yaml", k_bad_plan);
    dir.write("ok.yaml", k_plan);
    dir.write("broken.yaml", "a: [1\n");
    const std::vector<std::string> files{"bad.yaml", "ok.yaml", "broken.yaml", "missing.yaml"};
    std::vector<std::string> text_args{"validate"};
    text_args.insert(text_args.end(), files.begin(), files.end());
    std::vector<std::string> json_args{"validate", "--format", "json"};
    json_args.insert(json_args.end(), files.begin(), files.end());
    const RunResult text = run_in(dir.path(), text_args);
    const RunResult json = run_in(dir.path(), json_args);
    CHECK(json.exit_code == text.exit_code);
    CHECK(json.exit_code == 2);
    const nlohmann::json doc = nlohmann::json::parse(json.out);  // throws (fails) on a second document
    CHECK(doc["version"] == 1);
    REQUIRE(doc["files"].size() == 4);
    CHECK(doc["summary"]["files"] == 4);
    CHECK(doc["summary"]["valid"] == 1);
    CHECK(doc["summary"]["invalid"] == 3);
    CHECK(doc["files"][1]["valid"] == true);
    CHECK(doc["files"][2]["unreadable"] == true);  // not YAML
    CHECK(doc["files"][3]["unreadable"] == true);  // missing
    CHECK(doc["files"][0]["unreadable"] == false);

    // Every positioned error of the text report is in the JSON, and nothing else. (Notes,
    // such as "the backup set is not reachable from here", are in both but are not errors.)
    std::vector<TextError> from_json;
    for (const auto& f : doc["files"]) {
      for (const auto& d : f["diagnostics"]) {
        if (d["severity"] != "error") continue;
        if (d["line"].get<int>() > 0) {
          from_json.push_back({f["file"], d["line"], d["column"], d["path"], d["message"]});
        }
      }
    }
    const std::vector<TextError> from_text = text_errors(text.out);
    REQUIRE(from_json.size() == from_text.size());
    for (std::size_t i = 0; i < from_text.size(); ++i) {
      CAPTURE(i);
      CHECK(from_json[i].file == from_text[i].file);
      CHECK(from_json[i].line == from_text[i].line);
      CHECK(from_json[i].column == from_text[i].column);
      CHECK(from_json[i].path == from_text[i].path);
      CHECK(from_json[i].message == from_text[i].message);
    }
    CHECK(doc["summary"]["errors"] == from_text.size() + 1);  // + the missing file, which has no position
    CHECK(json.err.empty());
  }

  TEST_CASE("--format github prints one workflow annotation per error, escaped as GitHub requires") {
    TempDir dir;
    dir.write("bad.yaml", k_bad_plan);
    const std::string odd_name = "we:ird,name%.yaml";
    dir.write(odd_name, k_bad_plan);
    const RunResult r = run_in(dir.path(), {"validate", "--format", "github", "bad.yaml", odd_name});
    CHECK(r.exit_code == 1);
    static const std::regex k_annotation(R"(^::error file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)$)");
    std::vector<std::smatch> annotations;
    std::size_t count = 0;
    for (const std::string& line : split(r.out, '\n')) {
      if (line.empty()) continue;
      std::smatch m;
      if (!std::regex_match(line, m, k_annotation)) {
        CHECK(line == "0 passed, 2 failed");  // the only other line
        continue;
      }
      ++count;
      if (count == 1) {
        CHECK(m[1] == "bad.yaml");
        CHECK(m[2] == "8");
        CHECK(m[3] == "13");
        CHECK(m[4] == "spec.backup.source");
        CHECK(std::string(m[5]).rfind("spec.backup.source: 'D:\\Backups\\..\\DC01' has a '..' segment", 0) == 0);
      }
      if (count == 4) CHECK(m[1] == "we%3Aird%2Cname%25.yaml");
    }
    CHECK(count == 6);
  }

  TEST_CASE("--junit writes well-formed XML with one test case per plan and a failure for each invalid one") {
    TempDir dir;
    dir.write("ok.yaml", k_plan);
    dir.write("bad \"<&>\".yaml", k_bad_plan);
    const RunResult r = run_in(dir.path(), {"validate", "--junit", "report.xml", "ok.yaml", "bad \"<&>\".yaml"});
    CHECK(r.exit_code == 1);
    const std::string xml = read_file(dir / "report.xml");
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
    CHECK(xml.find("<testsuite name=\"adrestore validate\" tests=\"2\" failures=\"1\"") != std::string::npos);
    CHECK(xml.find("<testcase name=\"ok.yaml\" classname=\"adrestore validate\"/>") != std::string::npos);
    CHECK(xml.find("<testcase name=\"bad &quot;&lt;&amp;&gt;&quot;.yaml\"") != std::string::npos);
    CHECK(xml.find("<failure message=\"3 error(s)\" type=\"invalid\">") != std::string::npos);
    CHECK(xml.find("spec.restore.existingFiles") != std::string::npos);
    if (fs::exists("/usr/bin/xmllint")) {
      const RunResult lint = run_process({"/usr/bin/xmllint", "--noout", (dir / "report.xml").string()});
      CHECK_MESSAGE(lint.exit_code == 0, lint.err);
    }
  }

  TEST_CASE("--junit to a folder that does not exist is a usage error") {
    TempDir dir;
    dir.write("ok.yaml", k_plan);
    const RunResult r = run_in(dir.path(), {"validate", "--junit", "no/such/dir/report.xml", "ok.yaml"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cannot write no/such/dir/report.xml") != std::string::npos);
  }

  TEST_CASE("a folder is walked for *.yaml and *.yml in sorted order, skipping plan tests, hidden folders and links") {
    TempDir dir;
    dir.write("plans/b.yml", k_plan);
    dir.write("plans/a.yaml", k_plan);
    dir.write("plans/site/c.YAML", k_plan);
    dir.write("plans/dc01.test.yaml", "kind: PlanTest\n");
    dir.write("plans/dc01.test.yml", "kind: PlanTest\n");
    dir.write("plans/.git/config.yaml", "not: a plan\n");
    dir.write("plans/notes.txt", "not yaml\n");
    dir.write("plans/README.md", "# plans\n");
    dir.write("elsewhere/bad.yaml", k_bad_plan);
    fs::create_symlink(dir / "elsewhere" / "bad.yaml", dir / "plans" / "link.yaml");
    fs::create_directory_symlink(dir / "elsewhere", dir / "plans" / "linked-dir");
    const RunResult r = run_in(dir.path(), {"validate", "--format", "json", "plans"});
    CHECK(r.exit_code == 0);
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    std::vector<std::string> names;
    for (const auto& f : doc["files"]) names.push_back(f["file"]);
    CHECK(names == std::vector<std::string>{"plans/a.yaml", "plans/b.yml", "plans/site/c.YAML"});
  }

  TEST_CASE("a folder with more plan files than the limit is refused, not validated in part") {
    TempDir dir;
    for (int i = 0; i <= 10000; ++i) std::ofstream(dir.path() / ("p" + std::to_string(i) + ".yaml")) << "x: 1\n";
    const RunResult r = run_in(dir.path(), {"validate", "."});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("more than 10000 plan files under .") != std::string::npos);
    CHECK(r.out.empty());
  }

  TEST_CASE("a plan test named on the command line is still validated: only the walk skips them") {
    TempDir dir;
    dir.write("dc01.test.yaml", k_plan);
    CHECK(run_in(dir.path(), {"validate", "dc01.test.yaml"}).exit_code == 0);
  }

  TEST_CASE("--color always colours the text report with real escape codes; never and NO_COLOR do not") {
    TempDir dir;
    dir.write("bad.yaml", k_bad_plan);
    const RunResult always = run_in(dir.path(), {"--color", "always", "validate", "bad.yaml"});
    CHECK(always.out.find("\033[31merror:\033[0m") != std::string::npos);
    CHECK(always.out.find("\\x1B") == std::string::npos);
    const RunResult upper = run_in(dir.path(), {"--color", "ALWAYS", "validate", "bad.yaml"});
    CHECK(upper.out.find("\033[31m") != std::string::npos);
    const RunResult never = run_in(dir.path(), {"--color", "never", "validate", "bad.yaml"});
    CHECK(never.out.find('\033') == std::string::npos);
    const RunResult no_color = run_in(dir.path(), {"validate", "bad.yaml"}, {"NO_COLOR=1"});
    CHECK(no_color.out.find('\033') == std::string::npos);
  }

  TEST_CASE("control characters in a file name or value never reach the terminal raw") {
    TempDir dir;
    const std::string name = "evil\033[2Jname.yaml";
    dir.write(name, k_plan + "  restore:\n    existingFiles: \"x\\e[2J\"\n");
    const RunResult r = run_in(dir.path(), {"validate", name});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find('\033') == std::string::npos);
    CHECK(r.out.find("evil\\x1B[2Jname.yaml") != std::string::npos);
  }
}

}  // namespace adrestore::testing
