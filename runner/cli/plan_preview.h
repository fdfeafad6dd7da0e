// What `adrestore plan` reads beyond the plan file to preview files and destinations.
#pragma once

#include <optional>
#include <string>

#include <vector>

#include "backup/manifest.h"
#include "placement/destinations.h"
#include "plan/model.h"

namespace adrestore::cli {

struct PreviewData {
  std::optional<backup::Manifest> manifest;  // nullopt when the backup set is unreachable
  std::string unreachable;                   // why, for the preview's note
  std::vector<placement::DirListing> existing;   // files now in the destination directories known before the run
};

// The plan's backup manifest and the files in the destinations, read through the chosen
// API backend (`api`: sim or win32; `world`: the simulated world directory).
PreviewData load_preview_data(const plan::Plan& plan, const std::string& api, const std::string& world);

}  // namespace adrestore::cli
