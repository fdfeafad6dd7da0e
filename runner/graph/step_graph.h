// The compiled step graph: steps plus "runs before" edges. graph::compile (compile.h) builds
// it from a validated plan; the executor walks execution_order(); the renderers print it.
//
// The graph must be a DAG. check_acyclic() reports a cycle as the chain of step ids that
// closes it ("a -> b -> a"), so a broken compiler is diagnosed by name, not by a hang.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "graph/destination_policy.h"
#include "graph/step.h"

namespace adrestore::graph {

// `order`: the mandated sequence. `guard`: a finaliser's dependency on the step whose success
// obliges it to run (restore.prepare -> restore.end), drawn dashed by the renderers.
enum class EdgeKind { order, guard };
const char* to_string(EdgeKind k);

struct Edge {
  std::string from;  // runs first
  std::string to;
  EdgeKind kind = EdgeKind::order;
};

// What the graph was compiled from, so that nothing downstream has to look at the plan
// again to explain or resolve it.
struct PlanSummary {
  std::string file;  // as the user named it
  std::string name;
  std::string domain_controller;
  std::string description;
  WinPath backup_source;
  std::string manifest_name;
  std::int64_t max_age_seconds = 0;
  DestinationPolicy destinations;
  plan::Restart restart = plan::Restart::none;
  bool authoritative = false;
  bool credentials = false;
};

class StepGraph {
 public:
  // Fails on an empty or duplicate id.
  Status add_step(Step step);
  // Fails when either end is unknown or the edge is a self-loop. Cycles are found later by
  // check_acyclic(), so that a hand-built bad graph can be diagnosed.
  Status add_edge(const std::string& from, const std::string& to, EdgeKind kind = EdgeKind::order);

  const std::vector<Step>& steps() const { return m_steps; }  // in insertion order
  const std::vector<Edge>& edges() const { return m_edges; }
  const Step* find(std::string_view id) const;
  std::optional<std::size_t> index_of(std::string_view id) const;
  // Ids of the steps that must run before `id` (direct edges only), in edge order.
  std::vector<std::string> predecessors(std::string_view id) const;

  // ok, or invalid_input "step graph has a cycle: a -> b -> a".
  Status check_acyclic() const;
  // A topological order; ties are broken by insertion order, so the order is deterministic.
  // Fails like check_acyclic() on a cycle.
  Result<std::vector<const Step*>> execution_order() const;
  // execution_order() as ids; empty on a cycle. For tests and messages.
  std::vector<std::string> order_ids() const;

  PlanSummary summary;

 private:
  std::vector<Step> m_steps;
  std::vector<Edge> m_edges;
};

}  // namespace adrestore::graph
