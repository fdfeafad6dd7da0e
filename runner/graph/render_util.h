// Phrases shared by the text and json renderers, so both say the same thing the same way;
// placement's preview sections (placement/render_util.h) use them too.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/winpath.h"
#include "graph/step.h"

namespace adrestore::graph::detail {

// DsRestorePrepare(server=DC01, rtFlag=RESTORE_TYPE_CATCHUP, expiryToken=<from the backup manifest>)
std::string api_text(const ApiCall& call);
// "read-only", "finaliser: runs whenever restore.prepare succeeded in this process", ...
std::string class_text(const Step& step);
// Text columns: `s` padded with spaces on the right, or on the left.
std::string pad(const std::string& s, std::size_t width);
std::string pad_left(const std::string& s, std::size_t width);
// A path, or null.
nlohmann::ordered_json json_path(const std::optional<WinPath>& p);

}  // namespace adrestore::graph::detail
