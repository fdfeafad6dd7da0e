#include "cli/prepare_plan.h"

#include <iostream>

#include "base/text.h"
#include "cli/exit_codes.h"
#include "cli/report.h"
#include "graph/compile.h"
#include "graph/invariants.h"
#include "plan/validate.h"

namespace adrestore::cli {

int run_exit_code(exec::Outcome outcome) {
  switch (outcome) {
    case exec::Outcome::succeeded:
    case exec::Outcome::restarting:
      return k_exit_ok;
    case exec::Outcome::failed:
      return k_exit_failed;
    case exec::Outcome::interrupted:
      return k_exit_interrupted;
    case exec::Outcome::refused:
      return k_exit_refused;
  }
  return k_exit_failed;
}

std::optional<std::pair<plan::Plan, graph::StepGraph>> prepare_plan(const std::string& path, std::string& text,
                                                                    const GlobalOptions& global, int& exit_code) {
  plan::PlanLoad load = plan::load_plan_file(path);
  if (!load.plan) {
    FileReport r{path, "RestorePlan", load.diags,
                 load.failure == input::LoadFailure::unreadable || load.failure == input::LoadFailure::not_yaml};
    write_text_report(std::cerr, {r}, global.use_color(2));
    exit_code = r.unreadable ? k_exit_usage : k_exit_invalid;
    return std::nullopt;
  }
  auto g = graph::compile(*load.plan);
  if (!g) throw Fatal{g.status()};
  if (auto bad = graph::check_invariants(*g, *load.plan); !bad.empty()) {
    throw Fatal{Status::error(Code::internal, "the compiled step graph breaks the mandated order: " + join(bad, "; "))};
  }
  text = load.text;
  return std::make_pair(std::move(*load.plan), std::move(*g));
}

}  // namespace adrestore::cli
