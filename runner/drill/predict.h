// The predicted recovery time of a drill (doc/drill.md, "What the prediction includes"):
// each step's measured time, with three substitutions where the drill cannot measure what the
// real DC will do: the byte-bound steps (backup.verify, files.copy) at the DC's throughput
// when the operator gives it, a skipped hook at its timeout (the longest the plan lets it
// take), and the restart with the post-restart check at the operator's estimate.
#pragma once

#include <cstdint>
#include <optional>

#include "evidence/report_model.h"
#include "graph/step_graph.h"
#include "plan/model.h"

namespace adrestore::drill {

struct PredictOptions {
  std::uint64_t set_bytes = 0;                       // what backup.verify reads and files.copy writes
  std::optional<double> dc_bytes_per_second;         // --dc-throughput; unset: as measured here
  std::int64_t restart_ms = 15LL * 60 * 1000;        // --restart-time: restart and AD DS start-up
  bool hooks_ran = false;
};

// Fills steps, predicted_ms, assumptions and not_included of `out` from the run's report.
void predict(const evidence::Report& report, const plan::Plan& plan, const graph::StepGraph& graph,
             const PredictOptions& options, evidence::Drill& out);

}  // namespace adrestore::drill
