// `adrestore plan --format dot|mermaid FOREST.yaml`: one box per domain holding its first
// DC's steps, an edge from a parent's forest.dns to its child's first step, and every
// domain's last step into the forest-wide barrier. Both formats come from one node list.
#include <sstream>

#include "base/duration.h"
#include "base/text.h"
#include "forest/render.h"
#include "graph/render.h"

namespace adrestore::forest {
namespace {

struct Node {
  std::string id;  // d0s1, b2, op: step ids contain dots, and "end" is a mermaid keyword
  std::vector<std::string> lines;
};
struct Cluster {
  std::string title;
  std::vector<Node> nodes;
};
struct Edge {
  std::string from, to, label;
};
struct Diagram {
  std::vector<Cluster> clusters;  // domains, then the barrier, then the operator's part
  std::vector<Edge> edges;
};

std::vector<std::string> step_lines(const ForestStep& s) {
  std::vector<std::string> lines = {s.id, s.where};
  if (s.wait_seconds > 0) lines.push_back("waits " + format_duration(s.wait_seconds) + " between resets");
  return lines;
}

void chain(const std::vector<Node>& nodes, std::vector<Edge>& edges) {
  for (std::size_t i = 1; i < nodes.size(); ++i) edges.push_back({nodes[i - 1].id, nodes[i].id, {}});
}

Diagram build(const CompiledForest& c) {
  Diagram g;
  for (std::size_t d = 0; d < c.domains.size(); ++d) {
    const DomainWork& w = c.domains[d];
    Cluster cl{w.domain + " (wave " + std::to_string(w.wave + 1) + ")", {}};
    for (std::size_t s = 0; s < w.steps.size(); ++s) {
      cl.nodes.push_back({"d" + std::to_string(d) + "s" + std::to_string(s), step_lines(w.steps[s])});
    }
    chain(cl.nodes, g.edges);
    g.clusters.push_back(std::move(cl));
  }
  for (std::size_t d = 0; d < c.domains.size(); ++d) {
    const DomainWork& w = c.domains[d];
    if (w.parent.empty()) continue;
    for (std::size_t p = 0; p < c.domains.size(); ++p) {
      if (to_lower_ascii(c.domains[p].domain) != to_lower_ascii(w.parent)) continue;
      for (std::size_t s = 0; s < c.domains[p].steps.size(); ++s) {
        if (c.domains[p].steps[s].id != k_child_waits_for) continue;
        g.edges.push_back({"d" + std::to_string(p) + "s" + std::to_string(s), "d" + std::to_string(d) + "s0",
                           "child after parent's DNS"});
      }
    }
  }
  Cluster barrier{"forest-wide barrier", {}};
  for (std::size_t b = 0; b < c.barrier.size(); ++b) barrier.nodes.push_back({"b" + std::to_string(b), step_lines(c.barrier[b])});
  for (std::size_t d = 0; d < c.domains.size(); ++d) {
    g.edges.push_back({"d" + std::to_string(d) + "s" + std::to_string(c.domains[d].steps.size() - 1), "b0", {}});
  }
  chain(barrier.nodes, g.edges);
  g.clusters.push_back(std::move(barrier));
  g.clusters.push_back({"left for the operator", {{"op", c.left_for_operator}}});
  g.edges.push_back({"b" + std::to_string(c.barrier.size() - 1), "op", {}});
  return g;
}

}  // namespace

std::string render_dot(const CompiledForest& c) {
  const Diagram g = build(c);
  std::ostringstream out;
  out << "digraph " << graph::dot_quote("adrestore forest plan " + c.name) << " {\n";
  out << "  graph [rankdir=TB, labelloc=t, fontname=\"Helvetica\", label="
      << graph::dot_quote(c.name + ": recovery of the forest " + c.root) << "];\n";
  out << "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (std::size_t i = 0; i < g.clusters.size(); ++i) {
    out << "  subgraph cluster_" << i << " {\n    label=" << graph::dot_quote(g.clusters[i].title) << ";\n";
    for (const Node& n : g.clusters[i].nodes) {
      out << "    " << n.id << " [label=" << graph::dot_quote(join(n.lines, "\n")) << "];\n";
    }
    out << "  }\n";
  }
  for (const Edge& e : g.edges) {
    out << "  " << e.from << " -> " << e.to;
    if (!e.label.empty()) out << " [style=bold, label=" << graph::dot_quote(e.label) << "]";
    out << ";\n";
  }
  out << "}\n";
  return out.str();
}

std::string render_mermaid(const CompiledForest& c) {
  const Diagram g = build(c);
  std::ostringstream out;
  out << "%% adrestore forest plan " << escape_for_terminal(c.name) << ": recovery of the forest "
      << escape_for_terminal(c.root) << "\n";
  out << "flowchart TD\n";
  for (std::size_t i = 0; i < g.clusters.size(); ++i) {
    out << "  subgraph c" << i << " [" << graph::mermaid_label(g.clusters[i].title) << "]\n";
    for (const Node& n : g.clusters[i].nodes) {
      std::string label;
      for (const std::string& l : n.lines) {
        const std::string q = graph::mermaid_label(l);
        label += (label.empty() ? "" : "<br/>") + q.substr(1, q.size() - 2);
      }
      out << "    " << n.id << "[\"" << label << "\"]\n";
    }
    out << "  end\n";
  }
  for (const Edge& e : g.edges) {
    if (e.label.empty()) {
      out << "  " << e.from << " --> " << e.to << "\n";
    } else {
      out << "  " << e.from << " ==>|" << graph::mermaid_label(e.label) << "| " << e.to << "\n";
    }
  }
  return out.str();
}

}  // namespace adrestore::forest
