#include "sim/world_init.h"

#include "base/duration.h"
#include "base/embedded.h"
#include "base/text.h"
#include "input/guard.h"
#include "input/json_convert.h"
#include "input/schema_check.h"
#include "sim/content.h"

namespace adrestore::sim {
namespace {

WinPath must_parse(const char* text) { return *WinPath::parse(text); }

NtdsPaths with_defaults(const NtdsPaths& p) {
  NtdsPaths out = p;
  if (!out.database) out.database = must_parse("C:\\Windows\\NTDS\\ntds.dit");
  if (!out.logs) out.logs = out.database->parent();
  if (!out.checkpoint) out.checkpoint = *out.logs;
  return out;
}

Status write_existing(World& world, const ExistingFile& f, const std::string& dc) {
  if (Status s = world.disks().create_dirs(f.path.parent()); !s) return s;
  auto hp = world.disks().host_path(f.path);
  if (!hp) return hp.status();
  if (f.size) {
    // Pattern bytes of a file that is not part of this DC's database.
    SimFileSpec spec;
    spec.kind = SimFileKind::database;
    spec.dc = "existing-file-of-" + dc;
    spec.size = std::max<std::uint64_t>(*f.size, k_min_file_bytes);
    if (*f.size >= k_min_file_bytes) return write_sim_file(*hp, spec);
    return platform::write_file_durable(*hp, std::string(static_cast<std::size_t>(*f.size), 'x'));
  }
  const std::string content = f.content.empty() ? "existing file " + f.path.str() + " on " + dc + "\n" : f.content;
  return platform::write_file_durable(*hp, content);
}

const input::SchemaChecker* options_schema() {
  static const std::shared_ptr<input::SchemaChecker> checker = [] {
    auto c = input::SchemaChecker::create(embedded_file("schema/world-options.schema.json"));
    return c ? *c : nullptr;
  }();
  return checker.get();
}

std::optional<std::uint64_t> size_of(const input::Node& n) {
  return parse_size(n.value);
}

}  // namespace

WorldState initial_state(const WorldOptions& o) {
  WorldState w;
  w.dc = o.dc;
  w.ntds_online = o.ntds_online;
  w.dsrm = o.dsrm;
  w.privileges = o.privileges;
  w.tombstone_lifetime = o.tombstone_lifetime;
  w.clock_offset = o.clock_offset;
  w.win32_errors = o.win32_errors;
  w.unc_paths = o.unc_paths;
  w.extra_locations = o.extra_locations;
  w.restore_key_on_register = o.restore_key_on_register;
  w.read_fragment = o.read_fragment;
  w.ntds = with_defaults(o.ntds);
  w.locations = o.locations;
  w.invocation_id = "00000000-0000-0000-0000-000000000001";
  w.faults = o.faults;
  return w;
}

Result<std::shared_ptr<World>> create_world(const std::string& dir, const WorldOptions& o) {
  if (o.create_database && o.database_size < k_min_file_bytes) {
    return Status::error(Code::invalid_input, "the database needs at least " + format_bytes(k_min_file_bytes));
  }
  if (o.create_database && o.logs > 0 && o.log_size < k_min_file_bytes) {
    return Status::error(Code::invalid_input, "a log file needs at least " + format_bytes(k_min_file_bytes));
  }
  const WorldState state = initial_state(o);
  auto world = World::create(dir, state);
  if (!world) return world.status();
  World& w = **world;
  if (o.create_database) {
    const NtdsPaths& p = state.ntds;
    for (const WinPath& d : {p.database->parent(), *p.logs, *p.checkpoint}) {
      if (Status s = w.disks().create_dirs(d); !s) return s;
    }
    auto write = [&](const WinPath& path, SimFileSpec spec) -> Status {
      auto hp = w.disks().host_path(path);
      if (!hp) return hp.status();
      return write_sim_file(*hp, spec);
    };
    if (Status s = write(*p.database, {SimFileKind::database, o.dc, 0, o.database_size}); !s) return s;
    for (std::uint32_t gen = 1; gen <= o.logs; ++gen) {
      if (Status s = write(p.logs->child(log_file_name(gen)), {SimFileKind::log, o.dc, gen, o.log_size}); !s) return s;
    }
    if (Status s = write(p.checkpoint->child("edb.chk"), {SimFileKind::checkpoint, o.dc, o.logs, k_min_file_bytes}); !s) return s;
  }
  if (Status s = write_existing_files(w, o.existing_files); !s) return s;
  return world;
}

Status write_existing_files(World& world, const std::vector<ExistingFile>& files) {
  auto snap = world.snapshot();
  if (!snap) return snap.status();
  for (const ExistingFile& f : files) {
    if (Status s = write_existing(world, f, snap->dc); !s) return s.with_context("existingFiles " + f.path.str());
  }
  return Status::ok();
}

bool apply_world_overrides(const input::Node& root, WorldOptions& o, input::Diagnostics& diags) {
  const input::SchemaChecker* schema = options_schema();
  if (!schema) {
    diags.error(root.mark, {}, "the built-in world options schema cannot be loaded");
    return false;
  }
  const nlohmann::json doc = input::to_json(root);
  schema->check(root, doc, diags);
  if (diags.has_errors()) return false;
  if (const input::Node* n = root.get("dc")) o.dc = n->value;
  if (doc.contains("ntdsOnline")) o.ntds_online = doc["ntdsOnline"].get<bool>();
  if (doc.contains("dsrm")) o.dsrm = doc["dsrm"].get<bool>();
  if (doc.contains("privileges")) {
    o.privileges.clear();
    for (const nlohmann::json& p : doc["privileges"]) {
      if (p.is_string()) {
        o.privileges.push_back({p.get<std::string>(), true});
      } else {
        const auto enabled = p.find("enabled");
        o.privileges.push_back({p["name"].get<std::string>(), enabled == p.end() || *enabled == true});
      }
    }
  }
  if (const input::Node* n = root.get("tombstoneLifetime")) {
    auto secs = parse_duration_seconds(n->value);
    if (!secs || *secs <= 0) {
      diags.error(n->mark, "tombstoneLifetime", "not a positive duration (use 60d or 180d)");
    } else {
      o.tombstone_lifetime = *secs;
    }
  }
  if (doc.contains("clockOffset")) o.clock_offset = doc["clockOffset"].get<std::int64_t>();
  for (const char* which : {"ntds", "locations"}) {
    const input::Node* n = root.get(which);
    if (!n) continue;
    NtdsPaths p;
    for (const char* key : {"database", "logs", "checkpoint"}) {
      const input::Node* v = n->get(key);
      if (!v) continue;
      auto wp = WinPath::parse(v->value);
      if (!wp) {
        diags.error(v->mark, std::string(which) + "." + key, wp.status().message());
        continue;
      }
      (std::string(key) == "database" ? p.database : std::string(key) == "logs" ? p.logs : p.checkpoint) = *wp;
    }
    if (std::string(which) == "ntds") {
      o.ntds = p;
    } else {
      o.locations = p;
    }
  }
  for (const char* key : {"databaseSize", "logSize"}) {
    const input::Node* n = root.get(key);
    if (!n) continue;
    auto size = size_of(*n);
    if (!size) {
      diags.error(n->mark, key, "'" + escape_for_terminal(n->value) + "' is not a size (use 64Mi or 2Gi)");
    } else {
      (std::string(key) == "databaseSize" ? o.database_size : o.log_size) = *size;
    }
  }
  if (doc.contains("logs")) o.logs = doc["logs"].get<std::uint32_t>();
  if (const input::Node* n = root.get("existingFiles")) {
    for (std::size_t i = 0; i < n->items.size(); ++i) {
      const input::Node& item = n->items[i];
      const std::string path = "existingFiles[" + std::to_string(i) + "]";
      const input::Node* pn = item.is_scalar() ? &item : item.get("path");
      auto wp = WinPath::parse(pn->value);
      if (!wp) {
        diags.error(pn->mark, path, wp.status().message());
        continue;
      }
      ExistingFile f{*wp, {}, std::nullopt};
      if (!item.is_scalar()) {
        if (const input::Node* c = item.get("content")) f.content = c->value;
        if (const input::Node* s = item.get("size")) {
          f.size = size_of(*s);
          if (!f.size) diags.error(s->mark, path + ".size", "'" + escape_for_terminal(s->value) + "' is not a size");
        }
      }
      o.existing_files.push_back(std::move(f));
    }
  }
  if (const input::Node* n = root.get("faults")) {
    for (std::size_t i = 0; i < n->items.size(); ++i) {
      auto f = fault_from_json(doc["faults"][i], "faults[" + std::to_string(i) + "]");
      if (!f) {
        diags.error(n->items[i].mark, {}, f.status().message());
        continue;
      }
      o.faults.push_back(std::move(*f));
    }
  }
  if (doc.contains("win32Errors")) o.win32_errors = doc["win32Errors"] == "wrapped" ? ntds::Win32Form::wrapped : ntds::Win32Form::raw;
  if (doc.contains("uncPaths")) o.unc_paths = doc["uncPaths"].get<bool>();
  if (doc.contains("restoreKeyOnRegister")) o.restore_key_on_register = doc["restoreKeyOnRegister"].get<bool>();
  if (doc.contains("extraLocations")) {
    for (const auto& e : doc["extraLocations"]) {
      o.extra_locations.push_back({e.at("bft").get<std::uint8_t>(), e.at("path").get<std::string>()});
    }
  }
  if (doc.contains("readFragment")) o.read_fragment = doc["readFragment"].get<std::uint32_t>();
  return !diags.has_errors();
}

Status load_world_overrides(const std::string& path, WorldOptions& options) {
  input::Diagnostics diags(path);
  input::Loaded loaded = input::load_yaml_file(path, diags);
  if (loaded.failure == input::LoadFailure::unreadable || loaded.failure == input::LoadFailure::not_yaml || !loaded.root) {
    const std::string msg = diagnostics_text(diags);
    return Status::error(loaded.failure == input::LoadFailure::rejected ? Code::invalid_input : Code::usage,
                         msg.empty() ? path + ": cannot read the world overrides" : msg);
  }
  bool ok = !diags.has_errors();
  if (ok) {
    if (!loaded.root->is_map() && loaded.root->kind != input::Node::Kind::null) {
      diags.error(loaded.root->mark, {}, "world overrides are a map of keys such as dc, ntdsOnline, dsrm, faults");
      ok = false;
    } else if (loaded.root->is_map()) {
      ok = apply_world_overrides(*loaded.root, options, diags);
    }
  }
  if (ok) return Status::ok();
  diags.sort_and_dedupe();
  return Status::error(Code::invalid_input, diagnostics_text(diags));
}

}  // namespace adrestore::sim
