// Plan fixtures: YAML files under tests/plan/fixtures whose header comments say what the
// loader must report. A fixture is self-describing, so a table of them can be checked in a
// loop and a reader sees the expectation next to the input:
//
//   # violates: enum spec.restore.onLocationsFailure      (schema constraints it breaks)
//   # expect: 12:25 spec.restore.onLocationsFailure | expected original or fail
//   # guard: max_scalar_bytes=40000                        (relaxed guard limits)
//
// `expect` is LINE:COLUMN, the field path ("-" for none), and a substring of the message.
// A fixture with no `expect` line must load without any diagnostic. The text may use
// %%seq N|TEMPLATE%%, which expands to TEMPLATE N times with '#' replaced by 0..N-1 and
// "\n" by a newline, so that limit tests need no megabyte files in the repository.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "input/guard.h"
#include "plan/validate.h"

namespace adrestore::testing {

struct Expectation {
  int line = 0;
  int column = 0;
  std::string path;
  std::string message;
  std::string raw;  // the header line, for failure messages
};

struct Fixture {
  std::string name;  // relative to the fixtures directory, used as the display name
  std::string text;  // after macro expansion
  std::vector<Expectation> expect;
  std::vector<std::string> violates;  // "keyword location" ids (see schema_coverage_test.cpp)
  input::GuardLimits limits;
};

std::filesystem::path plan_fixtures_dir();
// Fixture names (relative paths) under a subdirectory, sorted.
std::vector<std::string> list_plan_fixtures(const std::string& subdir);
std::string expand_fixture_macros(const std::string& text);
Fixture read_plan_fixture(const std::string& name);
plan::PlanLoad load_plan_fixture(const Fixture& fixture);

// Checks that `load` holds exactly the errors the fixture expects, no more and no fewer,
// and that a fixture without expectations produced a Plan. Reports through doctest.
void check_plan_fixture(const Fixture& fixture, const plan::PlanLoad& load);
// read + load + check in one call; returns the load for further assertions.
plan::PlanLoad expect_plan_fixture(const std::string& name);

// All diagnostics as text, one per line, for failure messages.
std::string describe_diagnostics(const input::Diagnostics& diags);

}  // namespace adrestore::testing
