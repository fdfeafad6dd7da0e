#include "sim/backend.h"

#include <cctype>

namespace adrestore::sim {

Result<SimBackend> open_sim_backend(const std::string& dir, platform::FileSystem& fs) {
  auto world = World::open(dir, fs);
  if (!world) return world.status();
  SimBackend b;
  b.world = *world;
  b.api = std::make_unique<SimApi>(b.world);
  b.host = std::make_unique<SimHost>(b.world);
  b.disks = std::make_unique<SimDisks>(dir, fs);
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
