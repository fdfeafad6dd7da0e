// The invariants of step-graph.md as executable checks, independent of the compiler: they
// carry their own table of which step kind changes state, so a compiler that mislabels a
// step cannot hide a misordering. Each violation is one sentence naming the steps.
//
// Used by the graph tests on hundreds of generated plans, by `adrestore plan` before it
// prints, and by the executor tests on the steps a run actually started (check_run).
#pragma once

#include <string>
#include <vector>

#include "graph/step_graph.h"
#include "plan/model.h"

namespace adrestore::graph {

// Structure and order of a compiled graph: a DAG whose order edges fix one execution order;
// each mandated step present at most once (1, 2, 4, 5, 7-13 exactly once); step numbers
// never decrease along the order; steps 1-5 before any hook or state-changing step;
// 7 < 8 < ... < 13; 10 after 5; 12 and 13 finalisers guarded by 9 and 7; 16 after 13 and 14,
// on success only, followed only by the post-restart phase. Empty when all hold.
std::vector<std::string> check_invariants(const StepGraph& graph);

// The above, plus: the graph reflects exactly the plan's options (credentials,
// authoritative DNs, restart) and hooks (same names, in plan order, same inputs).
std::vector<std::string> check_invariants(const StepGraph& graph, const plan::Plan& plan);

// A step as a process actually ran it.
enum class StepOutcome {
  succeeded,
  failed,          // failed the run
  failed_ignored,  // a hook that failed with onError: continue; the run goes on as if it succeeded
};
struct ExecutedStep {
  std::string id;
  StepOutcome outcome = StepOutcome::succeeded;
};

enum class RunEnd {
  finished,  // the process ran to its end: every step whose condition held must have run
  stopped,   // killed or interrupted: the sequence may stop anywhere
};

struct RunContext {
  RunEnd end = RunEnd::finished;
  // Steps an earlier process finished (from the journal, on resume). They count as succeeded;
  // steps that resume must not repeat (once, never_twice, hooks) must not appear again.
  std::vector<std::string> already_done;
};

// Checks the steps one process started, in start order, against the graph: known ids, none
// twice, the graph's order kept; before any state-changing step, preflight steps 1-4 have
// succeeded in this process and backup.verify in this one or an earlier one; a success-only
// step never after a failure, a failure-only one never without; a finaliser only after its
// guard succeeded and, when the process finished, always then (13 follows every successful 7);
// no hook at all, not even a post hook with when: failure, unless steps 1-5 all succeeded
// (step-graph.md: "steps 1-5 run before any hook or state-changing call");
// system.restart only after 13 and 14 succeeded and nothing after it in the same process.
std::vector<std::string> check_run(const StepGraph& graph, const std::vector<ExecutedStep>& run,
                                   const RunContext& context = {});

}  // namespace adrestore::graph
