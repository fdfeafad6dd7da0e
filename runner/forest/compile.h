// A valid forest plan compiled into the order of the guide's phase 3 and 4: waves of
// domains (the root first, each child after its parent's first DC has done forest.dns,
// unrelated domains in parallel), each first DC's steps, the forest-wide barrier, and what
// is left for the operator. This step list is the seam for executing forest steps and for
// an orchestrator (doc/forest.md, "The compiled plan").
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "forest/model.h"

namespace adrestore::forest {

struct ForestStep {
  std::string id;     // forest.seize-roles
  std::string where;  // the DC it runs on, or "operator"
  std::string what;   // one line for people
  std::string guide;  // the guide's page (forest-recovery-guide/ad-forest-recovery-<guide>.md)
  std::vector<std::pair<std::string, std::string>> inputs;  // decisions it acts on, in a fixed order
  std::vector<std::string> targets;                         // DCs or domains it acts on, when a list
  std::int64_t wait_seconds = 0;  // reset-krbtgt: the second reset waits this long after the first
};

struct DomainWork {
  std::string domain;
  std::string parent;  // empty for the forest root
  int wave = 0;        // 0 for the root, then the depth below it
  std::string dc;      // the first DC
  std::string plan_file;  // as written in the forest plan
  std::string plan_name;  // the RestorePlan's metadata.name
  std::vector<ForestStep> steps;  // the first is the RestorePlan's run
  std::vector<std::string> redeploy;  // the domain's cleanup list, redeployed by the operator
};

struct CompiledForest {
  std::string name;
  std::string file;
  std::string root;
  bool breach = false;
  std::int64_t tombstone_seconds = 0;
  std::vector<DomainWork> domains;  // by wave, then in the plan's order
  int wave_count = 0;
  std::vector<ForestStep> barrier;  // after every domain's steps
  std::vector<std::string> left_for_operator;

  const DomainWork* find(const std::string& domain) const;
};

// The id of the step a child domain waits for on its parent's first DC.
inline constexpr const char* k_child_waits_for = "forest.dns";

// `forest` must be a loaded, valid plan (load_forest_file returned it).
CompiledForest compile(const ForestPlan& forest);

}  // namespace adrestore::forest
