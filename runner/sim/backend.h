// Everything a command needs to work against a simulated world: the world, the simulated
// API and host, and the world's disks with its diskFull faults attached.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "sim/sim_api.h"
#include "sim/sim_disks.h"
#include "sim/sim_host.h"
#include "sim/world.h"

namespace adrestore::sim {

struct SimBackend {
  std::shared_ptr<World> world;
  std::unique_ptr<SimApi> api;
  std::unique_ptr<SimHost> host;
  std::unique_ptr<SimDisks> disks;  // separate from world->disks(): this one carries the write gate
};

// Opens the world in `dir` (validating world.json). Which world is the caller's choice
// (cli/backend.h named_world). Everything in it works through `fs`.
Result<SimBackend> open_sim_backend(const std::string& dir, platform::FileSystem& fs = platform::system_fs());

// The host path behind `path` for a command: a Windows path (D:\Backups\DC01) is a path in
// the world; anything else is a host path, as given.
Result<std::string> world_or_host_path(World& world, const std::string& path);

}  // namespace adrestore::sim
