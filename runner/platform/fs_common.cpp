// The parts of platform/fs.h that need nothing but File, shared by fs_posix.cpp and fs_win32.cpp.
#include "platform/fs.h"

#include <random>

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

Status write_file_durable(const std::string& path, const std::string& data) {
  // On any failure the temporary file is removed best-effort: the error that counts is the
  // write's or the rename's, and a leftover .tmp-N file is harmless.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::string tmp = path + ".tmp-" + std::to_string(rng() % 1000000000ULL);
  {
    auto f = File::open(tmp, File::Mode::write_new);
    if (!f) return f.status();
    Status s = (*f)->write_all(data.data(), data.size());
    if (s) s = (*f)->sync();
    if (s) s = (*f)->close();
    if (!s) {
      f->reset();  // Windows cannot remove a file that is still open
      (void)remove_file(tmp);
      return s;
    }
  }
  Status s = rename_durable(tmp, path);
  if (!s) (void)remove_file(tmp);
  return s;
}

}  // namespace adrestore::platform
