// adrestore plan PLAN : validate, compile and print the step graph. Changes nothing.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "backup/manifest.h"
#include "base/text.h"
#include "cli/app.h"
#include "cli/exit_codes.h"
#include "cli/plan_preview.h"
#include "cli/report.h"
#include "graph/compile.h"
#include "graph/invariants.h"
#include "graph/render.h"
#include "plan/validate.h"

namespace adrestore::cli {

// Reads the plan's backup manifest through the chosen API backend and world, so that the
// preview can list files, sizes and destinations. Returns nullopt when the backup set cannot
// be reached; the preview then says so.
// TODO(integrator): read <backup source>\<manifest> through host::Disks (SimDisks for
// --api sim with --world / $ADRESTORE_SIM_WORLD) and backup::parse_manifest, and list the
// destination directories that are already known for PreviewInputs::existing.
std::optional<backup::Manifest> load_manifest_for_preview(const plan::Plan& plan, const std::string& api,
                                                          const std::string& world) {
  (void)plan;
  (void)api;
  (void)world;
  return std::nullopt;
}

void add_plan_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::string path;
    std::string format = "text";
    std::string api;
    std::string world;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("plan", "Validate a restore plan, compile it and print the steps it would run");
  cmd->add_option("plan", opt->path, "The restore plan file")->required();
  cmd->add_option("--format", opt->format, "Output: text, json (doc/plan-json.md), dot (Graphviz) or mermaid")
      ->check(CLI::IsMember({"text", "json", "dot", "mermaid"}));
  cmd->add_option("--api", opt->api, "Backend used to reach the backup set: sim or win32")
      ->check(CLI::IsMember({"sim", "win32"}));
  cmd->add_option("--world", opt->world, "Simulated world directory for --api sim (default: $ADRESTORE_SIM_WORLD)");
  cmd->footer(
      "Examples:\n"
      "  adrestore plan plans/dc02-hooks.yaml\n"
      "  adrestore plan --format json plans/dc02-hooks.yaml > dc02.plan.json\n"
      "  adrestore plan --format dot plans/dc02-hooks.yaml | dot -Tsvg > dc02.svg\n"
      "  adrestore plan --format mermaid plans/dc02-hooks.yaml  (paste into a ```mermaid block)\n"
      "Nothing is changed. Exit codes: 0 printed, 1 the plan is invalid, 2 the file is unreadable or not YAML.");
  cmd->callback([opt, &global, &exit_code] {
    plan::PlanLoad load = plan::load_plan_file(opt->path);
    if (!load.plan) {
      FileReport r;
      r.file = opt->path;
      r.kind = "RestorePlan";
      r.unreadable = load.failure == plan::LoadFailure::unreadable || load.failure == plan::LoadFailure::not_yaml;
      r.diags = std::move(load.diags);
      write_text_report(std::cerr, {r}, global.use_color(2));
      exit_code = r.unreadable ? k_exit_usage : k_exit_invalid;
      return;
    }
    Result<graph::StepGraph> g = graph::compile(*load.plan);
    if (!g) throw Fatal{g.status()};
    if (std::vector<std::string> bad = graph::check_invariants(*g, *load.plan); !bad.empty()) {
      throw Fatal{Status::error(Code::internal, "the compiled step graph breaks the mandated order (a bug in "
                                                "adrestore; please report it): " + join(bad, "; "))};
    }
    std::string world = opt->world;
    if (world.empty()) {
      if (const char* env = std::getenv("ADRESTORE_SIM_WORLD")) world = env;
    }
    const std::optional<backup::Manifest> manifest = load_manifest_for_preview(*load.plan, opt->api, world);
    graph::PreviewInputs inputs;
    inputs.manifest = manifest ? &*manifest : nullptr;
    if (opt->format == "json") {
      std::cout << graph::render_json(*g, inputs);
    } else if (opt->format == "dot") {
      std::cout << graph::render_dot(*g);
    } else if (opt->format == "mermaid") {
      std::cout << graph::render_mermaid(*g);
    } else {
      std::cout << graph::render_text(*g, inputs);
    }
    exit_code = k_exit_ok;
  });
}

}  // namespace adrestore::cli
