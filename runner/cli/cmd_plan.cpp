// adrestore plan PLAN : validate, compile and print the step graph, or a forest recovery
// plan's waves and steps. Changes nothing.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "backup/manifest.h"
#include "backup/verify.h"
#include "base/text.h"
#include "cli/app.h"
#include "cli/backend.h"
#include "cli/exit_codes.h"
#include "cli/plan_preview.h"
#include "cli/report.h"
#include "forest/compile.h"
#include "forest/load.h"
#include "forest/render.h"
#include "graph/compile.h"
#include "graph/invariants.h"
#include "graph/render.h"
#include "placement/preview.h"
#include "plan/validate.h"

namespace adrestore::cli {

PreviewData load_preview_data(const plan::Plan& plan, const std::string& api, const std::string& world) {
  PreviewData out;
  auto reach = reach_backup_sets(api, world);
  if (!reach) {
    out.unreachable = reach.status().message();
    return out;
  }
  if (!reach->access.disks) {
    out.unreachable = reach->access.unreachable_reason;
    return out;
  }
  host::Disks* disks = reach->access.disks;
  backup::ManifestRead read = backup::read_set_manifest(*disks, plan.backup_source.value, plan.manifest_name);
  if (read.state != backup::ManifestRead::State::ok || !read.manifest) {
    out.unreachable = read.message.empty() ? "the manifest could not be read" : read.message;
    return out;
  }
  out.manifest = std::move(read.manifest);
  // The directories known before the run (overrides, or original locations); the others are
  // reported by the DC at run time and listed then.
  auto res = placement::resolve_destinations(*out.manifest, placement::ReportedLocations::pending(),
                                         graph::destination_policy(plan));
  if (res) {
    for (const WinPath& dir : res->directories) {
      auto names = disks->list(dir);
      if (!names) continue;
      placement::DirListing listing{dir, {}};
      for (const std::string& n : *names) {
        auto info = disks->stat(dir.child(n));
        if (info && info->type != platform::FileType::directory) listing.names.push_back(n);
      }
      out.existing.push_back(std::move(listing));
    }
  }
  return out;
}

namespace {

// A forest recovery plan: its waves, steps, barrier and what is left for the operator.
int preview_forest(const std::string& path, const std::string& format, bool color) {
  forest::ForestLoad load = forest::load_forest_file(path);
  if (!load.plan) {
    std::vector<FileReport> reports;
    FileReport r;
    r.file = path;
    r.kind = "ForestRecoveryPlan";
    r.unreadable = load.failure == input::LoadFailure::unreadable || load.failure == input::LoadFailure::not_yaml;
    r.diags = std::move(load.diags);
    reports.push_back(std::move(r));
    for (forest::ReferencedPlan& ref : load.referenced) {
      if (!ref.load.diags.has_errors()) continue;
      reports.push_back({ref.path, "RestorePlan", std::move(ref.load.diags), false});
    }
    write_text_report(std::cerr, reports, color);
    return reports.front().unreadable ? k_exit_usage : k_exit_invalid;
  }
  const forest::CompiledForest compiled = forest::compile(*load.plan);
  if (format == "json") {
    std::cout << forest::render_json(compiled).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else if (format == "dot") {
    std::cout << forest::render_dot(compiled);
  } else if (format == "mermaid") {
    std::cout << forest::render_mermaid(compiled);
  } else {
    std::cout << forest::render_text(compiled);
  }
  return k_exit_ok;
}

}  // namespace

void add_plan_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::string path;
    std::string format = "text";
    BackendOptions backend;  // to reach the backup set for the preview
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("plan", "Validate a restore plan (or a forest recovery plan), compile it and print the steps it would run");
  cmd->add_option("plan", opt->path, "The restore plan file, or a forest recovery plan (doc/forest.md)")->required();
  cmd->add_option("--format", opt->format, "Output: text, json (doc/plan-json.md), dot (Graphviz) or mermaid")
      ->check(CLI::IsMember({"text", "json", "dot", "mermaid"}));
  add_backend_options(cmd, opt->backend);
  cmd->footer(
      "Examples:\n"
      "  adrestore plan plans/dc02-hooks.yaml\n"
      "  adrestore plan --format json plans/dc02-hooks.yaml > dc02.plan.json\n"
      "  adrestore plan --format dot plans/dc02-hooks.yaml | dot -Tsvg > dc02.svg\n"
      "  adrestore plan --format mermaid plans/dc02-hooks.yaml  (paste into a ```mermaid block)\n"
      "  adrestore plan --format json plans/forest/corp-forest.yaml  (waves and steps of a forest recovery)\n"
      "Nothing is changed. Exit codes: 0 printed, 1 the plan is invalid, 2 the file is unreadable or not YAML.");
  cmd->callback([opt, &global, &exit_code] {
    if (forest::document_kind(opt->path) == forest::k_forest_kind) {
      exit_code = preview_forest(opt->path, opt->format, global.use_color(2));
      return;
    }
    plan::PlanLoad load = plan::load_plan_file(opt->path);
    if (!load.plan) {
      FileReport r;
      r.file = opt->path;
      r.kind = "RestorePlan";
      r.unreadable = load.failure == input::LoadFailure::unreadable || load.failure == input::LoadFailure::not_yaml;
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
    const PreviewData data = load_preview_data(*load.plan, opt->backend.api, opt->backend.world);
    placement::PreviewInputs inputs;
    inputs.manifest = data.manifest ? &*data.manifest : nullptr;
    inputs.existing = data.existing;
    if (opt->format == "json") {
      std::cout << placement::render_json(*g, inputs);
    } else if (opt->format == "dot") {
      std::cout << graph::render_dot(*g);
    } else if (opt->format == "mermaid") {
      std::cout << graph::render_mermaid(*g);
    } else {
      std::cout << placement::render_text(*g, inputs);
    }
    exit_code = k_exit_ok;
  });
}

}  // namespace adrestore::cli
