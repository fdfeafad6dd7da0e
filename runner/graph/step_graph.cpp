#include "graph/step_graph.h"

#include <algorithm>
#include <queue>

#include "base/text.h"

namespace adrestore::graph {

const char* to_string(StepKind k) {
  switch (k) {
    case StepKind::preflight_host:
      return "preflight-host";
    case StepKind::preflight_privilege:
      return "preflight-privilege";
    case StepKind::preflight_credentials:
      return "preflight-credentials";
    case StepKind::preflight_ntds_offline:
      return "preflight-ntds-offline";
    case StepKind::backup_verify:
      return "backup-verify";
    case StepKind::pre_hook:
      return "pre-hook";
    case StepKind::restore_prepare:
      return "restore-prepare";
    case StepKind::restore_locations:
      return "restore-locations";
    case StepKind::restore_register:
      return "restore-register";
    case StepKind::files_clear:
      return "files-clear";
    case StepKind::files_copy:
      return "files-copy";
    case StepKind::restore_complete:
      return "restore-complete";
    case StepKind::restore_end:
      return "restore-end";
    case StepKind::restore_authoritative:
      return "restore-authoritative";
    case StepKind::post_hook:
      return "post-hook";
    case StepKind::system_restart:
      return "system-restart";
    case StepKind::system_verify_online:
      return "system-verify-online";
  }
  return "unknown";
}

int mandated_number(StepKind k) {
  switch (k) {
    case StepKind::preflight_host:
      return 1;
    case StepKind::preflight_privilege:
      return 2;
    case StepKind::preflight_credentials:
      return 3;
    case StepKind::preflight_ntds_offline:
      return 4;
    case StepKind::backup_verify:
      return 5;
    case StepKind::pre_hook:
      return 6;
    case StepKind::restore_prepare:
      return 7;
    case StepKind::restore_locations:
      return 8;
    case StepKind::restore_register:
      return 9;
    case StepKind::files_clear:
      return 10;
    case StepKind::files_copy:
      return 11;
    case StepKind::restore_complete:
      return 12;
    case StepKind::restore_end:
      return 13;
    case StepKind::restore_authoritative:
      return 14;
    case StepKind::post_hook:
      return 15;
    case StepKind::system_restart:
      return 16;
    case StepKind::system_verify_online:
      return k_post_restart_number;
  }
  return 0;
}

const char* to_string(StepClass c) {
  switch (c) {
    case StepClass::read_only:
      return "read-only";
    case StepClass::state_changing:
      return "state-changing";
    case StepClass::finaliser:
      return "finaliser";
  }
  return "read-only";
}

const char* to_string(RunsOn r) {
  switch (r) {
    case RunsOn::success:
      return "success";
    case RunsOn::failure:
      return "failure";
    case RunsOn::always:
      return "always";
  }
  return "success";
}

const char* to_string(Phase p) { return p == Phase::restore ? "restore" : "post-restart"; }

const char* to_string(ResumeRule r) {
  switch (r) {
    case ResumeRule::always_repeat:
      return "always-repeat";
    case ResumeRule::files_not_yet_copied:
      return "files-not-yet-copied";
    case ResumeRule::with_new_context:
      return "with-new-context";
    case ResumeRule::once:
      return "once";
    case ResumeRule::never_twice:
      return "never-twice";
    case ResumeRule::per_file:
      return "per-file";
    case ResumeRule::hook:
      return "hook";
  }
  return "once";
}

const char* to_string(EdgeKind k) { return k == EdgeKind::order ? "order" : "guard"; }

Status StepGraph::add_step(Step step) {
  if (step.id.empty()) return Status::error(Code::internal, "step graph: a step has an empty id");
  if (find(step.id)) return Status::error(Code::internal, "step graph: duplicate step id " + step.id);
  m_steps.push_back(std::move(step));
  return Status::ok();
}

Status StepGraph::add_edge(const std::string& from, const std::string& to, EdgeKind kind) {
  if (!find(from)) return Status::error(Code::internal, "step graph: edge from unknown step " + from);
  if (!find(to)) return Status::error(Code::internal, "step graph: edge to unknown step " + to);
  if (from == to) return Status::error(Code::internal, "step graph: step " + from + " cannot depend on itself");
  m_edges.push_back({from, to, kind});
  return Status::ok();
}

const Step* StepGraph::find(std::string_view id) const {
  for (const Step& s : m_steps) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::optional<std::size_t> StepGraph::index_of(std::string_view id) const {
  for (std::size_t i = 0; i < m_steps.size(); ++i) {
    if (m_steps[i].id == id) return i;
  }
  return std::nullopt;
}

std::vector<std::string> StepGraph::predecessors(std::string_view id) const {
  std::vector<std::string> out;
  for (const Edge& e : m_edges) {
    if (e.to == id) out.push_back(e.from);
  }
  return out;
}

Status StepGraph::check_acyclic() const {
  // Iterative depth-first search; the grey path is the chain reported when an edge closes it.
  const std::size_t n = m_steps.size();
  std::vector<std::vector<std::size_t>> next(n);
  for (const Edge& e : m_edges) next[*index_of(e.from)].push_back(*index_of(e.to));
  enum class Colour { white, grey, black };
  std::vector<Colour> colour(n, Colour::white);
  for (std::size_t start = 0; start < n; ++start) {
    if (colour[start] != Colour::white) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{start, 0}};  // node, next child
    colour[start] = Colour::grey;
    while (!stack.empty()) {
      auto& [node, child] = stack.back();
      if (child == next[node].size()) {
        colour[node] = Colour::black;
        stack.pop_back();
        continue;
      }
      const std::size_t to = next[node][child++];
      if (colour[to] == Colour::grey) {
        std::vector<std::string> chain;
        bool on = false;
        for (const auto& frame : stack) {
          on = on || frame.first == to;
          if (on) chain.push_back(m_steps[frame.first].id);
        }
        chain.push_back(m_steps[to].id);
        return Status::error(Code::invalid_input, "step graph has a cycle: " + join(chain, " -> "));
      }
      if (colour[to] == Colour::white) {
        colour[to] = Colour::grey;
        stack.emplace_back(to, 0);
      }
    }
  }
  return Status::ok();
}

Result<std::vector<const Step*>> StepGraph::execution_order() const {
  if (Status s = check_acyclic(); !s) return s;
  // Kahn's algorithm; the ready set is ordered by insertion index, so ties are deterministic.
  const std::size_t n = m_steps.size();
  std::vector<std::size_t> indegree(n, 0);
  std::vector<std::vector<std::size_t>> next(n);
  for (const Edge& e : m_edges) {
    const std::size_t from = *index_of(e.from);
    const std::size_t to = *index_of(e.to);
    next[from].push_back(to);
    ++indegree[to];
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < n; ++i) {
    if (indegree[i] == 0) ready.push(i);
  }
  std::vector<const Step*> out;
  while (!ready.empty()) {
    const std::size_t i = ready.top();
    ready.pop();
    out.push_back(&m_steps[i]);
    for (std::size_t to : next[i]) {
      if (--indegree[to] == 0) ready.push(to);
    }
  }
  return out;
}

std::vector<std::string> StepGraph::order_ids() const {
  std::vector<std::string> ids;
  Result<std::vector<const Step*>> order = execution_order();
  if (!order) return ids;
  for (const Step* s : *order) ids.push_back(s->id);
  return ids;
}

}  // namespace adrestore::graph
