// What `adrestore plan` reads beyond the plan file to preview files and destinations.
#pragma once

#include <optional>
#include <string>

#include "backup/manifest.h"
#include "plan/model.h"

namespace adrestore::cli {

// The plan's backup manifest, read through the chosen API backend (`api`: sim or win32;
// `world`: the simulated world directory), or nullopt when the backup set is unreachable.
std::optional<backup::Manifest> load_manifest_for_preview(const plan::Plan& plan, const std::string& api,
                                                          const std::string& world);

}  // namespace adrestore::cli
