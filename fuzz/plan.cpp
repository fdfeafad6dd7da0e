// The plan pipeline on one file's bytes, as `adrestore validate` and `adrestore plan` take
// them: input guard, YAML tree, JSON Schema, typed plan, semantic rules, the reports, and for
// a valid plan the step graph and its renderings.
#include <sstream>

#include "check.h"
#include "cli/report.h"
#include "graph/compile.h"
#include "graph/render.h"
#include "placement/preview.h"
#include "plan/validate.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  plan::PlanLoad load = plan::load_plan_text(fuzz::as_text(data, size), "fuzz.yaml");
  FUZZ_CHECK(!load.plan || !load.diags.has_errors());
  FUZZ_CHECK(load.failure == input::LoadFailure::none || load.diags.has_errors());

  std::vector<cli::FileReport> reports(1);
  reports[0].file = "fuzz.yaml";
  reports[0].kind = "RestorePlan";
  reports[0].diags = load.diags;
  std::ostringstream out;
  cli::write_text_report(out, reports, false);
  cli::write_json_report(out, reports);
  cli::write_github_report(out, reports);
  cli::write_junit_report(out, reports, "fuzz");

  if (load.plan) {
    auto graph = graph::compile(*load.plan);
    if (graph) {
      out << placement::render_text(*graph) << placement::render_json(*graph) << graph::render_dot(*graph)
          << graph::render_mermaid(*graph);
    }
  }
  return 0;
}
