#include "platform/remove_tree.h"

namespace adrestore::platform {
namespace {

Status remove_tree_at(FileSystem& fs, const std::string& path, int depth) {
  auto info = fs.stat(path);
  if (!info) return info.status();
  if (info->type == FileType::missing) return Status::ok();
  if (info->type != FileType::directory) return fs.remove(path);  // a file or a link: never followed
  if (depth >= 64) return Status::error(Code::io, "cannot remove " + path + ": nested deeper than 64 levels");
  auto names = fs.list(path);
  if (!names) return names.status();
  for (const std::string& name : *names) {
    if (Status s = remove_tree_at(fs, join_path(path, name), depth + 1); !s) return s;
  }
  return remove_empty_dir(path);
}

}  // namespace

Status remove_tree(FileSystem& fs, const std::string& path) { return remove_tree_at(fs, path, 0); }

}  // namespace adrestore::platform
