// The hostile-input corpus (README.md): every file under tests/corpus is given to the built
// binary as `adrestore validate FILE`; cases.tsv says the exit code and a text the output
// must contain. Inputs too big to commit, and devices, FIFOs and directories, are made
// here at test time. Nothing may crash (no signal) or take 2 seconds.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "base/text.h"
#include "support.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;

// A hang detector, not a speed test: every hostile input is refused in milliseconds, a parser
// that loops or expands does not finish at all. 30 s leaves a loaded machine ample room; the
// process deadline (run_process) is above it so a slow run is reported by this bound.
constexpr double k_hang_seconds = 30.0;

struct Case {
  std::string file;
  int exit_code = 0;
  std::string expect;
};

std::vector<Case> read_cases() {
  std::vector<Case> out;
  for (const std::string& line : split(read_file(source_dir() / "tests" / "corpus" / "cases.tsv"), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> cols = split(line, '\t');
    REQUIRE_MESSAGE(cols.size() == 3, "bad line in cases.tsv: " << line);
    out.push_back({cols[0], std::atoi(cols[1].c_str()), cols[2]});
  }
  return out;
}

// Runs validate in `dir` on `arg` and checks the outcome of a hostile input.
RunResult check_run(const fs::path& dir, const std::string& arg, int exit_code, const std::string& expect,
                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir.string(), binary_path(), "validate"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(arg);
  const RunResult r = run_process(argv, 60);
  INFO("adrestore validate " << arg << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK(r.seconds < k_hang_seconds);
  CHECK(r.exit_code == exit_code);
  if (!expect.empty()) CHECK((r.out + r.err).find(expect) != std::string::npos);
  return r;
}

const std::string k_plan =
    "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc01\n  domainController: DC01\n"
    "spec:\n  backup:\n    source: 'D:\\Backups\\DC01'\n";

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("every corpus file gets its documented exit code and message, without a crash or a hang") {
    const fs::path dir = source_dir() / "tests" / "corpus";
    const std::vector<Case> cases = read_cases();
    REQUIRE(cases.size() >= 60);
    for (const Case& c : cases) {
      CAPTURE(c.file);
      check_run(dir, c.file, c.exit_code, c.expect);
    }
  }

  TEST_CASE("every corpus file is listed in cases.tsv, and every listed file exists") {
    const fs::path dir = source_dir() / "tests" / "corpus";
    std::set<std::string> listed;
    for (const Case& c : read_cases()) {
      listed.insert(c.file);
      CHECK_MESSAGE(fs::is_regular_file(dir / c.file), c.file << " is listed but missing");
    }
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (ends_with(name, ".yaml")) CHECK_MESSAGE(listed.count(name) == 1, name << " is not in cases.tsv");
    }
  }

  TEST_CASE("for every corpus file the JSON report is one valid document that agrees with the exit code") {
    const fs::path dir = source_dir() / "tests" / "corpus";
    for (const Case& c : read_cases()) {
      CAPTURE(c.file);
      const RunResult r = check_run(dir, c.file, c.exit_code, "", {"--format", "json"});
      const nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
      REQUIRE_FALSE(doc.is_discarded());
      CHECK(doc["summary"]["files"] == 1);
      CHECK(doc["files"][0]["valid"] == (c.exit_code == 0));
      std::size_t errors = 0;
      for (const auto& d : doc["files"][0]["diagnostics"]) errors += d["severity"] == "error" ? 1 : 0;
      CHECK((errors == 0) == (c.exit_code == 0));
    }
  }

  TEST_CASE("a file over the 1 MiB cap is refused unread; one exactly at the cap is read") {
    TempDir dir;
    std::string at_cap = k_plan;
    const std::string pad = "# padding to the size limit\n";
    while (at_cap.size() + pad.size() <= (1u << 20)) at_cap += pad;
    at_cap += std::string((1u << 20) - at_cap.size() - 1, '#') + "\n";
    REQUIRE(at_cap.size() == (1u << 20));
    dir.write("at-cap.yaml", at_cap);
    dir.write("over-cap.yaml", at_cap + "\n");
    dir.write("huge.yaml", std::string(64u << 20, '#'));
    check_run(dir.path(), "at-cap.yaml", 0, "1 file checked: 1 valid");
    check_run(dir.path(), "over-cap.yaml", 2, "over-cap.yaml: error: is 1048577 bytes; the limit is 1048576 bytes");
    check_run(dir.path(), "huge.yaml", 2, "huge.yaml: error: is 67108864 bytes");
  }

  TEST_CASE("a huge value, a huge line and a huge number of nodes are refused by the guard's limits") {
    TempDir dir;
    dir.write("huge-value.yaml", k_plan + "    manifest: '" + std::string(900000, 'x') + "'\n");
    dir.write("huge-line.yaml", std::string(1000000, 'a'));
    std::string many = k_plan + "  restore:\n    authoritative:\n      objects: [";
    for (int i = 0; i < 20000; ++i) many += "a,";
    dir.write("many-nodes.yaml", many + "a]\n");
    dir.write("deep.yaml", "a: " + std::string(300000, '[') + std::string(300000, ']') + "\n");
    check_run(dir.path(), "huge-value.yaml", 1,
              "huge-value.yaml:9:15: error: value is 900000 bytes long; the limit is 4096");
    check_run(dir.path(), "huge-line.yaml", 1, "huge-line.yaml:1:1: error: value is 1000000 bytes long");
    check_run(dir.path(), "many-nodes.yaml", 1, "error: the document has more than 10000 nodes");
    check_run(dir.path(), "deep.yaml", 1, "deep.yaml:1:35: error: nesting is deeper than 32 levels");
  }

  TEST_CASE("a device given as the plan path is refused without being read") {
    TempDir dir;
    check_run(dir.path(), "/dev/zero", 2, "/dev/zero: error: is not a regular file (a device or a pipe?)");
    check_run(dir.path(), "/dev/null", 2, "/dev/null: error: is not a regular file");
    check_run(dir.path(), "/dev/urandom", 2, "/dev/urandom: error: is not a regular file");
    // A link is refused before anything behind it is opened (links are never followed).
    REQUIRE(::symlink("/dev/zero", (dir / "zero.yaml").c_str()) == 0);
    check_run(dir.path(), "zero.yaml", 2, "zero.yaml: error: is a link; name the file it points to");
  }

  TEST_CASE("a FIFO given as the plan path is refused at once, with or without a writer") {
    TempDir dir;
    REQUIRE(::mkfifo((dir / "plan.yaml").c_str(), 0600) == 0);
    check_run(dir.path(), "plan.yaml", 2, "plan.yaml: error: is not a regular file");
    // A writer that never writes nor closes: a reader that opened the FIFO would wait forever.
    const int writer = ::open((dir / "plan.yaml").c_str(), O_RDWR | O_NONBLOCK);
    REQUIRE(writer >= 0);
    check_run(dir.path(), "plan.yaml", 2, "plan.yaml: error: is not a regular file");
    ::close(writer);
  }

  TEST_CASE("a FIFO inside a folder is skipped by the walk and cannot hang it") {
    TempDir dir;
    REQUIRE(::mkfifo((dir / "stuck.yaml").c_str(), 0600) == 0);
    dir.write("ok.yaml", k_plan);
    const RunResult r = check_run(dir.path(), ".", 0, "1 file checked: 1 valid");
    CHECK(r.out.find("stuck.yaml") == std::string::npos);
  }

  TEST_CASE("a folder with no plan in it, even one named like a plan, is a usage error") {
    TempDir dir;
    fs::create_directories(dir / "plan.yaml");
    check_run(dir.path(), "plan.yaml", 2, "no *.yaml or *.yml files found under plan.yaml");
  }

  TEST_CASE("a missing file and a dangling link are unreadable, exit 2") {
    TempDir dir;
    REQUIRE(::symlink("nowhere.yaml", (dir / "dangling.yaml").c_str()) == 0);
    check_run(dir.path(), "missing.yaml", 2, "missing.yaml: error: cannot read: No such file or directory");
    check_run(dir.path(), "dangling.yaml", 2, "dangling.yaml: error: is a link");
  }

  TEST_CASE("an unreadable file is reported, not skipped") {
    if (::geteuid() == 0) return;  // root reads everything; nothing to test
    TempDir dir;
    const std::string p = dir.write("secret.yaml", k_plan);
    ::chmod(p.c_str(), 0);
    check_run(dir.path(), "secret.yaml", 2, "secret.yaml: error: cannot read: Permission denied");
  }
}

}  // namespace adrestore::testing
