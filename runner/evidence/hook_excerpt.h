// A hook's evidence for the report: its journaled result and the head and tail of its output
// log. The log is the hook's own output, so it is hostile: read through a capped window,
// never whole, and carried as sanitized text.
#pragma once

#include <cstdint>
#include <string>

#include "evidence/report_model.h"

namespace adrestore::evidence {

Hook read_hook(const exec::HookRecord& rec, std::int64_t time_ms, platform::FileSystem& fs);

}  // namespace adrestore::evidence
