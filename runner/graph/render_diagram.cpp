// `adrestore plan --format dot|mermaid`: the step graph as a diagram. Order edges are solid;
// a finaliser's guard edge is dashed and labelled "finally"; colours tell read-only,
// state-changing, finaliser and hook steps apart.
#include <sstream>

#include "base/text.h"
#include "graph/render.h"

namespace adrestore::graph {
namespace {

// A short third line for a node: the API function, the hook program, or the gist.
std::string gist(const Step& s) {
  if (s.hook) {
    const std::string prog = s.hook->argv.empty() ? std::string() : s.hook->argv.front();
    if (s.hook->phase == plan::HookPhase::post) return "runs " + prog + " (when " + plan::to_string(s.hook->when) + ")";
    return "runs " + prog;
  }
  if (s.api) return s.api->function;
  switch (s.kind) {
    case StepKind::preflight_host:
      return "this host is the DC, in DSRM";
    case StepKind::preflight_privilege:
      return "SE_RESTORE_NAME enabled";
    case StepKind::backup_verify:
      return "manifest, sizes, SHA-256, age";
    case StepKind::files_clear:
      for (const auto& [k, v] : s.inputs) {
        if (k == "existingFiles") return v == "delete" ? "delete existing files" : "quarantine existing files";
      }
      return "clear destinations";
    case StepKind::files_copy:
      return "copy, verifying SHA-256";
    case StepKind::restore_authoritative:
      return "ntdsutil authoritative restore";
    case StepKind::system_restart:
      return "clear DSRM boot flag, restart";
    default:
      return {};
  }
}

std::vector<std::string> label_lines(const Step& s, std::size_t position) {
  const std::string what = s.kind == StepKind::pre_hook    ? "pre hook"
                           : s.kind == StepKind::post_hook ? "post hook"
                                                           : to_string(s.step_class);
  std::vector<std::string> lines = {std::to_string(position) + ". " + s.id,
                                    "step " + std::to_string(s.number) + ", " + what};
  if (std::string g = gist(s); !g.empty()) lines.push_back(g);
  return lines;
}

const char* style_class(const Step& s) {
  if (s.is_hook()) return "hook";
  switch (s.step_class) {
    case StepClass::read_only:
      return "readonly";
    case StepClass::state_changing:
      return "changing";
    case StepClass::finaliser:
      return "finaliser";
  }
  return "readonly";
}

const char* dot_style(const Step& s) {
  const std::string c = style_class(s);
  if (c == "hook") return "style=\"rounded,filled,dashed\", fillcolor=\"#e3ecfa\", color=\"#1565c0\"";
  if (c == "changing") return "style=\"rounded,filled\", fillcolor=\"#fde0dc\", color=\"#c62828\"";
  if (c == "finaliser") return "style=\"rounded,filled,bold\", fillcolor=\"#fff4c2\", color=\"#f9a825\"";
  return "style=\"rounded,filled\", fillcolor=\"#e3f2e1\", color=\"#2e7d32\"";
}

}  // namespace

std::string dot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      out += '?';  // DOT has no escape for control characters
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string mermaid_label(const std::string& text) {
  // Mermaid has no backslash escapes in labels; it takes HTML-like entity codes written with
  // '#' instead of '&'. Newlines become <br/>, the one piece of markup we emit.
  std::string out = "\"";
  for (char c : escape_for_terminal(text)) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '#':
        out += "#35;";
        break;
      case '&':
        out += "#amp;";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

std::string render_dot(const StepGraph& g) {
  std::ostringstream out;
  Result<std::vector<const Step*>> order = g.execution_order();
  out << "digraph " << dot_quote("adrestore plan " + g.summary.name) << " {\n";
  out << "  graph [rankdir=TB, labelloc=t, fontname=\"Helvetica\", label="
      << dot_quote(g.summary.name + ": restore of " + g.summary.domain_controller) << "];\n";
  out << "  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  if (!order) {
    out << "  // " << escape_for_terminal(order.status().message()) << "\n}\n";
    return out.str();
  }
  for (std::size_t i = 0; i < order->size(); ++i) {
    const Step& s = *(*order)[i];
    out << "  " << dot_quote(s.id) << " [label=" << dot_quote(join(label_lines(s, i + 1), "\n")) << ", "
        << dot_style(s) << "];\n";
  }
  for (const Edge& e : g.edges()) {
    out << "  " << dot_quote(e.from) << " -> " << dot_quote(e.to);
    const Step* to = g.find(e.to);
    if (e.kind == EdgeKind::guard) {
      out << " [style=dashed, label=\"finally\", constraint=false]";
    } else if (to && to->phase == Phase::post_restart) {
      out << " [style=bold, label=\"after the restart\"]";
    }
    out << ";\n";
  }
  out << "}\n";
  return out.str();
}

std::string render_mermaid(const StepGraph& g) {
  std::ostringstream out;
  Result<std::vector<const Step*>> order = g.execution_order();
  out << "%% adrestore plan " << escape_for_terminal(g.summary.name) << ": restore of "
      << escape_for_terminal(g.summary.domain_controller) << "\n";
  out << "flowchart TD\n";
  if (!order) {
    out << "  %% " << escape_for_terminal(order.status().message()) << "\n";
    return out.str();
  }
  // Node ids are s1, s2... by position: step ids contain dots, and "end" is a keyword.
  std::vector<std::string> node_of(g.steps().size());
  for (std::size_t i = 0; i < order->size(); ++i) node_of[*g.index_of((*order)[i]->id)] = "s" + std::to_string(i + 1);
  for (std::size_t i = 0; i < order->size(); ++i) {
    const Step& s = *(*order)[i];
    std::vector<std::string> lines = label_lines(s, i + 1);
    std::string label = mermaid_label(lines.front());
    for (std::size_t l = 1; l < lines.size(); ++l) {
      label = label.substr(0, label.size() - 1) + "<br/>" + mermaid_label(lines[l]).substr(1);
    }
    out << "  s" << (i + 1) << "[" << label << "]\n";
  }
  for (const Edge& e : g.edges()) {
    const std::string& from = node_of[*g.index_of(e.from)];
    const std::string& to = node_of[*g.index_of(e.to)];
    const Step* ts = g.find(e.to);
    if (e.kind == EdgeKind::guard) {
      out << "  " << from << " -.->|finally| " << to << "\n";
    } else if (ts && ts->phase == Phase::post_restart) {
      out << "  " << from << " ==>|after the restart| " << to << "\n";
    } else {
      out << "  " << from << " --> " << to << "\n";
    }
  }
  out << "  classDef readonly fill:#e3f2e1,stroke:#2e7d32\n";
  out << "  classDef changing fill:#fde0dc,stroke:#c62828\n";
  out << "  classDef finaliser fill:#fff4c2,stroke:#f9a825,stroke-width:2px\n";
  out << "  classDef hook fill:#e3ecfa,stroke:#1565c0,stroke-dasharray:4 3\n";
  for (const char* cls : {"readonly", "changing", "finaliser", "hook"}) {
    std::vector<std::string> members;
    for (std::size_t i = 0; i < order->size(); ++i) {
      if (std::string(style_class(*(*order)[i])) == cls) members.push_back("s" + std::to_string(i + 1));
    }
    if (!members.empty()) out << "  class " << join(members, ",") << " " << cls << "\n";
  }
  return out.str();
}

}  // namespace adrestore::graph
