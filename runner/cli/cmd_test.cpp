// adrestore test PATH... : run plan tests (simulator.md, "Plan tests") against fresh
// simulated worlds, in parallel, and report them in discovery order.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/text.h"
#include "cli/app.h"
#include "cli/exit_codes.h"
#include "cli/find_files.h"
#include "cli/report.h"
#include "platform/fs.h"
#include "plantest/load.h"
#include "plantest/runner.h"

namespace adrestore::cli {
namespace {

namespace fs = std::filesystem;

// The hook stand-ins are /bin/sh scripts, and the runner finds its own binary through /proc.
#ifdef _WIN32
constexpr bool k_plan_tests_run_here = false;
#else
constexpr bool k_plan_tests_run_here = true;
#endif

bool is_test_file_name(const std::string& name) {
  const std::string lower = to_lower_ascii(name);
  return ends_with(lower, ".test.yaml") || ends_with(lower, ".test.yml");
}

// One discovered file: either it did not load (report) or it ran (result).
struct Entry {
  std::string file;
  std::optional<FileReport> load_error;
  std::optional<plantest::PlanTest> test;
  plantest::TestResult result;
  bool passed() const { return !load_error && result.passed(); }
  std::string name() const { return test ? test->name : file; }
};

std::string seconds(std::chrono::milliseconds d) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(3) << static_cast<double>(d.count()) / 1000.0;
  return s.str();
}

// The lines that explain a failed test (also the JUnit failure text).
std::string failure_text(const Entry& e) {
  std::ostringstream out;
  if (e.load_error) {
    for (const input::Diagnostic& d : e.load_error->diags.items()) out << input::format_text(d) << "\n";
    if (e.load_error->diags.items().empty()) out << e.file << ": cannot be read\n";
    return out.str();
  }
  const plantest::TestResult& r = e.result;
  if (!r.setup) {
    out << e.file << ": error: " << r.setup.message() << "\n";
    return out.str();
  }
  for (const plantest::Mismatch& m : r.mismatches) {
    out << e.file << ":" << m.mark.line << ":" << m.mark.column << ": expectation: " << m.what << "\n" << m.detail;
    if (!m.detail.empty() && m.detail.back() != '\n') out << "\n";
  }
  if (!r.seen.message.empty()) {
    std::string msg = r.seen.message;
    if (msg.size() > 2000) msg = msg.substr(0, 2000) + "...";
    out << "    run message:\n";
    for (const std::string& line : split(msg, '\n')) out << "      " << line << "\n";
  }
  return out.str();
}

void write_junit(std::ostream& out, const std::vector<Entry>& entries, std::chrono::milliseconds total) {
  std::size_t failures = 0;
  for (const Entry& e : entries) failures += e.passed() ? 0 : 1;
  const std::string suite = "adrestore test";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"" << suite << "\" tests=\"" << entries.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" time=\"" << seconds(total) << "\">\n";
  out << "  <testsuite name=\"" << suite << "\" tests=\"" << entries.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"0\" time=\"" << seconds(total) << "\">\n";
  for (const Entry& e : entries) {
    out << "    <testcase name=\"" << xml_escape(e.name()) << "\" classname=\"" << xml_escape(e.file) << "\" time=\""
        << seconds(e.result.duration) << "\"";
    if (e.passed()) {
      out << "/>\n";
      continue;
    }
    const std::string why = e.load_error ? "the test file is invalid"
                            : !e.result.setup ? "the test could not run"
                                              : std::to_string(e.result.mismatches.size()) + " expectation(s) not met";
    out << ">\n      <failure message=\"" << xml_escape(why) << "\" type=\"expectation\">" << xml_escape(failure_text(e))
        << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

nlohmann::json to_json(const Entry& e) {
  nlohmann::json j = {{"file", e.file}, {"name", e.name()}, {"passed", e.passed()},
                      {"seconds", static_cast<double>(e.result.duration.count()) / 1000.0}};
  if (e.load_error) {
    nlohmann::json diags = nlohmann::json::array();
    for (const input::Diagnostic& d : e.load_error->diags.items()) diags.push_back(input::format_text(d));
    j["loadErrors"] = diags;
    return j;
  }
  if (!e.result.setup) j["error"] = e.result.setup.message();
  const plantest::Observed& s = e.result.seen;
  j["observed"] = {{"outcome", s.outcome}, {"exitCode", s.exit_code}, {"calls", s.calls}, {"files", s.files},
                   {"hooks", s.hooks}};
  j["observed"]["failedStep"] = s.failed_step ? nlohmann::json(*s.failed_step) : nlohmann::json(nullptr);
  if (s.dc_starts) j["observed"]["dcStarts"] = *s.dc_starts;
  nlohmann::json mm = nlohmann::json::array();
  for (const plantest::Mismatch& m : e.result.mismatches) {
    mm.push_back({{"line", m.mark.line}, {"column", m.mark.column}, {"expectation", m.what}, {"detail", m.detail}});
  }
  j["mismatches"] = mm;
  return j;
}

std::string self_exe() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("adrestore") : p.string();
}

// A fresh folder of this user's under the temporary folder ($TMPDIR), for the tests' worlds.
Result<std::string> make_scratch() {
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  if (ec) return Status::error(Code::io, "cannot find the temporary folder: " + ec.message());
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    char name[32];
    std::snprintf(name, sizeof name, "adrestore-plantests-%08x", static_cast<unsigned>(rd()));
    const fs::path dir = base / name;
    if (fs::create_directory(dir, ec)) {  // false, without an error, when it exists already
      fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
      if (ec) return Status::error(Code::io, "cannot restrict " + dir.string() + ": " + ec.message());
      return dir.string();
    }
    if (ec) return Status::error(Code::io, "cannot create a scratch folder under " + base.string() + ": " + ec.message());
  }
  return Status::error(Code::io, "cannot create a scratch folder under " + base.string() + ": every name tried exists");
}

}  // namespace

