// Runs one plan test (simulator.md, "Plan tests"): a fresh simulated world and state folder,
// the backup set the plan names, the test's stand-ins and faults; then the plan is run by a
// child `adrestore run` (and `resume` after a crash or a restart), exactly as an operator
// would run it, and what happened is read back from the journal, calls.log and the world's
// disks and compared with the expectations.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "plantest/compare.h"
#include "plantest/model.h"

namespace adrestore::plantest {

// The password the runner gives a plan whose credentials read env:ADRESTORE_DSRM_PASSWORD
// when that variable is unset (the simulator accepts any password; ntds-api.md,
// DsSetAuthIdentity).
inline constexpr const char* k_test_password = "adrestore-plan-test";

struct RunnerOptions {
  std::string adrestore_exe;  // the binary to run the plan with (usually /proc/self/exe)
  std::string work_dir;       // a fresh folder for this test (created; must not exist)
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // per child process
};

struct TestResult {
  std::string name;
  std::string file;
  Status setup;                   // not ok: the test could not be set up or run
  Observed seen;
  std::vector<Mismatch> mismatches;
  std::chrono::milliseconds duration{0};
  std::string world_dir;          // where the world and state were (kept with --keep)
  std::string state_dir;
  bool passed() const { return setup.is_ok() && mismatches.empty(); }
};

TestResult run_plan_test(const PlanTest& test, const RunnerOptions& options);

}  // namespace adrestore::plantest
