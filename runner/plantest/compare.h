// Compares what a plan test expected with what happened, and explains each difference as a
// short diff a reviewer can act on (for call sequences: the first point of divergence).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plantest/model.h"

namespace adrestore::plantest {

// What a run of the plan did, as the test runner observed it.
struct Observed {
  std::string outcome;                     // succeeded, failed, refused, interrupted
  std::optional<std::string> failed_step;  // step id when failed or refused
  int exit_code = -1;                      // of the last process (the resume, after a crash)
  std::vector<std::string> calls;          // NTDS API call names in order (calls.log)
  std::map<std::string, std::string> files;  // Windows path -> restored/absent/quarantined/unchanged/other
  std::map<std::string, std::string> hooks;  // hook name -> succeeded/failed/timed-out/skipped/not-run
  std::optional<bool> dc_starts;
  std::string message;                     // the run's last error, for context in failures
};

struct Mismatch {
  input::Mark mark;    // where the expectation is written
  std::string what;   // "outcome", "calls", "files['C:\...']"...
  std::string detail; // multi-line, indented
};

std::vector<Mismatch> compare(const Expectations& expect, const Observed& seen);

// For an exact sequence: the index of the first difference, or nullopt when equal.
std::optional<std::size_t> first_divergence(const std::vector<std::string>& expected,
                                            const std::vector<std::string>& actual);

// For an ordered subsequence: the first expected item that could not be found in order,
// or nullopt when every item appears in order.
std::optional<std::size_t> missing_in_order(const std::vector<std::string>& expected,
                                            const std::vector<std::string>& actual);

}  // namespace adrestore::plantest
