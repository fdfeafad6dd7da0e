// Generates valid restore plans as YAML text, from a seed (reproducible on every platform:
// the generator uses mt19937's raw output, not the library's distributions).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace adrestore::testing {

// The options a generated plan exercises, so tests can count coverage.
struct GeneratedPlan {
  std::string yaml;
  std::uint32_t seed = 0;
  bool credentials = false;
  bool authoritative = false;
  bool restart = false;
  bool quarantine_root = false;
  bool delete_existing = false;
  bool fail_on_locations = false;
  int overrides = 0;  // how many of database, logs, checkpoint
  std::vector<std::string> pre_hooks;   // names in plan order
  std::vector<std::string> post_hooks;
  std::vector<std::string> post_when;   // success, failure, always (or "" for the default)
};

GeneratedPlan generate_plan(std::uint32_t seed);

// Options chosen by hand, for exhaustive enumeration.
struct PlanOptions {
  bool credentials = false;
  bool authoritative = false;
  bool restart = false;
  bool quarantine_root = false;
  bool delete_existing = false;
  bool fail_on_locations = false;
  int destinations = 0;  // 0 none, 1 database, 2 logs + checkpoint, 3 all three
  int hooks = 0;         // 0 none, 1 one pre hook, 2 two pre and three post hooks (one per `when`)
};
std::string plan_yaml(const PlanOptions& options, const std::string& name);

}  // namespace adrestore::testing
