// Forest recovery plans as `adrestore validate` and `adrestore plan` load them: guard, YAML
// tree, schema, typed forest plan and hazard lint; then, for a forest whose only errors are
// its unreadable RestorePlans (the file names a folder that does not exist, so no input
// reaches the disk), the compiled waves and their four renderings.
#include <sstream>

#include "check.h"
#include "forest/compile.h"
#include "forest/convert.h"
#include "forest/load.h"
#include "forest/render.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string name = "/nonexistent-adrestore-fuzz/forest.yaml";
  forest::ForestLoad load = forest::load_forest_text(fuzz::as_text(data, size), name);
  FUZZ_CHECK(!load.plan);  // no RestorePlan can be read
  FUZZ_CHECK(load.failure == input::LoadFailure::none || load.diags.has_errors());
  for (const forest::ReferencedPlan& r : load.referenced) FUZZ_CHECK(r.load.failure == input::LoadFailure::unreadable);

  bool only_missing_plans = load.failure == input::LoadFailure::none;
  for (const input::Diagnostic& d : load.diags.items()) {
    const bool missing = d.message.find("cannot be read") != std::string::npos;
    if (d.severity == input::Severity::error && !missing) only_missing_plans = false;
  }
  if (!only_missing_plans) return 0;
  input::Diagnostics ignored(name);
  const input::Loaded loaded = input::parse_yaml_text(fuzz::as_text(data, size), ignored);
  FUZZ_CHECK(loaded.root.has_value());
  const forest::CompiledForest c = forest::compile(forest::convert_forest(*loaded.root, name));
  FUZZ_CHECK(c.domains.size() <= 64);
  std::ostringstream out;
  out << forest::render_text(c) << forest::render_json(c).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
      << forest::render_dot(c) << forest::render_mermaid(c);
  return 0;
}
