// `adrestore plan --format json FOREST.yaml`: the compiled forest plan for an orchestrator.
// Every field is documented in doc/forest.md ("The JSON preview"); change the version when a
// field changes meaning or goes away.
#include "base/duration.h"
#include "forest/render.h"

namespace adrestore::forest {
namespace {

nlohmann::ordered_json step_json(const ForestStep& s) {
  nlohmann::ordered_json j;
  j["id"] = s.id;
  j["on"] = s.where;
  j["what"] = s.what;
  j["guide"] = "ad-forest-recovery-" + s.guide;
  nlohmann::ordered_json inputs = nlohmann::ordered_json::object();
  for (const auto& [k, v] : s.inputs) inputs[k] = v;
  j["inputs"] = inputs;
  j["targets"] = s.targets;
  if (s.wait_seconds > 0) {
    j["wait"] = {{"between", "the first and the second reset"},
                 {"seconds", s.wait_seconds},
                 {"text", format_duration(s.wait_seconds)}};
  } else {
    j["wait"] = nullptr;
  }
  return j;
}

}  // namespace

nlohmann::ordered_json render_json(const CompiledForest& c) {
  nlohmann::ordered_json doc;
  doc["format"] = "adrestore-forest-plan";
  doc["version"] = 1;
  doc["forest"] = {{"name", c.name},
                   {"file", c.file},
                   {"root", c.root},
                   {"breach", c.breach},
                   {"tombstoneLifetimeSeconds", c.tombstone_seconds}};
  nlohmann::ordered_json waves = nlohmann::ordered_json::array();
  for (int wave = 0; wave < c.wave_count; ++wave) {
    nlohmann::ordered_json names = nlohmann::ordered_json::array();
    for (const DomainWork& d : c.domains) {
      if (d.wave == wave) names.push_back(d.domain);
    }
    waves.push_back({{"index", wave}, {"domains", names}});
  }
  doc["waves"] = waves;
  nlohmann::ordered_json domains = nlohmann::ordered_json::array();
  for (const DomainWork& d : c.domains) {
    nlohmann::ordered_json j;
    j["name"] = d.domain;
    j["parent"] = d.parent.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.parent);
    j["wave"] = d.wave;
    j["firstDC"] = {{"dc", d.dc}, {"plan", d.plan_file}, {"planName", d.plan_name}};
    j["startsAfter"] = d.parent.empty() ? nlohmann::ordered_json(nullptr)
                                        : nlohmann::ordered_json{{"domain", d.parent}, {"step", k_child_waits_for}};
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (const ForestStep& s : d.steps) steps.push_back(step_json(s));
    j["steps"] = steps;
    j["redeploy"] = d.redeploy;
    domains.push_back(j);
  }
  doc["domains"] = domains;
  nlohmann::ordered_json barrier = nlohmann::ordered_json::array();
  for (const ForestStep& s : c.barrier) barrier.push_back(step_json(s));
  doc["barrier"] = barrier;
  doc["leftForOperator"] = c.left_for_operator;
  return doc;
}

}  // namespace adrestore::forest
