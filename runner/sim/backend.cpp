#include "sim/backend.h"

#include <cctype>
#include <cstdlib>

namespace adrestore::sim {

Result<SimBackend> open_sim_backend(const std::string& world_dir, platform::FileSystem& fs) {
  std::string dir = world_dir;
  if (dir.empty()) {
    const char* env = std::getenv("ADRESTORE_SIM_WORLD");
    if (env) dir = env;
  }
  if (dir.empty()) {
    return Status::error(Code::usage, "no simulated world given: pass --world DIR or set ADRESTORE_SIM_WORLD "
                                      "(make one with 'adrestore sim init DIR')");
  }
  auto world = World::open(dir, fs);
  if (!world) return world.status();
  SimBackend b;
  b.world = *world;
  b.api = std::make_unique<SimApi>(b.world);
  b.host = std::make_unique<SimHost>(b.world);
  b.disks = std::make_unique<host::SimDisks>(dir, fs);
  b.world->attach_disk_faults(*b.disks);
  return b;
}

Result<std::string> world_or_host_path(World& world, const std::string& path) {
  const bool windows_form = (path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':') ||
                            (path.size() >= 2 && path[0] == '\\' && path[1] == '\\');
  if (!windows_form) return path;
  auto wp = WinPath::parse(path);
  if (!wp) return wp.status();
  return world.disks().host_path(*wp);
}

}  // namespace adrestore::sim
