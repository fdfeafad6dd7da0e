#include "forest/load.h"

#include <algorithm>

#include "base/embedded.h"
#include "base/status.h"
#include "forest/convert.h"
#include "forest/lint.h"
#include "input/json_convert.h"
#include "input/schema_check.h"

namespace adrestore::forest {

std::string_view forest_plan_schema_text() { return embedded_file("schema/forest-recovery-plan.schema.json"); }

namespace {

const input::SchemaChecker& forest_schema() {
  static const std::shared_ptr<input::SchemaChecker> checker = [] {
    auto c = input::SchemaChecker::create(forest_plan_schema_text());
    if (!c) throw Fatal{c.status()};
    return *c;
  }();
  return *checker;
}

// Each first DC's plan, read once even when two domains name the same file.
void load_referenced_plans(ForestPlan& f, ForestLoad& out) {
  for (Domain& d : f.domains) {
    if (d.first_dc.plan_path.empty() || out.diags.has_error_at(d.first_dc.plan_file.mark)) continue;
    const ReferencedPlan* found = nullptr;
    for (const ReferencedPlan& r : out.referenced) {
      if (r.path == d.first_dc.plan_path) found = &r;
    }
    if (!found) {
      out.referenced.push_back({d.first_dc.plan_path, plan::load_plan_file(d.first_dc.plan_path)});
      found = &out.referenced.back();
    }
    if (found->load.plan) d.first_dc.plan = found->load.plan;
  }
}

}  // namespace

ForestLoad load_forest_text(std::string text, const std::string& display_name) {
  ForestLoad out;
  out.diags = input::Diagnostics(display_name);
  input::Loaded loaded = input::parse_yaml_text(std::move(text), out.diags);
  out.failure = loaded.failure;
  if (!loaded.root) return out;
  const input::Node& root = *loaded.root;
  if (!root.is_map()) {
    out.diags.error(root.mark, {}, "a forest plan must be a map with apiVersion, kind, metadata and spec; found " +
                                       input::describe_node(root));
    out.failure = input::LoadFailure::rejected;
    return out;
  }
  forest_schema().check(root, input::to_json(root), out.diags);
  ForestPlan f = convert_forest(root, display_name);
  load_referenced_plans(f, out);
  lint(f, out.referenced, out.diags);
  out.diags.sort_and_dedupe();
  const bool referenced_ok = std::all_of(out.referenced.begin(), out.referenced.end(),
                                         [](const ReferencedPlan& r) { return r.load.plan.has_value(); });
  if (!out.diags.has_errors() && referenced_ok) out.plan = std::move(f);
  return out;
}

ForestLoad load_forest_file(const std::string& path) {
  Result<std::string> text = input::read_capped_file(path, input::GuardLimits{}.max_bytes);
  if (!text) {
    ForestLoad out;
    out.diags = input::Diagnostics(path);
    out.diags.error({}, {}, text.status().message());
    out.failure = input::LoadFailure::unreadable;
    return out;
  }
  return load_forest_text(std::move(*text), path);
}

std::string document_kind(const std::string& path) {
  Result<std::string> text = input::read_capped_file(path, input::GuardLimits{}.max_bytes);
  if (!text) return {};
  input::Diagnostics ignored(path);
  const input::Loaded loaded = input::parse_yaml_text(std::move(*text), ignored);
  if (!loaded.root) return {};
  const input::Node* kind = loaded.root->get("kind");
  return kind && kind->is_scalar() ? kind->value : std::string();
}

}  // namespace adrestore::forest
