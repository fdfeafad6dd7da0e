// `adrestore plan` text output: graph::render_text's steps, then the destinations, the
// backup files and what files.clear would do to existing files.
#include <algorithm>
#include <sstream>

#include "base/text.h"
#include "graph/render.h"
#include "graph/render_util.h"
#include "placement/preview.h"
#include "placement/render_util.h"

namespace adrestore::placement {
namespace {

using graph::detail::pad;
using graph::detail::pad_left;

// Every value that came from a plan, manifest or listing is escaped before it reaches a terminal.
std::string esc(const std::string& s) { return escape_for_terminal(s); }

void write_destinations(std::ostream& out, const graph::StepGraph& g, const FilesPreview& fp) {
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

void write_files(std::ostream& out, const graph::StepGraph& g, const FilesPreview& fp, const PreviewInputs& in) {
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
    out << "  " << pad(backup::to_string(f.kind), 10) << " " << pad_left(format_bytes(f.size), 10) << "  "
        << pad(esc(f.path), path_width) << "  -> ";
    if (fp.resolution) {
      out << esc(detail::placement_text(fp.resolution->files[i])) << "\n";
    } else {
      out << "unresolved\n";
    }
  }
}

void write_clear(std::ostream& out, const graph::StepGraph& g, const FilesPreview& fp) {
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
    if (!r->dir) out << "  " << to_string(r->role) << " directory: " << graph::k_reported_at_run_time << "\n";
  }
}

}  // namespace

std::string render_text(const graph::StepGraph& g, const PreviewInputs& in) {
  std::string head = graph::render_text(g);
  if (!g.execution_order()) return head;  // the head says why the graph is broken
  std::ostringstream out;
  FilesPreview fp;
  preview_files(g, in, fp);
  write_destinations(out, g, fp);
  write_files(out, g, fp, in);
  write_clear(out, g, fp);
  return head + out.str();
}

}  // namespace adrestore::placement
