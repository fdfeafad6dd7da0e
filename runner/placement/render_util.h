// Phrases shared by the text and json previews of files and destinations.
#pragma once

#include <string>

#include "placement/destinations.h"

namespace adrestore::placement::detail {

// "E:\NTDS (override)", "C:\Windows\NTDS (reported)", "reported by the DC at run time"...
std::string role_dir_text(const RoleDir& dir);
std::string placement_text(const FilePlacement& placement);
// What happens to existing files, and what happens when the locations call fails.
std::string existing_files_text(const DestinationPolicy& policy);
std::string locations_failure_text(const DestinationPolicy& policy);

}  // namespace adrestore::placement::detail