void add_test_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::vector<std::string> paths;
    unsigned jobs = 0;
    std::string format = "text";
    std::string junit;
    bool keep = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("test", "Run plan tests (*.test.yaml) against fresh simulated worlds");
  cmd->add_option("paths", opt->paths, "Plan test files, or folders to search for *.test.yaml")->required();
  cmd->add_option("-j,--jobs", opt->jobs, "Tests run at once (default: the number of cores)");
  cmd->add_option("--format", opt->format, "Output: text or json (one document)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--junit", opt->junit, "Also write a JUnit XML report to FILE (one test case per test)");
  cmd->add_flag("--keep", opt->keep, "Keep the world and state folders of failed tests (the report says where)");
  cmd->footer(
      "Examples:\n"
      "  adrestore test plans/\n"
      "  adrestore test -j 4 --junit plan-tests.xml plans/tests/\n"
      "A plan whose password comes from env:ADRESTORE_DSRM_PASSWORD gets a fixed test password unless it is set.\n"
      "Exit codes: 0 all passed, 1 a test failed or is invalid, 2 usage.");
  cmd->callback([opt, &global, &exit_code] {
    if (!k_plan_tests_run_here) {
      std::cerr << "adrestore: error: plan tests run on Linux for now (their hook stand-ins are /bin/sh scripts); "
                   "run adrestore test there, as the CI jobs in the README do\n";
      exit_code = k_exit_usage;
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    auto files = find_files(opt->paths, is_test_file_name, "plan tests");
    if (!files) {
      std::cerr << "adrestore: error: " << files.status().message() << "\n";
      exit_code = k_exit_usage;
      return;
    }
    if (files->empty()) {
      std::cerr << "adrestore: error: no *.test.yaml files found under " << join(opt->paths, ", ") << "\n";
      exit_code = k_exit_usage;
      return;
    }
    std::vector<Entry> entries(files->size());
    for (std::size_t i = 0; i < files->size(); ++i) {
      Entry& e = entries[i];
      e.file = (*files)[i];
      plantest::PlanTestLoad load = plantest::load_plan_test_file(e.file);
      if (load.test) {
        e.test = std::move(*load.test);
      } else {
        FileReport r{e.file, "PlanTest", std::move(load.diags), load.failure != input::LoadFailure::none};
        e.load_error = std::move(r);
      }
    }
    auto scratch = make_scratch();
    if (!scratch) {
      std::cerr << "adrestore: error: " << scratch.status().message() << "\n";
      exit_code = k_exit_usage;
      return;
    }
    const std::string exe = self_exe();
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i = next++; i < entries.size(); i = next++) {
        Entry& e = entries[i];
        if (!e.test) continue;
        plantest::RunnerOptions ro;
        ro.adrestore_exe = exe;
        ro.work_dir = platform::join_path(*scratch, "t" + std::to_string(i));
        e.result = plantest::run_plan_test(*e.test, ro);
        if (e.passed() || !opt->keep) {
          std::error_code ec;
          fs::remove_all(ro.work_dir, ec);
        }
      }
    };
    unsigned jobs = opt->jobs != 0 ? opt->jobs : std::max(1U, std::thread::hardware_concurrency());
    jobs = std::min<unsigned>(jobs, static_cast<unsigned>(entries.size()));
    std::vector<std::thread> pool;
    for (unsigned k = 0; k < jobs; ++k) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
    const auto total = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);

    std::size_t failed = 0;
    for (const Entry& e : entries) failed += e.passed() ? 0 : 1;
    if (opt->format == "json") {
      nlohmann::json doc = {{"passed", entries.size() - failed}, {"failed", failed}, {"tests", nlohmann::json::array()}};
      for (const Entry& e : entries) doc["tests"].push_back(to_json(e));
      std::cout << doc.dump(2) << "\n";
    } else {
      const bool color = global.use_color(1);
      for (const Entry& e : entries) {
        if (e.passed()) {
          if (global.verbosity >= 0) std::cout << "ok     " << e.name() << " (" << seconds(e.result.duration) << "s)\n";
          continue;
        }
        std::cout << (color ? "\x1b[31mFAILED\x1b[0m " : "FAILED ") << escape_for_terminal(e.name()) << " (" << e.file
                  << ")\n"
                 ;
        for (const std::string& line : split(failure_text(e), '\n')) {
          if (!line.empty()) std::cout << escape_for_terminal(line) << "\n";
        }
        if (opt->keep && e.test) std::cout << "    kept: world " << e.result.world_dir << ", state " << e.result.state_dir << "\n";
      }
      std::cout << entries.size() - failed << " passed, " << failed << " failed\n";
    }
    std::error_code ec;
    if (!opt->keep || failed == 0) fs::remove_all(*scratch, ec);
    if (!opt->junit.empty()) {
      std::ofstream out(opt->junit, std::ios::binary | std::ios::trunc);
      write_junit(out, entries, total);
      if (!out) {
        std::cerr << "adrestore: error: cannot write " << opt->junit << "\n";
        exit_code = k_exit_usage;
        return;
      }
    }
    exit_code = failed == 0 ? k_exit_ok : k_exit_invalid;
  });
}

}  // namespace adrestore::cli
