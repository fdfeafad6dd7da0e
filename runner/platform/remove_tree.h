// Removing a folder adrestore made itself, with everything in it (the scratch folder of
// `adrestore drill`). Files and links go through the FileSystem seam; the emptied
// directories through the OS (remove_empty_dir): the seam has no directory removal, and an
// empty directory holds nothing to make durable.
#pragma once

#include <string>

#include "platform/fs.h"

namespace adrestore::platform {

// An empty directory (rmdir; RemoveDirectoryW).
Status remove_empty_dir(const std::string& path);

// Removes `path` and everything under it; never follows a link (a link is removed, not what
// it points to). At most 64 levels deep. A missing `path` is fine.
Status remove_tree(FileSystem& fs, const std::string& path);

}  // namespace adrestore::platform
