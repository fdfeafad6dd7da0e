// The git revision of the checkout a plan file sits in, read from .git directly (no git
// binary, no shell): HEAD, a loose ref or packed-refs, and a worktree's gitdir/commondir.
#pragma once

#include <string>

#include "platform/fs.h"

namespace adrestore::evidence {

// The commit id (40 hex digits) of HEAD, or empty when the plan is not in a checkout or the
// repository cannot be read. Never an error: the revision is an optional fact of the report.
std::string git_revision_of(const std::string& plan_file, platform::FileSystem& fs);

}  // namespace adrestore::evidence
