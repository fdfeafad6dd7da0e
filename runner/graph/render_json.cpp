// `adrestore plan --format json`: the head of the document described in doc/plan-json.md
// (placement/render_json.cpp adds the rest). Keys come in a fixed order and every key is
// always present (null when it does not apply), so two versions of a plan can be compared
// with a plain text diff.
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "graph/render.h"
#include "graph/render_util.h"

namespace adrestore::graph {
namespace {

using Json = nlohmann::ordered_json;

Json step_json(const Step& s, std::size_t position, const StepGraph& g) {
  Json j;
  j["position"] = position;
  j["id"] = s.id;
  j["kind"] = to_string(s.kind);
  j["step"] = s.number;
  j["class"] = to_string(s.step_class);
  j["runsOn"] = to_string(s.runs_on);
  j["guard"] = s.guard.empty() ? Json(nullptr) : Json(s.guard);
  j["phase"] = to_string(s.phase);
  j["resume"] = to_string(s.resume);
  j["action"] = s.action;
  j["after"] = g.predecessors(s.id);
  if (s.api) {
    Json args = Json::array();
    for (const Arg& a : s.api->args) args.push_back(Json{{"name", a.name}, {"value", a.value}, {"known", a.known}});
    j["api"] = Json{{"function", s.api->function}, {"args", args}};
  } else {
    j["api"] = nullptr;
  }
  if (s.hook) {
    const HookInputs& h = *s.hook;
    Json env = Json::object();
    for (const auto& [k, v] : h.env) env[k] = v;
    j["hook"] = Json{{"name", h.name},
                     {"phase", plan::to_string(h.phase)},
                     {"run", h.argv},
                     {"timeoutSeconds", h.timeout_seconds},
                     {"onError", plan::to_string(h.on_error)},
                     {"when", h.phase == plan::HookPhase::post ? Json(plan::to_string(h.when)) : Json(nullptr)},
                     {"env", env},
                     {"workingDir", detail::json_path(h.working_dir)},
                     {"idempotent", h.idempotent}};
  } else {
    j["hook"] = nullptr;
  }
  Json inputs = Json::array();
  for (const auto& [k, v] : s.inputs) inputs.push_back(Json{{"name", k}, {"value", v}});
  j["inputs"] = inputs;
  return j;
}

}  // namespace

Json render_json_head(const StepGraph& g) {
  const PlanSummary& sum = g.summary;
  Json doc;
  doc["format"] = "adrestore-plan";
  doc["version"] = 1;
  doc["plan"] = Json{{"file", sum.file},
                     {"name", sum.name},
                     {"domainController", sum.domain_controller},
                     {"description", sum.description},
                     {"backupSource", sum.backup_source.str()},
                     {"manifest", sum.manifest_name},
                     {"maxAge", format_duration(sum.max_age_seconds)},
                     {"credentials", sum.credentials},
                     {"authoritative", sum.authoritative},
                     {"restart", plan::to_string(sum.restart)}};
  Result<std::vector<const Step*>> order = g.execution_order();
  Json steps = Json::array();
  if (order) {
    for (std::size_t i = 0; i < order->size(); ++i) steps.push_back(step_json(*(*order)[i], i + 1, g));
  }
  doc["steps"] = steps;
  Json edges = Json::array();
  for (const Edge& e : g.edges()) edges.push_back(Json{{"from", e.from}, {"to", e.to}, {"kind", to_string(e.kind)}});
  doc["edges"] = edges;
  return doc;
}

}  // namespace adrestore::graph
