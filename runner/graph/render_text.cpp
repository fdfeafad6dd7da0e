// `adrestore plan` text output, its head: the plan and a numbered list of the steps in
// execution order (placement/render_text.cpp adds the destinations and files).
#include <algorithm>
#include <sstream>

#include "base/duration.h"
#include "base/text.h"
#include "graph/render.h"
#include "graph/render_util.h"

namespace adrestore::graph {
namespace {

using detail::pad;
using detail::pad_left;

// Every value that came from a plan, manifest or listing is escaped before it reaches a terminal.
std::string esc(const std::string& s) { return escape_for_terminal(s); }

void write_hook(std::ostream& out, const HookInputs& h, const std::string& indent) {
  out << indent << "run: " << esc(quote_argv(h.argv)) << "\n";
  out << indent << "timeout " << format_duration(h.timeout_seconds) << ", onError " << plan::to_string(h.on_error);
  if (h.phase == plan::HookPhase::post) out << ", when " << plan::to_string(h.when);
  out << ", idempotent " << (h.idempotent ? "yes" : "no") << "\n";
  if (!h.env.empty()) {
    std::vector<std::string> env;
    for (const auto& [k, v] : h.env) env.push_back(k + "=" + v);
    out << indent << "env: " << esc(join(env, ", ")) << "\n";
  }
  if (h.working_dir) out << indent << "workingDir: " << esc(h.working_dir->str()) << "\n";
}

// One line when it fits; else one argument per line, so long calls stay readable.
void write_call(std::ostream& out, const ApiCall& call, const std::string& indent) {
  const std::string one_line = detail::api_text(call);
  if (one_line.size() + indent.size() + 6 <= 110) {
    out << indent << "call: " << esc(one_line) << "\n";
    return;
  }
  out << indent << "call: " << esc(call.function) << "(\n";
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    const Arg& a = call.args[i];
    out << indent << "        " << esc(a.name) << "=" << esc(a.known ? a.value : "<" + a.value + ">")
        << (i + 1 < call.args.size() ? ",\n" : ")\n");
  }
}

void write_steps(std::ostream& out, const std::vector<const Step*>& order) {
  std::size_t width = 0;
  for (const Step* s : order) width = std::max(width, s->id.size());
  out << "Steps, in the order they run:\n";
  bool post_restart = false;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Step& s = *order[i];
    if (s.phase == Phase::post_restart && !post_restart) {
      out << "After the restart, when `adrestore resume` continues the run:\n";
      post_restart = true;
    }
    out << pad_left(std::to_string(i + 1), 3) << ". " << pad(esc(s.id), width) << "  [step " << s.number << ", "
        << detail::class_text(s) << "]\n";
    const std::string indent = "      ";
    if (!s.is_hook()) out << indent << s.action << "\n";
    if (s.api) write_call(out, *s.api, indent);
    for (const auto& [k, v] : s.inputs) out << indent << k << ": " << esc(v) << "\n";
    if (s.hook) write_hook(out, *s.hook, indent);
  }
}

}  // namespace

std::string render_text(const StepGraph& g) {
  std::ostringstream out;
  const PlanSummary& sum = g.summary;
  out << "Restore plan " << esc(sum.name) << " for " << esc(sum.domain_controller) << " (" << esc(sum.file) << ")\n";
  if (!sum.description.empty()) out << "  " << esc(sum.description) << "\n";
  out << "  backup set: " << esc(sum.backup_source.str()) << ", manifest " << esc(sum.manifest_name) << ", maxAge "
      << format_duration(sum.max_age_seconds) << "\n";
  out << "This is a preview: nothing has been changed.\n\n";
  Result<std::vector<const Step*>> order = g.execution_order();
  if (!order) {
    out << "The step graph is broken: " << order.status().message() << "\n";
    return out.str();
  }
  write_steps(out, *order);
  return out.str();
}

std::string quote_argv(const std::vector<std::string>& argv) {
  std::vector<std::string> parts;
  for (const std::string& a : argv) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("''") : std::string(1, c);
    parts.push_back(q + "'");
  }
  return "[" + join(parts, ", ") + "]";
}

}  // namespace adrestore::graph
