// `adrestore plan --format json`: graph::render_json_head's document, then the destinations,
// the backup files and what files.clear would do (doc/plan-json.md), in that fixed order.
#include <nlohmann/json.hpp>

#include "graph/render.h"
#include "graph/render_util.h"
#include "placement/preview.h"
#include "placement/render_util.h"

namespace adrestore::placement {
namespace {

using Json = nlohmann::ordered_json;
using graph::detail::json_path;

Json role_json(const RoleDir& r) {
  return Json{{"path", json_path(r.dir)}, {"source", to_string(r.source)}};
}

Json destinations_json(const graph::StepGraph& g, const FilesPreview& fp) {
  const DestinationPolicy& p = g.summary.destinations;
  Json j;
  j["overrides"] = Json{{"database", json_path(p.database)}, {"logs", json_path(p.logs)},
                        {"checkpoint", json_path(p.checkpoint)}};
  j["onLocationsFailure"] = plan::to_string(p.on_locations_failure);
  j["existingFiles"] = plan::to_string(p.existing_files);
  j["quarantine"] = json_path(p.quarantine);
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
    it["kind"] = backup::to_string(f.kind);
    it["size"] = f.size;
    it["sha256"] = f.sha256;
    it["original"] = f.original.str();
    if (fp.resolution) {
      const FilePlacement& p = fp.resolution->files[i];
      it["destination"] = json_path(p.destination);
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

Json clear_json(const graph::StepGraph& g, const FilesPreview& fp) {
  if (!fp.resolution) return nullptr;
  Json j;
  j["action"] = g.summary.destinations.existing_files == plan::ExistingFiles::remove ? "delete" : "quarantine";
  Json items = Json::array();
  for (const ClearAction& a : fp.clear) items.push_back(Json{{"file", a.file.str()}, {"to", json_path(a.quarantined_to)}});
  j["items"] = items;
  Json unlisted = Json::array();
  for (const WinPath& d : fp.unlisted_dirs) unlisted.push_back(d.str());
  j["listedAtRunTime"] = unlisted;
  j["error"] = fp.clear_error.is_ok() ? Json(nullptr) : Json(fp.clear_error.message());
  return j;
}

}  // namespace

std::string render_json(const graph::StepGraph& g, const PreviewInputs& in) {
  Json doc = graph::render_json_head(g);
  Result<std::vector<const graph::Step*>> order = g.execution_order();
  FilesPreview fp;
  preview_files(g, in, fp);
  doc["destinations"] = destinations_json(g, fp);
  doc["files"] = files_json(in, fp);
  doc["clear"] = clear_json(g, fp);
  doc["error"] = order ? Json(nullptr) : Json(order.status().message());
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace adrestore::placement
