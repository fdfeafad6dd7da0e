// The parts of platform/fs.h that need nothing but File, shared by fs_posix.cpp and fs_win32.cpp.
#include "platform/fs.h"

namespace adrestore::platform {

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  auto f = File::open(path, File::Mode::read);
  if (!f) return f.status();
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = (*f)->read(buf, sizeof buf);
    if (!n) return n.status();
    if (*n == 0) break;
    if (out.size() + *n > max_bytes) {
      return Status::error(Code::invalid_input, path + " is larger than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, *n);
  }
  return out;
}

}  // namespace adrestore::platform
