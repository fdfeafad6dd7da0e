// The normal build's stand-in for libFuzzer's main: feeds every file in the folders given (in
// name order; or files given directly) to LLVMFuzzerTestOneInput once. ctest runs it over each
// target's seed corpus and saved crash inputs, so a fixed finding stays fixed under gcc, ASan
// and UBSan too. A missing folder is skipped (a target may have no regressions yet).
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>

#include "platform/fs.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using namespace adrestore;

constexpr std::size_t k_max_input_bytes = 16u << 20;

bool replay(const std::string& file) {
  auto bytes = platform::read_file(file, k_max_input_bytes);
  if (!bytes) {
    std::cerr << "replay: " << bytes.status().message() << "\n";
    return false;
  }
  std::cerr << "replay: " << file << " (" << bytes->size() << " bytes)\n";
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto info = platform::stat_nofollow(arg);
    if (!info || info->type == platform::FileType::missing) continue;
    if (info->type != platform::FileType::directory) {
      ok = replay(arg) && ok;
      ++count;
      continue;
    }
    auto names = platform::list_dir(arg);
    if (!names) {
      std::cerr << "replay: " << names.status().message() << "\n";
      return 1;
    }
    for (const std::string& name : *names) {
      if (name.empty() || name[0] == '.') continue;  // .gitkeep and the like
      ok = replay(platform::join_path(arg, name)) && ok;
      ++count;
    }
  }
  std::cout << "replayed " << count << " inputs\n";
  return ok ? 0 : 1;
}
