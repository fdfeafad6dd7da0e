// `adrestore plan` text output: a numbered list of the steps in execution order, then the
// destinations, the backup files and what files.clear would do to existing files.
#include <algorithm>
#include <sstream>

#include "base/duration.h"
#include "base/text.h"
#include "graph/render.h"
#include "graph/render_util.h"

namespace adrestore::graph {
namespace {

// Every value that came from a plan, manifest or listing is escaped before it reaches a terminal.
std::string esc(const std::string& s) { return escape_for_terminal(s); }

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

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

void write_destinations(std::ostream& out, const StepGraph& g, const FilesPreview& fp) {
  const DestinationPolicy& p = g.summary.destinations;
  out << "\nDestinations:\n";
  if (!fp.resolution) {
    out << "  cannot be resolved: " << esc(fp.resolve_error.message()) << "\n";
  } else {
    for (const RoleDir* r : {&fp.resolution->database, &fp.resolution->logs, &fp.resolution->checkpoint}) {
      out << "  " << pad(std::string(to_string(r->role)) + ":", 12) << esc(detail::role_dir_text(*r)) << "\n";
    }
  }
  for (const OverrideDifference& d : fp.override_differences) {
    out << "  warning: " << esc(describe_override_difference(d, k_reported_at_backup_time)) << "\n";
  }
  out << "  if DsRestoreGetDatabaseLocations fails: " << esc(detail::locations_failure_text(p)) << "\n";
  out << "  existing files: " << esc(detail::existing_files_text(p)) << "\n";
}

void write_files(std::ostream& out, const StepGraph& g, const FilesPreview& fp, const PreviewInputs& in) {
  if (!in.manifest) {
    out << "\nBackup files: not read. Run `adrestore plan` where the backup set "
        << esc(g.summary.backup_source.str()) << " is reachable (--api/--world) to list each file, its size and its "
           "destination.\n";
    return;
  }
  const backup::Manifest& m = *in.manifest;
  std::uint64_t total = 0;
  for (const backup::ManifestFile& f : m.files) total += f.size;
  out << "\nBackup files: " << m.files.size() << (m.files.size() == 1 ? " file, " : " files, ") << format_bytes(total)
      << ", made on " << esc(m.dc) << " at " << esc(m.created_at) << ", log generations " << m.gen_low << ".."
      << m.gen_high << "\n";
  std::size_t path_width = 0;
  for (const backup::ManifestFile& f : m.files) path_width = std::max(path_width, esc(f.path).size());
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const backup::ManifestFile& f = m.files[i];
    out << "  " << pad(detail::kind_text(f.kind), 10) << " " << pad_left(format_bytes(f.size), 10) << "  "
        << pad(esc(f.path), path_width) << "  -> ";
    if (fp.resolution) {
      out << esc(detail::placement_text(fp.resolution->files[i])) << "\n";
    } else {
      out << "unresolved\n";
    }
  }
}

void write_clear(std::ostream& out, const StepGraph& g, const FilesPreview& fp) {
  if (!fp.resolution) return;
  const bool remove = g.summary.destinations.existing_files == plan::ExistingFiles::remove;
  out << "\nfiles.clear " << (remove ? "deletes" : "quarantines") << " every existing file in the destinations:\n";
  if (!fp.clear_error.is_ok()) out << "  cannot plan: " << esc(fp.clear_error.message()) << "\n";
  for (const ClearAction& a : fp.clear) {
    out << "  " << esc(a.file.str());
    if (a.quarantined_to) out << " -> " << esc(a.quarantined_to->str());
    out << "\n";
  }
  for (const WinPath& d : fp.unlisted_dirs) out << "  " << esc(d.str()) << ": its files are listed at run time\n";
  for (const RoleDir* r : {&fp.resolution->database, &fp.resolution->logs, &fp.resolution->checkpoint}) {
    if (!r->dir) out << "  " << to_string(r->role) << " directory: " << k_reported_at_run_time << "\n";
  }
}

}  // namespace

std::string render_text(const StepGraph& g, const PreviewInputs& in) {
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
  FilesPreview fp;
  preview_files(g, in, fp);
  write_destinations(out, g, fp);
  write_files(out, g, fp, in);
  write_clear(out, g, fp);
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
