// Golden files: every output format for every example plan in plans/, and previews with a
// hand-written manifest. Refresh after an intended change with
//   ADRESTORE_UPDATE_GOLDEN=1 ./build/dev/tests/adrestore_tests --test-suite=graph
// and review the diff (doc/testing.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "graph/compile.h"
#include "graph/manifest_fixture.h"
#include "graph/render.h"
#include "placement/preview.h"
#include "plan/validate.h"
#include "support.h"

namespace adrestore::graph {
namespace {

namespace fs = std::filesystem;

bool updating() {
  const char* v = std::getenv("ADRESTORE_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

fs::path golden_dir() { return testing::source_dir() / "tests" / "graph" / "golden"; }

void check_golden(const std::string& name, const std::string& actual) {
  const fs::path path = golden_dir() / name;
  if (updating()) {
    fs::create_directories(golden_dir());
    testing::write_file(path, actual);
    MESSAGE("rewrote " << path.string());
    return;
  }
  if (!fs::exists(path)) {
    FAIL_CHECK("golden file " << path.string() << " is missing; create it with ADRESTORE_UPDATE_GOLDEN=1");
    return;
  }
  const std::string expected = testing::read_file(path);
  if (expected == actual) return;
  std::istringstream e(expected);
  std::istringstream a(actual);
  std::string el;
  std::string al;
  int line = 0;
  while (true) {
    ++line;
    const bool more_e = static_cast<bool>(std::getline(e, el));
    const bool more_a = static_cast<bool>(std::getline(a, al));
    if (!more_e && !more_a) break;
    if (!more_e || !more_a || el != al) break;
  }
  FAIL_CHECK(name << " differs from its golden file at line " << line << ":\n  expected: " << el << "\n  actual:   "
                  << al << "\n(if the change is intended: ADRESTORE_UPDATE_GOLDEN=1, then review the diff)");
}

std::vector<std::string> example_plans() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(testing::source_dir() / "plans")) {
    const std::string n = entry.path().filename().string();
    const bool plan_test = n.size() > 10 && n.compare(n.size() - 10, 10, ".test.yaml") == 0;
    if (entry.is_regular_file() && entry.path().extension() == ".yaml" && !plan_test) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

StepGraph compile_example(const std::string& file) {
  const std::string text = testing::read_file(testing::source_dir() / "plans" / file);
  plan::PlanLoad load = plan::load_plan_text(text, "plans/" + file);
  REQUIRE_MESSAGE(load.plan.has_value(), "plans/" << file << " does not validate");
  Result<StepGraph> g = compile(*load.plan);
  REQUIRE(g.is_ok());
  return *g;
}

std::string stem(const std::string& file) { return file.substr(0, file.rfind('.')); }

WinPath P(const char* s) { return *WinPath::parse(s); }

}  // namespace

TEST_SUITE("graph") {
  TEST_CASE("every example plan renders as its golden text, json, dot and mermaid") {
    const std::vector<std::string> plans = example_plans();
    REQUIRE(plans.size() >= 3);
    for (const std::string& file : plans) {
      INFO(file);
      const StepGraph g = compile_example(file);
      check_golden(stem(file) + ".text", placement::render_text(g));
      check_golden(stem(file) + ".json", placement::render_json(g));
      check_golden(stem(file) + ".dot", render_dot(g));
      check_golden(stem(file) + ".mermaid", render_mermaid(g));
    }
  }

  TEST_CASE("with a manifest and no locations yet, the preview lists files and says the DC reports the rest") {
    const StepGraph g = compile_example("dc01-minimal.yaml");
    const backup::Manifest m = testing::sample_manifest();
    placement::PreviewInputs in;
    in.manifest = &m;
    const std::string text = placement::render_text(g, in);
    CHECK(text.find("Active Directory/ntds.dit") != std::string::npos);
    CHECK(text.find(k_reported_at_run_time) != std::string::npos);
    check_golden("dc01-minimal.manifest.text", text);
    check_golden("dc01-minimal.manifest.json", placement::render_json(g, in));
  }

  TEST_CASE("with a manifest and every destination overridden, the preview shows each file's destination and what is deleted") {
    const StepGraph g = compile_example("dc03-unc.yaml");
    const backup::Manifest m = testing::sample_manifest();
    placement::PreviewInputs in;
    in.manifest = &m;
    in.existing = {{P("E:\\NTDS"), {"ntds.dit", "edb.chk"}}, {P("F:\\NTDSLogs"), {"edb00041.log", "edb.log"}}};
    const std::string text = placement::render_text(g, in);
    CHECK(text.find("64.0 MiB") != std::string::npos);
    CHECK(text.find("E:\\NTDS\\ntds.dit (override)") != std::string::npos);
    CHECK(text.find("F:\\NTDSLogs\\edb00041.log") != std::string::npos);
    CHECK(text.find(k_reported_at_run_time) == std::string::npos);
    check_golden("dc03-unc.manifest.text", text);
    check_golden("dc03-unc.manifest.json", placement::render_json(g, in));
  }

  TEST_CASE("with reported locations, the preview shows quarantine moves under the plan's quarantine root") {
    const StepGraph g = compile_example("dc02-hooks.yaml");
    const backup::Manifest m = testing::sample_manifest();
    backup::Locations l;
    l.database_file = P("C:\\Windows\\NTDS\\ntds.dit");
    l.log_dir = P("C:\\Windows\\NTDS");
    l.checkpoint_dir = P("C:\\Windows\\NTDS");
    placement::PreviewInputs in;
    in.manifest = &m;
    in.locations = placement::ReportedLocations::reported(l);
    in.existing = {{P("C:\\Windows\\NTDS"), {"ntds.dit", "edb.log", "edb00007.log"}}};
    const std::string text = placement::render_text(g, in);
    CHECK(text.find("C:\\Windows\\NTDS\\edb.log -> C:\\adrestore-quarantine\\<run-id>\\C\\Windows\\NTDS\\edb.log") !=
          std::string::npos);
    check_golden("dc02-hooks.reported.text", text);
    check_golden("dc02-hooks.reported.json", placement::render_json(g, in));
  }

  TEST_CASE("a failed locations call with onLocationsFailure fail shows the error instead of destinations") {
    const StepGraph g = compile_example("dc03-unc.yaml");
    const backup::Manifest m = testing::sample_manifest();
    placement::PreviewInputs in;
    in.manifest = &m;
    in.locations = placement::ReportedLocations::failed();
    const std::string text = placement::render_text(g, in);
    CHECK(text.find("cannot be resolved: DsRestoreGetDatabaseLocations failed") != std::string::npos);
    CHECK(text.find("unresolved") != std::string::npos);
  }
}

}  // namespace adrestore::graph
