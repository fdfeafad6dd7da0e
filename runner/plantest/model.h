// A plan test (simulator.md, "Plan tests"): one plan, one fresh simulated world, faults,
// and expectations about what happened.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "input/node.h"

namespace adrestore::plantest {

struct ProgramStandIn {
  int exit_code = 0;
  std::string out;
  std::string err;
  std::int64_t sleep_seconds = 0;
};

// Overrides of the default world; unset fields keep the simulator's defaults.
struct WorldSpec {
  std::optional<std::string> dc;
  std::optional<bool> ntds_online;
  std::optional<bool> dsrm;
  std::optional<std::vector<std::string>> privileges;
  std::optional<std::int64_t> tombstone_seconds;
  std::optional<std::string> loc_database, loc_logs, loc_checkpoint;
  std::vector<std::string> existing_files;  // Windows paths
  std::int64_t backup_age_days = 1;
  std::optional<std::string> backup_dc;  // the DC the set is taken on; default: the world's DC
  // backup.signWith: the private key file (NAME.key) the set is signed with, resolved against
  // the test file's folder; unset: the set is not signed.
  std::optional<std::string> backup_sign_key;
  std::uint64_t database_size = 8ULL << 20;
  int logs = 3;
  std::map<std::string, ProgramStandIn> programs;  // Windows path -> stand-in
};

template <class T>
struct Expect {
  T value{};
  input::Mark mark;
  bool set = false;
};

struct Expectations {
  Expect<std::string> outcome;
  Expect<std::optional<std::string>> failed_step;
  Expect<int> exit_code;
  Expect<std::vector<std::string>> calls;
  Expect<std::vector<std::string>> calls_include;
  std::vector<std::pair<std::string, Expect<std::string>>> files;  // Windows path -> state
  std::vector<std::pair<std::string, Expect<std::string>>> hooks;  // hook name -> result
  Expect<bool> dc_starts;
};

struct PlanTest {
  std::string file;       // as the user named it
  std::string name;       // metadata.name (the JUnit test name)
  std::string plan_path;  // resolved against the test file's folder
  input::Mark plan_mark;
  WorldSpec world;
  nlohmann::json faults = nlohmann::json::array();  // handed to the simulator as data
  bool has_crash = false;
  std::vector<std::string> rerun_hooks;
  std::vector<std::string> skip_hooks;
  Expectations expect;
};

}  // namespace adrestore::plantest
