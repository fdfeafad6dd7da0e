// The backends a command talks to: the NTDS API, host facts, the DC's disks, crash points and
// hook program resolution. `--api sim` builds them on a simulated world; `--api win32` (the
// default on Windows) on the real machine.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "exec/executor.h"
#include "host/disks.h"
#include "host/host.h"
#include "ntds/api.h"
#include "placement/plan_check.h"
#include "plan/model.h"

namespace CLI {
class App;
}
namespace adrestore::sim {
class World;
}

namespace adrestore::cli {

struct BackendOptions {
  std::string api;    // "sim" or "win32"; empty: the platform's default
  std::string world;  // with sim: the world directory (default $ADRESTORE_SIM_WORLD)
};

struct Backend {
  std::string api_name;
  std::string world_dir;              // absolute, sim only
  std::shared_ptr<sim::World> world;  // sim only
  std::unique_ptr<ntds::Api> api;
  std::unique_ptr<host::Host> host;
  std::unique_ptr<host::Disks> disks;
  std::unique_ptr<exec::FaultPoints> faults;
  exec::ProgramResolver resolve_program;
};

std::string default_api();
// The world a command names: `world` (--world) when given, else $ADRESTORE_SIM_WORLD, else
// empty. The one place that reads the variable: only the CLI chooses backends.
std::string named_world(const std::string& world);
// The backend a command uses: `api` when given; else "sim" when a world is named (--world or
// $ADRESTORE_SIM_WORLD), since a world only means anything to the simulator; else the
// platform's default (win32 on Windows, sim elsewhere).
std::string effective_api(const std::string& api, const std::string& world);
// Adds --api and --world to a command.
void add_backend_options(CLI::App* cmd, BackendOptions& options);
Result<Backend> open_backend(const BackendOptions& options);

// How a command reaches backup sets: through the disks of the world `given` (default
// $ADRESTORE_SIM_WORLD) when there is one; with "win32" on Windows and no world, through this
// machine's volumes; otherwise (no world, or "win32" off Windows) not at all (access.disks
// is null and says why). A world that is not a directory is a usage error.
struct SetReach {
  std::unique_ptr<host::Disks> disks;
  placement::SetAccess access;  // access.disks points into `disks`
};
Result<SetReach> reach_backup_sets(const std::string& api, const std::string& given);

// step-graph.md: the state directory must not lie inside a destination or the backup source.
// Checked where the state directory is on the DC's disks (always on Windows; with the
// simulator, when it is inside the world's fs/).
Status check_state_dir(const std::string& state_dir, const plan::Plan& plan, const Backend& backend);

}  // namespace adrestore::cli
