// adrestore sim init DIR: creates a simulated domain controller (doc/simulator.md).
#include <CLI/CLI.hpp>
#include <iostream>

#include "base/text.h"
#include "cli/app.h"
#include "sim/sim_host.h"
#include "cli/exit_codes.h"
#include "sim/content.h"
#include "sim/world_init.h"

namespace adrestore::cli {

void add_sim_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::string dir;
    std::string dc;
    std::string database_size;
    std::string log_size;
    int logs = -1;
    std::string from;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* sim = app.add_subcommand("sim", "Simulated domain controllers for trying and testing restores");
  sim->require_subcommand(1);
  CLI::App* init = sim->add_subcommand("init", "Create a simulated DC (a world folder) with a database and logs");
  init->add_option("dir", opt->dir, "Folder of the new world (must not hold a world yet)")->required();
  init->add_option("--dc", opt->dc, "DC name, NetBIOS or DNS (default DC01)");
  init->add_option("--database-size", opt->database_size, "Size of ntds.dit, such as 64Mi or 2Gi (default 64Mi)");
  init->add_option("--logs", opt->logs, "Number of log files edb00001.log.. (default 3)")->check(CLI::Range(0, 4096));
  init->add_option("--log-size", opt->log_size, "Size of each log file (default 1Mi)");
  init->add_option("--from", opt->from, "YAML file with world overrides (keys in doc/simulator.md); flags win over it");
  init->footer(
      "The DC keeps ntds.dit, edb0000N.log and edb.chk under C:\\Windows\\NTDS (the world's fs/C/Windows/NTDS),\n"
      "AD DS is online (a backup needs that) and the machine is not in DSRM.\n"
      "Examples:\n"
      "  adrestore sim init /tmp/dc01 --dc DC01.corp.example.com --database-size 8Mi\n"
      "  adrestore backup --api sim --world /tmp/dc01 --out 'D:\\Backups\\DC01'\n"
      "  adrestore sim init /tmp/dc02 --from world.yaml");
  init->callback([opt, &global, &exit_code] {
    sim::WorldOptions o;
    if (!opt->from.empty()) {
      if (Status s = sim::load_world_overrides(opt->from, o); !s) {
        std::cerr << "adrestore: error: " << s.message() << "\n";
        exit_code = exit_code_for(s.code());
        return;
      }
    }
    if (!opt->dc.empty()) o.dc = opt->dc;
    for (auto [text, slot, flag] : {std::make_tuple(&opt->database_size, &o.database_size, "--database-size"),
                                    std::make_tuple(&opt->log_size, &o.log_size, "--log-size")}) {
      if (text->empty()) continue;
      auto size = parse_size(*text);
      if (!size) {
        std::cerr << "adrestore: error: " << flag << " " << escape_for_terminal(*text) << ": not a size (use 64Mi or 2Gi)\n";
        exit_code = k_exit_usage;
        return;
      }
      *slot = *size;
    }
    if (opt->logs >= 0) o.logs = static_cast<std::uint32_t>(opt->logs);
    auto world = sim::create_world(opt->dir, o);
    if (!world) {
      std::cerr << "adrestore: error: " << world.status().message() << "\n";
      exit_code = exit_code_for(world.status().code());
      return;
    }
    if (global.verbosity >= 0) {
      const sim::WorldState w = sim::initial_state(o);
      std::cout << "Created a simulated DC in " << opt->dir << ":\n"
                << "  DC " << w.dc << ", AD DS " << (w.ntds_online ? "online" : "offline") << ", "
                << (w.dsrm ? "in DSRM" : "not in DSRM") << "\n";
      if (o.create_database) {
        std::cout << "  " << w.ntds.database->str() << " (" << format_bytes(o.database_size) << ")\n";
        if (o.logs > 0) {
          std::cout << "  " << w.ntds.logs->child(sim::log_file_name(1)).str();
          if (o.logs > 1) std::cout << " .. " << sim::log_file_name(o.logs);
          std::cout << " (" << o.logs << " log" << (o.logs == 1 ? "" : "s") << ")\n";
        }
        std::cout << "  " << w.ntds.checkpoint->child("edb.chk").str() << "\n";
      }
      std::cout << "Next: adrestore backup --api sim --world " << opt->dir << " --out 'D:\\Backups\\" << w.machine_name().netbios
                << "'\n";
    }
    exit_code = k_exit_ok;
  });

  struct BootOptions {
    std::string dir;
    bool dsrm = false;
    bool normal = false;
  };
  auto bo = std::make_shared<BootOptions>();
  CLI::App* boot = sim->add_subcommand("boot", "Restart the simulated DC, into DSRM or into normal mode");
  boot->add_option("dir", bo->dir, "The world folder")->required();
  auto* dsrm_flag = boot->add_flag("--dsrm", bo->dsrm, "Into Directory Services Restore Mode (AD DS offline), as "
                                                         "'bcdedit /set safeboot dsrepair' and a restart do");
  auto* normal_flag = boot->add_flag("--normal", bo->normal, "Into normal mode: AD DS starts if the last restore "
                                                               "completed (as 'bcdedit /deletevalue safeboot' and a restart)");
  dsrm_flag->excludes(normal_flag);
  boot->footer("Example:\n  adrestore sim boot /tmp/dc01 --dsrm     before rehearsing a restore");
  boot->callback([bo, &exit_code] {
    if (bo->dsrm == bo->normal) {
      std::cerr << "adrestore: error: say --dsrm or --normal\n";
      exit_code = k_exit_usage;
      return;
    }
    auto world = sim::World::open(bo->dir);
    if (!world) {
      std::cerr << "adrestore: error: " << world.status().message() << "\n";
      exit_code = exit_code_for(world.status().code());
      return;
    }
    Status s = bo->dsrm ? sim::boot_into_dsrm(**world) : sim::SimHost(*world).restart_normal_mode();
    if (!s) {
      std::cerr << "adrestore: error: " << s.message() << "\n";
      exit_code = exit_code_for(s.code());
      return;
    }
    auto snap = (*world)->snapshot();
    if (snap) {
      std::cout << snap->dc << " restarted " << (snap->dsrm ? "into DSRM" : "into normal mode") << "; AD DS is "
                << (snap->ntds_online ? "online" : "offline") << "\n";
    }
    exit_code = k_exit_ok;
  });
}

}  // namespace adrestore::cli