#include "cli/backend.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>

#include "base/text.h"
#include "platform/fs.h"
#include "sim/backend.h"
#include "sim/crash_points.h"
#include "sim/sim_disks.h"

#ifdef _WIN32
#include "host/win32_host.h"
#include "ntds/api_win32.h"
#endif

namespace adrestore::cli {

std::string default_api() {
#ifdef _WIN32
  return "win32";
#else
  return "sim";
#endif
}

std::string named_world(const std::string& world) {
  if (!world.empty()) return world;
  const char* env = std::getenv("ADRESTORE_SIM_WORLD");
  return env ? env : "";
}

namespace {

bool world_named(const std::string& world) { return !named_world(world).empty(); }

}  // namespace

std::string effective_api(const std::string& api, const std::string& world) {
  if (!api.empty()) return api;
  return world_named(world) ? "sim" : default_api();
}

void add_backend_options(CLI::App* cmd, BackendOptions& options) {
  cmd->add_option("--api", options.api,
                  "Backend: sim (a simulated DC) or win32 (the real ntdsbcli.dll); default " + default_api())
      ->check(CLI::IsMember({"sim", "win32"}));
  cmd->add_option("--world", options.world,
                  "With --api sim: the simulated world directory (default: $ADRESTORE_SIM_WORLD)");
}

#ifdef _WIN32
namespace {

// --api win32 without a world: the real DC (ntdsbcli.dll, this machine, its volumes).
Backend real_dc_backend(ntds::Win32ApiLoad load) {
  Backend b;
  b.api_name = "win32";
  b.api = std::move(load.api);
  b.host = host::make_win32_host(platform::system_process_runner());
  b.disks = host::make_native_disks();
  b.faults = std::make_unique<exec::NoFaults>();
  const char* path = std::getenv("PATH");
  b.resolve_program = exec::disks_program_resolver(*b.disks, path ? path : "");
  return b;
}

}  // namespace
#endif

Result<Backend> open_backend(const BackendOptions& options) {
  Backend b;
  b.api_name = effective_api(options.api, options.world);
  std::unique_ptr<ntds::Api> win32_api;
  if (b.api_name == "win32") {
#ifdef _WIN32
    auto load = ntds::load_win32_api();
    if (!load) return load.status();
    if (!world_named(options.world)) return real_dc_backend(std::move(*load));
    // --api win32 with a world: a rehearsal through the DLL ABI, for tests. The stand-in
    // ntdsbcli.dll serves the world's simulated DC; host facts and disks come from the same
    // world. The real DLL talks to this machine, so mixing it with a world is refused.
    if (!load->test_override) {
      return Status::error(Code::usage, "--api win32 with a simulated world needs the stand-in ntdsbcli.dll (" +
                                            std::string(ntds::k_ntdsbcli_dll_env) +
                                            ", test builds only); on a domain controller, leave out --world");
    }
    win32_api = std::move(load->api);
#else
    return Status::error(Code::usage,
                         "--api win32 needs the Windows build of adrestore (doc/windows.md); use --api sim to rehearse");
#endif
  }
  const std::string world = named_world(options.world);
  if (world.empty()) {
    return Status::error(Code::usage, "no simulated world given: pass --world DIR or set ADRESTORE_SIM_WORLD "
                                      "(make one with 'adrestore sim init DIR')");
  }
  auto sim = sim::open_sim_backend(world);
  if (!sim) return sim.status();
  b.world = sim->world;
  b.world_dir = std::filesystem::absolute(b.world->dir()).lexically_normal().string();
  if (win32_api) {
    b.api = std::move(win32_api);
  } else {
    b.api = std::move(sim->api);
  }
  b.host = std::move(sim->host);
  b.faults = std::make_unique<sim::CrashPoints>(b.world);
  const char* path = std::getenv("PATH");
  b.resolve_program = exec::disks_program_resolver(*sim->disks, path ? path : "");
  b.disks = std::move(sim->disks);
  return b;
}

Result<SetReach> reach_backup_sets(const std::string& api, const std::string& given) {
  SetReach r;
  const std::string world = named_world(given);
  if (api != "sim") {
#ifdef _WIN32
    if (world.empty()) {  // on the DC: its own volumes (with a world: the stand-in rehearsal)
      r.disks = host::make_native_disks();
      r.access.disks = r.disks.get();
      r.access.where = "this machine's volumes";
      return r;
    }
#else
    r.access.unreachable_reason = "the win32 backend cannot reach Windows volumes from this build";
    return r;
#endif
  }
  if (world.empty()) {
    r.access.unreachable_reason = "no --world given";
    return r;
  }
  auto info = platform::stat_nofollow(world);
  if (!info || info->type != platform::FileType::directory) {
    return Status::error(Code::usage, "the world " + world + " is not a directory");
  }
  r.disks = std::make_unique<sim::SimDisks>(world);
  r.access.disks = r.disks.get();
  r.access.where = "the world " + world;
  return r;
}

Status check_state_dir(const std::string& state_dir, const plan::Plan& plan, const Backend& backend) {
  if (backend.world_dir.empty()) return Status::ok();
  // With the simulator: is the state directory inside the world's disks, and where?
  namespace fs = std::filesystem;
  const fs::path state = fs::absolute(state_dir).lexically_normal();
  const fs::path disks = fs::path(backend.world_dir) / "fs";
  const fs::path rel = state.lexically_relative(disks);
  if (rel.empty() || *rel.begin() == fs::path("..")) return Status::ok();
  std::vector<std::string> parts;
  for (const auto& p : rel) parts.push_back(p.u8string());  // u8: Windows paths are UTF-16
  if (parts.empty()) return Status::ok();
  std::string win;
  if (parts[0] == "UNC" && parts.size() >= 3) {
    win = "\\\\" + parts[1] + "\\" + parts[2];
    for (std::size_t i = 3; i < parts.size(); ++i) win += "\\" + parts[i];
  } else if (parts[0].size() == 1) {
    win = parts[0] + ":";
    for (std::size_t i = 1; i < parts.size(); ++i) win += "\\" + parts[i];
    if (parts.size() == 1) win += "\\";
  } else {
    return Status::ok();
  }
  auto wp = WinPath::parse(win);
  if (!wp) return Status::ok();
  auto refuse = [&](const std::string& what, const WinPath& where) {
    return Status::error(Code::usage, "the state directory " + state_dir + " (" + wp->str() + " on the DC) lies inside " +
                                          what + " " + where.str() + "; put it elsewhere with --state");
  };
  if (wp->equals_or_inside(plan.backup_source.value)) return refuse("the backup source", plan.backup_source.value);
  for (const auto* d : {&plan.dest_database, &plan.dest_logs, &plan.dest_checkpoint}) {
    if (*d && wp->equals_or_inside((*d)->value)) return refuse("the destination", (*d)->value);
  }
  return Status::ok();
}

}  // namespace adrestore::cli
