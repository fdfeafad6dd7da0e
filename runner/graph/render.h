// The outputs of `adrestore plan`: text (for people), json (for tools; doc/plan-json.md),
// dot (Graphviz) and mermaid (Markdown-rendered flowcharts). Renderers only read the
// graph and the preview inputs; they never touch the DC or the disk.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "graph/destinations.h"
#include "graph/step_graph.h"

namespace adrestore::graph {

// What the preview knows beyond the plan. Everything is optional: without a manifest the
// preview lists steps and destination directories only.
struct PreviewInputs {
  const backup::Manifest* manifest = nullptr;  // the backup set's manifest, when reachable
  ReportedLocations locations;                 // default: DsRestoreGetDatabaseLocations not yet called
  std::vector<DirListing> existing;            // files now in destination directories
  std::string run_id = "<run-id>";             // placeholder in quarantine paths
};

// The files part of a preview, computed once and shared by the text and json renderers.
struct FilesPreview {
  FilesPreview() = default;
  FilesPreview(const FilesPreview&) = delete;  // `resolution` may point into `empty_manifest`
  FilesPreview& operator=(const FilesPreview&) = delete;

  backup::Manifest empty_manifest;  // resolved against when no manifest was given
  const backup::Manifest* manifest = nullptr;
  std::optional<Resolution> resolution;  // unset when resolve_destinations failed
  Status resolve_error;
  std::vector<ClearAction> clear;  // for the listed directories
  Status clear_error;
  std::vector<WinPath> unlisted_dirs;  // known destination directories with no listing given
  // Overrides that differ from the locations the DC reported at backup time (the
  // manifest's `locations`); empty without a manifest.
  std::vector<OverrideDifference> override_differences;
};
// How previews and validate qualify the manifest's locations.
inline constexpr const char* k_reported_at_backup_time = "at backup time (the backup set's manifest)";
// Fills `out` (not returned: its resolution points into out.empty_manifest).
void preview_files(const StepGraph& graph, const PreviewInputs& inputs, FilesPreview& out);

std::string render_text(const StepGraph& graph, const PreviewInputs& inputs = {});
std::string render_json(const StepGraph& graph, const PreviewInputs& inputs = {});
std::string render_dot(const StepGraph& graph);
std::string render_mermaid(const StepGraph& graph);

// Escaping, exposed for tests.
std::string dot_quote(const std::string& text);        // "..." with \" \\ \n escaped
std::string mermaid_label(const std::string& text);    // "..." with #quot; #lt; #gt; #35; #amp;
std::string quote_argv(const std::vector<std::string>& argv);  // ['C:\x.exe', 'a b'] YAML flow style

}  // namespace adrestore::graph
