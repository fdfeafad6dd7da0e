// adrestore validate PATH... : schema and semantic checks of restore plans, and the hazard
// lint of forest recovery plans (with the RestorePlans they reference).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <set>
#include <fstream>
#include <iostream>

#include "base/text.h"
#include "cli/app.h"
#include "cli/backend.h"
#include "cli/exit_codes.h"
#include "cli/find_files.h"
#include "cli/report.h"
#include "forest/load.h"
#include "placement/plan_check.h"
#include "plan/validate.h"

namespace adrestore::cli {
namespace {

bool is_plan_file_name(const std::string& name) {
  const std::string lower = to_lower_ascii(name);
  if (ends_with(lower, ".test.yaml") || ends_with(lower, ".test.yml")) return false;  // plan tests: `adrestore test`
  return ends_with(lower, ".yaml") || ends_with(lower, ".yml");
}

}  // namespace

void add_validate_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::vector<std::string> paths;
    std::string format = "text";
    std::string junit;
    BackendOptions backend;  // to reach the backup sets; an empty api: effective_api() decides
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("validate", "Check restore plans and forest recovery plans against their schemas and rules");
  cmd->add_option("paths", opt->paths, "Plan files, or folders to search for *.yaml and *.yml")->required();
  cmd->add_option("--format", opt->format, "Output: text, json (one document) or github (workflow annotations)")
      ->check(CLI::IsMember({"text", "json", "github"}));
  cmd->add_option("--junit", opt->junit, "Also write a JUnit XML report to FILE (one test case per plan)");
  add_backend_options(cmd, opt->backend);
  cmd->footer(
      "Examples:\n"
      "  adrestore validate plans/dc01-minimal.yaml\n"
      "  adrestore validate --format github plans/\n"
      "  adrestore validate --format json --junit validate.xml plans/\n"
      "  adrestore validate --api sim --world /tmp/dc01 plans/dc01-corp.yaml   (also checks the backup set)\n"
      "  adrestore validate plans/forest/corp-forest.yaml   (a ForestRecoveryPlan and the plans it names)\n"
      "Exit codes: 0 all valid, 1 a plan is invalid, 2 a file is unreadable or not YAML.");
  cmd->callback([opt, &global, &exit_code] {
    const auto found = find_files(opt->paths, is_plan_file_name, "plan files");
    if (!found) {
      std::cerr << "adrestore: error: " << found.status().message() << "\n";
      exit_code = k_exit_usage;
      return;
    }
    const std::vector<std::string>& files = *found;
    if (files.empty()) {
      std::cerr << "adrestore: error: no *.yaml or *.yml files found under " << join(opt->paths, ", ") << "\n";
      exit_code = k_exit_usage;
      return;
    }
    auto reach = reach_backup_sets(effective_api(opt->backend.api, opt->backend.world), opt->backend.world);
    if (!reach) {
      std::cerr << "adrestore: error: " << reach.status().message() << "\n";
      exit_code = k_exit_usage;
      return;
    }
    std::vector<FileReport> reports;
    std::set<std::string> reported;  // normalised paths: a forest's plans are reported once
    auto key = [](const std::string& f) { return std::filesystem::path(f).lexically_normal().generic_string(); };
    bool any_unreadable = false;
    auto add_report = [&](const std::string& f, const char* kind, input::LoadFailure failure, input::Diagnostics diags) {
      FileReport r;
      r.file = f;
      r.kind = kind;
      r.unreadable = failure == input::LoadFailure::unreadable || failure == input::LoadFailure::not_yaml;
      any_unreadable = any_unreadable || r.unreadable;
      r.diags = std::move(diags);
      reports.push_back(std::move(r));
    };
    auto check_plan = [&](const std::string& f, plan::PlanLoad load) {
      if (!reported.insert(key(f)).second) return;
      if (load.plan) placement::check_backup_set(*load.plan, reach->access, std::time(nullptr), load.diags);
      add_report(f, "RestorePlan", load.failure, std::move(load.diags));
    };
    for (const std::string& f : files) {
      if (forest::document_kind(f) != forest::k_forest_kind) {
        if (!reported.count(key(f))) check_plan(f, plan::load_plan_file(f));
        continue;
      }
      forest::ForestLoad load = forest::load_forest_file(f);
      reported.insert(key(f));
      add_report(f, "ForestRecoveryPlan", load.failure, std::move(load.diags));
      for (forest::ReferencedPlan& ref : load.referenced) {
        // A missing plan is the forest's error (exit 1), not an unreadable input (exit 2).
        if (ref.load.failure != input::LoadFailure::unreadable) check_plan(ref.path, std::move(ref.load));
      }
    }
    if (opt->format == "json") {
      write_json_report(std::cout, reports);
    } else if (opt->format == "github") {
      write_github_report(std::cout, reports);
    } else {
      write_text_report(std::cout, reports, global.use_color(1));
    }
    if (!opt->junit.empty()) {
      std::ofstream out(opt->junit, std::ios::binary | std::ios::trunc);
      write_junit_report(out, reports, "adrestore validate");
      if (!out) {
        std::cerr << "adrestore: error: cannot write " << opt->junit << "\n";
        exit_code = k_exit_usage;
        return;
      }
    }
    const bool any_invalid = std::any_of(reports.begin(), reports.end(), [](const FileReport& r) { return !r.valid(); });
    exit_code = any_unreadable ? k_exit_usage : any_invalid ? k_exit_invalid : k_exit_ok;
  });
}

void add_schema_command(CLI::App& app, GlobalOptions&, int& exit_code) {
  auto kind = std::make_shared<std::string>("RestorePlan");
  CLI::App* cmd = app.add_subcommand("schema", "Print the JSON Schema of restore plan files, or of another kind (built in)");
  cmd->add_option("--kind", *kind, "RestorePlan (the default) or ForestRecoveryPlan")
      ->check(CLI::IsMember({"RestorePlan", "ForestRecoveryPlan"}));
  cmd->footer(
      "Examples:\n"
      "  adrestore schema > restore-plan.schema.json\n"
      "  adrestore schema --kind ForestRecoveryPlan > forest-recovery-plan.schema.json");
  cmd->callback([kind, &exit_code] {
    std::cout << (*kind == "RestorePlan" ? plan::restore_plan_schema_text() : forest::forest_plan_schema_text());
    exit_code = k_exit_ok;
  });
}

}  // namespace adrestore::cli
