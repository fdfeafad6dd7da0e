#include "platform/win32_api.h"  // <windows.h>: RemoveDirectoryW

#include "platform/remove_tree.h"
#include "platform/win32.h"

namespace adrestore::platform {

Status remove_empty_dir(const std::string& path) {
  auto wpath = win32::long_path(path, "cannot remove the directory");
  if (!wpath) return wpath.status();
  if (!::RemoveDirectoryW(wpath->c_str())) return win32::error_status("cannot remove the directory", path, ::GetLastError());
  return Status::ok();
}

}  // namespace adrestore::platform
