#include <unistd.h>

#include <cerrno>

#include "platform/remove_tree.h"

namespace adrestore::platform {

Status remove_empty_dir(const std::string& path) {
  if (::rmdir(path.c_str()) != 0) return errno_status("cannot remove the directory", path, errno);
  return Status::ok();
}

}  // namespace adrestore::platform
