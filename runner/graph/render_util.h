// Phrases shared by the text and json renderers, so both say the same thing the same way.
#pragma once

#include <string>

#include "graph/destinations.h"
#include "graph/step.h"

namespace adrestore::graph::detail {

// DsRestorePrepare(server=DC01, rtFlag=RESTORE_TYPE_CATCHUP, expiryToken=<from the backup manifest>)
std::string api_text(const ApiCall& call);
// "E:\NTDS (override)", "C:\Windows\NTDS (reported)", "reported by the DC at run time"...
std::string role_dir_text(const RoleDir& dir);
std::string placement_text(const FilePlacement& placement);
// What happens to existing files, and what happens when the locations call fails.
std::string existing_files_text(const DestinationPolicy& policy);
std::string locations_failure_text(const DestinationPolicy& policy);
// "database", "log", "patch", "checkpoint". (backup::to_string lives with the manifest
// parser, which this layer does not depend on.)
const char* kind_text(backup::FileKind kind);
// "read-only", "finaliser: runs whenever restore.prepare succeeded in this process", ...
std::string class_text(const Step& step);

}  // namespace adrestore::graph::detail
