#include "cli/find_files.h"

#include <algorithm>
#include <filesystem>

namespace adrestore::cli {

namespace fs = std::filesystem;

Result<std::vector<std::string>> find_files(const std::vector<std::string>& inputs,
                                            const std::function<bool(const std::string& name)>& wanted,
                                            const std::string& what) {
  std::vector<std::string> out;
  for (const std::string& in : inputs) {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(in, ec);
    if (ec || !fs::is_directory(st)) {
      out.push_back(in);  // a missing or odd path is reported by the loader
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(in, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& p = it->path();
      const std::string name = p.filename().string();
      std::error_code type_ec;  // an entry that vanished or cannot be examined is simply not wanted
      if (it->is_directory(type_ec) && !name.empty() && name[0] == '.') {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(type_ec) && !it->is_symlink(type_ec) && wanted(name)) found.push_back(p.generic_string());
      if (found.size() > k_max_found_files) {
        return Status::error(Code::usage, "more than " + std::to_string(k_max_found_files) + " " + what + " under " + in +
                                              "; is this the right folder? Name its subfolders one at a time");
      }
    }
    if (ec) return Status::error(Code::io, "cannot walk " + in + ": " + ec.message());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace adrestore::cli
