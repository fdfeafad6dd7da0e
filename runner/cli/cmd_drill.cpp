// adrestore drill PLAN: rehearse a restore plan with its real backup set, anywhere (no DSRM,
// no DC), and write its report with the measured and predicted recovery time (doc/drill.md).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "base/text.h"
#include "cli/app.h"
#include "cli/backend.h"
#include "cli/exit_codes.h"
#include "cli/prepare_plan.h"
#include "cli/run_output.h"
#include "drill/drill.h"
#include "evidence/report_html.h"
#include "platform/fs.h"
#include "platform/interrupt.h"
#include "sim/sim_disks.h"

namespace adrestore::cli {
namespace {

struct DrillCliOptions {
  std::string plan;
  std::string set;
  std::string world;
  std::string scratch;
  std::string hooks = "skip";
  bool keep = false;
  std::string out = ".";
  std::string events;
  std::string dc_throughput;
  std::string restart_time = "15m";
};

// The set's folder on this machine: --set; else the plan's source inside --world (a set made
// by adrestore backup --api sim); else, on Windows, the plan's source itself.
Result<std::string> set_folder(const DrillCliOptions& o, const plan::Plan& plan) {
  if (!o.set.empty()) return o.set;
  const std::string world = named_world(o.world);
  if (!world.empty()) return sim::SimDisks(world).host_path(plan.backup_source.value);
#ifdef _WIN32
  return plan.backup_source.value.str();
#else
  return Status::error(Code::usage, "name the backup set's folder with --set DIR (the plan's source " +
                                        plan.backup_source.value.str() + " is a Windows path), or a simulated world "
                                        "holding it with --world DIR");
#endif
}

std::string default_scratch() {
  std::error_code ec;
  const auto tmp = std::filesystem::temp_directory_path(ec);
  return ec ? std::string(".") : tmp.u8string();
}

int drill_command(const DrillCliOptions& o, const GlobalOptions& global) {
  int exit_code = k_exit_ok;
  std::string text;
  auto compiled = prepare_plan(o.plan, text, global, exit_code);
  if (!compiled) return exit_code;
  const plan::Plan& plan = compiled->first;
  auto usage = [](const std::string& msg) {
    std::cerr << "adrestore: error: " << escape_for_terminal(msg) << "\n";
    return k_exit_usage;
  };
  auto set = set_folder(o, plan);
  if (!set) return usage(set.status().message());
  drill::DrillOptions d;
  d.set_dir = *set;
  d.scratch_dir = o.scratch.empty() ? default_scratch() : o.scratch;
  d.plan_text = text;
  d.run_hooks = o.hooks == "run";
  d.keep = o.keep;
  const char* path = std::getenv("PATH");
  d.path_env = path ? path : "";
  if (!o.dc_throughput.empty()) {
    auto rate = parse_size(o.dc_throughput);
    if (!rate || *rate == 0) return usage("--dc-throughput " + o.dc_throughput + ": not a rate (use 200Mi for 200 MiB/s)");
    d.dc_bytes_per_second = static_cast<double>(*rate);
  }
  auto restart = parse_duration_seconds(o.restart_time);
  if (!restart) return usage("--restart-time " + o.restart_time + ": not a duration (use 90s, 15m or 1h)");
  d.restart_ms = *restart * 1000;

  RunOutput::Options ro;
  ro.terminal = platform::is_terminal(2);
  ro.color = global.use_color(2);
  ro.verbosity = global.verbosity;
  ro.events_path = o.events;
  RunOutput output(ro);
  if (!output.events_ok()) return usage("cannot open the events file " + o.events);
  // The report folder is made (or refused) now, not after a drill that may have taken an hour.
  if (Status s = platform::create_dirs(o.out); !s) {
    return usage("cannot create the report folder " + o.out + ": " + s.message() + "; nothing was run");
  }
  output.say("Drill of " + plan.name.value + " for " + plan.domain_controller.value + " with the backup set " + d.set_dir +
             ", restored into a simulated DC under " + d.scratch_dir + "; the real destinations are not touched.");
  output.say(d.run_hooks ? "Hooks: run (--hooks run)." : "Hooks: skipped (the default; --hooks run runs them).");

  drill::DrillEnv env{platform::system_fs(), output, platform::install_interrupt_flag()};
  const drill::DrillResult r = drill::run_drill(plan, compiled->second, d, env);
  if (!r.setup) {
    std::cerr << "adrestore: error: " << escape_for_terminal(r.setup.message()) << "\n";
    return r.setup.code() == Code::no_space ? k_exit_refused : exit_code_for(r.setup.code());
  }
  if (!r.cleanup) output.say("warning: the scratch folder " + r.drill_dir + " was not removed: " + r.cleanup.message());
  if (o.keep) output.say("State kept: " + r.state_dir + " ('adrestore report --state' reads it again).");
  if (!r.run.message.empty() && !output.saw_finish()) output.say(r.run.message);
  int code = run_exit_code(r.run.outcome);
  if (code == k_exit_ok && !r.bytes_ok) code = k_exit_failed;
  if (r.report) {
    const std::string base = platform::join_path(o.out, plan.name.value + "-drill");
    const std::string json =
        evidence::to_json(*r.report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    bool written = true;
    for (const auto& [file, body] : {std::make_pair(base + ".html", evidence::render_html(*r.report)),
                                     std::make_pair(base + ".json", json)}) {
      if (Status s = platform::write_file_durable(file, body); !s) {
        std::cerr << "adrestore: error: " << escape_for_terminal(s.message()) << "\n";
        written = false;
        if (code == k_exit_ok) code = k_exit_usage;
      }
    }
    const evidence::Drill& f = *r.report->drill;
    for (const std::string& p : f.problems) output.say("error: " + p);
    std::string what;
    if (!f.problems.empty()) {
      what = std::to_string(f.problems.size()) + " problem(s) with the restored bytes";
    } else if (r.bytes_ok) {
      what = std::to_string(f.files_checked) + " restored file(s) equal the manifest (" + format_bytes(f.set_bytes) + ")";
    } else {
      what = "the run stopped" + (r.run.failed_step.empty() ? std::string() : " at " + r.run.failed_step) +
             ", so no restored bytes were checked";
    }
    std::cout << "Drill " << (code == k_exit_ok ? "succeeded" : "FAILED") << ": " << plan.name.value << ", " << what << "\n";
    if (code == k_exit_ok) {
      std::cout << "Predicted recovery time for " << plan.domain_controller.value << ": "
                << format_duration((f.predicted_ms + 999) / 1000) << "\n";
      for (const std::string& a : f.assumptions) std::cout << "  assumes " << a << "\n";
      std::cout << "  not included: " << join(f.not_included, "; ") << "\n";
    }
    if (written) std::cout << "Report: " << base << ".html and " << base << ".json\n";
  }
  return code;
}

}  // namespace

void add_drill_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<DrillCliOptions>();
  CLI::App* cmd = app.add_subcommand("drill", "Rehearse a restore plan with its real backup set on a simulated DC, "
                                              "and predict the recovery time");
  cmd->add_option("plan", o->plan, "The restore plan")->required();
  cmd->add_option("--set", o->set, "The backup set's folder on this machine (default: the plan's source on Windows)");
  cmd->add_option("--world", o->world, "Take the set from the plan's source inside this simulated world instead");
  cmd->add_option("--scratch", o->scratch, "Restore into a folder made under DIR, removed afterwards (default: " +
                                               default_scratch() + ")");
  cmd->add_option("--hooks", o->hooks, "skip (the default: hooks are journaled as skipped) or run")
      ->check(CLI::IsMember({"skip", "run"}));
  cmd->add_flag("--keep", o->keep, "Keep the drill's state folder (journal and logs); the restored bytes are removed anyway");
  cmd->add_option("--out", o->out, "Write the report as DIR/<plan>-drill.html and .json (default: .)");
  cmd->add_option("--events", o->events, "Append one JSON object per line per step event to FILE");
  cmd->add_option("--dc-throughput", o->dc_throughput,
                  "The DC's read/write rate per second, such as 200Mi, for the byte-bound steps' prediction "
                  "(default: as measured in the drill)");
  cmd->add_option("--restart-time", o->restart_time, "Predicted restart and AD DS start-up time (default 15m)");
  cmd->footer(
      "Examples:\n"
      "  adrestore drill plans/dc01.yaml --set /mnt/backups/DC01 --scratch /var/tmp\n"
      "  adrestore drill plans/dc01.yaml --world /tmp/dc01 --out reports --keep\n"
      "Nothing outside the scratch folder is written but the report: every Windows path of the plan\n"
      "resolves inside the simulated DC. The scratch folder must hold the set's size (checked first).\n"
      "Exit codes: 0 drilled and the restored bytes match, 3 the drill failed (the report says where),\n"
      "4 interrupted, 5 refused (no room in the scratch folder), 1 invalid plan, 2 usage.");
  cmd->callback([o, &global, &exit_code] { exit_code = drill_command(*o, global); });
}

}  // namespace adrestore::cli
