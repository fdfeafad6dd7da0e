// The files and destinations part of `adrestore plan`: each backup file, its size and
// destination, and what files.clear would do, resolved as the run would (destinations.h).
// Renders the whole preview: graph/render.h's head, then these sections.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "graph/step_graph.h"
#include "placement/destinations.h"

namespace adrestore::placement {

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
void preview_files(const graph::StepGraph& graph, const PreviewInputs& inputs, FilesPreview& out);

std::string render_text(const graph::StepGraph& graph, const PreviewInputs& inputs = {});
std::string render_json(const graph::StepGraph& graph, const PreviewInputs& inputs = {});

}  // namespace adrestore::placement
