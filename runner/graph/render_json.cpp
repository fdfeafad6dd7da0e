// `adrestore plan --format json`: the document described in doc/plan-json.md. Keys come in a
// fixed order and every key is always present (null when it does not apply), so two versions
// of a plan can be compared with a plain text diff.
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "graph/render.h"
#include "graph/render_util.h"

namespace adrestore::graph {
namespace {

using Json = nlohmann::ordered_json;

Json opt_path(const std::optional<WinPath>& p) { return p ? Json(p->str()) : Json(nullptr); }

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
                     {"workingDir", opt_path(h.working_dir)},
                     {"idempotent", h.idempotent}};
  } else {
    j["hook"] = nullptr;
  }
  Json inputs = Json::array();
  for (const auto& [k, v] : s.inputs) inputs.push_back(Json{{"name", k}, {"value", v}});
  j["inputs"] = inputs;
  return j;
}

Json role_json(const RoleDir& r) {
  return Json{{"path", opt_path(r.dir)}, {"source", to_string(r.source)}};
}

Json destinations_json(const StepGraph& g, const FilesPreview& fp) {
  const DestinationPolicy& p = g.summary.destinations;
  Json j;
  j["overrides"] = Json{{"database", opt_path(p.database)}, {"logs", opt_path(p.logs)},
                        {"checkpoint", opt_path(p.checkpoint)}};
  j["onLocationsFailure"] = plan::to_string(p.on_locations_failure);
  j["existingFiles"] = plan::to_string(p.existing_files);
  j["quarantine"] = opt_path(p.quarantine);
  if (fp.resolution) {
    j["resolved"] = Json{{"database", role_json(fp.resolution->database)},
                         {"logs", role_json(fp.resolution->logs)},
                         {"checkpoint", role_json(fp.resolution->checkpoint)}};
    Json dirs = Json::array();
    for (const WinPath& d : fp.resolution->directories) dirs.push_back(d.str());
    j["directories"] = dirs;
    j["error"] = nullptr;
  } else {
    j["resolved"] = nullptr;
    j["directories"] = nullptr;
    j["error"] = fp.resolve_error.message();
  }
  return j;
}

Json files_json(const PreviewInputs& in, const FilesPreview& fp) {
  if (!in.manifest) return nullptr;
  const backup::Manifest& m = *in.manifest;
  Json j;
  j["dc"] = m.dc;
  j["createdAt"] = m.created_at;
  Json warnings = Json::array();
  for (const OverrideDifference& d : fp.override_differences) {
    warnings.push_back(Json{{"role", to_string(d.role)},
                            {"override", d.override_dir.str()},
                            {"reportedAtBackup", d.reported_dir.str()},
                            {"message", describe_override_difference(d, k_reported_at_backup_time)}});
  }
  j["overrideWarnings"] = warnings;
  j["genLow"] = m.gen_low;
  j["genHigh"] = m.gen_high;
  std::uint64_t total = 0;
  Json items = Json::array();
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const backup::ManifestFile& f = m.files[i];
    total += f.size;
    Json it;
    it["path"] = f.path;
    it["kind"] = detail::kind_text(f.kind);
    it["size"] = f.size;
    it["sha256"] = f.sha256;
    it["original"] = f.original.str();
    if (fp.resolution) {
      const FilePlacement& p = fp.resolution->files[i];
      it["destination"] = opt_path(p.destination);
      it["source"] = to_string(p.source);
    } else {
      it["destination"] = nullptr;
      it["source"] = nullptr;
    }
    items.push_back(it);
  }
  j["totalBytes"] = total;
  j["items"] = items;
  return j;
}

Json clear_json(const StepGraph& g, const FilesPreview& fp) {
  if (!fp.resolution) return nullptr;
  Json j;
  j["action"] = g.summary.destinations.existing_files == plan::ExistingFiles::remove ? "delete" : "quarantine";
  Json items = Json::array();
  for (const ClearAction& a : fp.clear) items.push_back(Json{{"file", a.file.str()}, {"to", opt_path(a.quarantined_to)}});
  j["items"] = items;
  Json unlisted = Json::array();
  for (const WinPath& d : fp.unlisted_dirs) unlisted.push_back(d.str());
  j["listedAtRunTime"] = unlisted;
  j["error"] = fp.clear_error.is_ok() ? Json(nullptr) : Json(fp.clear_error.message());
  return j;
}

}  // namespace

std::string render_json(const StepGraph& g, const PreviewInputs& in) {
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
  FilesPreview fp;
  preview_files(g, in, fp);
  doc["destinations"] = destinations_json(g, fp);
  doc["files"] = files_json(in, fp);
  doc["clear"] = clear_json(g, fp);
  doc["error"] = order ? Json(nullptr) : Json(order.status().message());
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace adrestore::graph
