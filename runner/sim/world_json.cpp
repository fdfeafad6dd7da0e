// world.json <-> WorldState, with the strict checks of a hostile input file.
#include <memory>

#include "base/duration.h"
#include "base/embedded.h"
#include "base/json_nesting.h"
#include "base/text.h"
#include "input/diagnostic.h"
#include "input/guard.h"
#include "input/json_convert.h"
#include "input/schema_check.h"
#include "sim/world_state.h"

namespace adrestore::sim {
namespace {

using nlohmann::json;

// world.json nests 5 levels; the tree conversion and the schema check below recurse.
constexpr std::size_t k_max_world_depth = 16;

json owner_json(const Owner& o) { return {{"pid", o.pid}, {"nonce", o.nonce}, {"boot", o.boot}}; }

Owner owner_from(const json& j) {
  Owner o;
  o.pid = j.at("pid").get<std::int64_t>();
  o.nonce = j.value("nonce", std::string());
  o.boot = j.value("boot", std::uint64_t{0});
  return o;
}

json paths_json(const NtdsPaths& p) {
  json j = json::object();
  if (p.database) j["database"] = p.database->str();
  if (p.logs) j["logs"] = p.logs->str();
  if (p.checkpoint) j["checkpoint"] = p.checkpoint->str();
  return j;
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key)) {
    for (const json& s : j[key]) out.push_back(s.get<std::string>());
  }
  return out;
}

// The JSON value as a YAML-style node without source positions, for the schema checker.
input::Node to_node(const json& j) {
  input::Node n;
  if (j.is_object()) {
    n.kind = input::Node::Kind::mapping;
    for (auto it = j.begin(); it != j.end(); ++it) {
      n.keys.push_back(it.key());
      n.key_marks.push_back({});
      n.items.push_back(to_node(it.value()));
    }
  } else if (j.is_array()) {
    n.kind = input::Node::Kind::sequence;
    for (const json& item : j) n.items.push_back(to_node(item));
  } else if (j.is_null()) {
    n.kind = input::Node::Kind::null;
  } else {
    n.kind = input::Node::Kind::scalar;
    n.quoted = j.is_string();
    n.value = j.is_string() ? j.get<std::string>() : j.dump();
  }
  return n;
}

const input::SchemaChecker* world_schema() {
  static const std::shared_ptr<input::SchemaChecker> checker = [] {
    auto c = input::SchemaChecker::create(embedded_file("schema/world.schema.json"));
    return c ? *c : nullptr;
  }();
  return checker.get();
}


Status semantic_error(const std::string& label, const std::string& path, const std::string& msg) {
  return Status::error(Code::invalid_input, label + ": " + path + ": " + msg);
}

Result<WinPath> path_at(const json& j, const std::string& label, const std::string& path) {
  auto p = WinPath::parse(j.get<std::string>());
  if (!p) return semantic_error(label, path, p.status().message());
  return *p;
}

Result<NtdsPaths> paths_from(const json& j, const std::string& label, const std::string& path) {
  NtdsPaths p;
  for (const char* key : {"database", "logs", "checkpoint"}) {
    if (!j.contains(key)) continue;
    auto wp = path_at(j[key], label, path + "." + key);
    if (!wp) return wp.status();
    std::optional<WinPath>& slot =
        std::string(key) == "database" ? p.database : std::string(key) == "logs" ? p.logs : p.checkpoint;
    slot = *wp;
  }
  return p;
}

ContextKind kind_from(const std::string& s) {
  if (s == "restore") return ContextKind::restore;
  if (s == "restoreLimited") return ContextKind::restore_limited;
  return ContextKind::backup;
}

Result<WorldState> from_json(const json& j, const std::string& label) {
  WorldState w;
  w.dc = j.at("dc").get<std::string>();
  w.ntds_online = j.value("ntdsOnline", true);
  w.dsrm = j.value("dsrm", false);
  if (j.contains("privileges")) {
    for (const json& p : j["privileges"]) w.privileges.push_back({p.at("name").get<std::string>(), p.value("enabled", true)});
  }
  if (j.contains("tombstoneLifetime")) {
    auto secs = parse_duration_seconds(j["tombstoneLifetime"].get<std::string>());
    if (!secs || *secs <= 0) return semantic_error(label, "tombstoneLifetime", "not a positive duration");
    w.tombstone_lifetime = *secs;
  }
  w.clock_offset = j.value("clockOffset", std::int64_t{0});
  w.win32_errors = j.value("win32Errors", std::string("raw")) == "wrapped" ? ntds::Win32Form::wrapped : ntds::Win32Form::raw;
  w.unc_paths = j.value("uncPaths", false);
  w.restore_key_on_register = j.value("restoreKeyOnRegister", true);
  if (j.contains("extraLocations")) {
    for (const json& e : j["extraLocations"]) {
      w.extra_locations.push_back({e.at("bft").get<std::uint8_t>(), e.at("path").get<std::string>()});
    }
  }
  w.read_fragment = j.value("readFragment", std::uint32_t{0});
  auto ntds_paths = paths_from(j.at("ntds"), label, "ntds");
  if (!ntds_paths) return ntds_paths.status();
  w.ntds = *ntds_paths;
  if (j.contains("locations")) {
    auto loc = paths_from(j["locations"], label, "locations");
    if (!loc) return loc.status();
    w.locations = *loc;
  }
  w.invocation_id = j.value("invocationId", std::string());
  w.restore_count = j.value("restoreCount", std::uint64_t{0});
  w.boot_count = j.value("bootCount", std::uint64_t{1});
  if (j.contains("lastBoot")) {
    const json& b = j["lastBoot"];
    BootRecord r;
    r.boot = b.value("boot", std::uint64_t{0});
    r.at = b.value("at", std::int64_t{0});
    r.ntds_started = b.value("ntdsStarted", false);
    r.reason = b.value("reason", std::string());
    if (b.contains("events")) r.events = b["events"].get<std::vector<int>>();
    w.last_boot = r;
  }
  if (j.contains("eventLog")) {
    for (const json& e : j["eventLog"]) {
      w.event_log.push_back({e.value("event", 0), e.value("at", std::int64_t{0}), e.value("boot", std::uint64_t{0})});
    }
  }
  if (j.contains("registry") && j["registry"].contains("restoreInProgress")) {
    const json& r = j["registry"]["restoreInProgress"];
    Registration reg;
    const std::string base = "registry.restoreInProgress.";
    auto a = path_at(r.at("checkpointFilePath"), label, base + "checkpointFilePath");
    auto b = path_at(r.at("logPath"), label, base + "logPath");
    auto c = path_at(r.at("backupLogPath"), label, base + "backupLogPath");
    if (!a) return a.status();
    if (!b) return b.status();
    if (!c) return c.status();
    reg.checkpoint_file_path = *a;
    reg.log_path = *b;
    reg.backup_log_path = *c;
    reg.low_log = r.at("lowLog").get<std::uint32_t>();
    reg.high_log = r.at("highLog").get<std::uint32_t>();
    if (r.contains("restoreMap")) {
      for (const json& m : r["restoreMap"]) reg.restore_map.push_back({m.at("from").get<std::string>(), m.at("to").get<std::string>()});
    }
    reg.registered_at = r.value("registeredAt", std::int64_t{0});
    if (r.contains("restoreState")) {
      const json& h = r["restoreState"];
      auto hr = h.is_string() ? ntds::parse_hresult(h.get<std::string>())
                              : Result<ntds::HResult>(ntds::HResult(static_cast<std::uint32_t>(h.get<std::int64_t>() & 0xFFFFFFFF)));
      if (!hr) return semantic_error(label, base + "restoreState", hr.status().message());
      reg.restore_state = *hr;
    }
    w.restore_in_progress = reg;
  }
  if (j.contains("interlock")) w.interlock = j["interlock"].at("context").get<std::uint64_t>();
  if (j.contains("authIdentity")) {
    const json& a = j["authIdentity"];
    AuthIdentity id;
    id.user = a.value("user", std::string());
    id.domain = a.value("domain", std::string());
    if (a.contains("owner")) id.owner = owner_from(a["owner"]);
    w.auth_identity = id;
  }
  if (j.contains("authoritative")) {
    for (const json& m : j["authoritative"]) {
      w.authoritative.push_back({strings(m, "subtrees"), strings(m, "objects"), m.value("at", std::int64_t{0})});
    }
  }
  if (j.contains("contexts")) {
    for (const json& c : j["contexts"]) {
      Context ctx;
      ctx.id = c.at("id").get<std::uint64_t>();
      ctx.kind = kind_from(c.at("kind").get<std::string>());
      ctx.owner = owner_from(c.at("owner"));
      ctx.ended = c.value("ended", std::string());
      ctx.database_names = strings(c, "databaseNames");
      ctx.log_names = strings(c, "logNames");
      ctx.files_done = strings(c, "filesDone");
      if (c.contains("openFile")) {
        const json& f = c["openFile"];
        ctx.open_file = OpenBackupFile{f.at("name").get<std::string>(), f.at("size").get<std::uint64_t>(),
                                       f.at("offset").get<std::uint64_t>()};
      }
      ctx.token_created = c.value("tokenCreated", std::int64_t{0});
      ctx.locations_given = c.value("locationsGiven", false);
      ctx.registered = c.value("registered", false);
      ctx.completed = c.value("completed", false);
      w.contexts.push_back(std::move(ctx));
    }
  }
  if (j.contains("buffers")) {
    for (const json& b : j["buffers"]) {
      w.buffers.push_back({b.at("id").get<std::uint64_t>(), b.at("call").get<std::string>(),
                           b.value("bytes", std::uint64_t{0}), owner_from(b.at("owner"))});
    }
  }
  if (j.contains("leaks")) {
    for (const json& l : j["leaks"]) {
      w.leaks.push_back({l.at("buffer").get<std::uint64_t>(), l.at("call").get<std::string>(), l.value("pid", std::int64_t{0})});
    }
  }
  if (j.contains("counters")) {
    const json& c = j["counters"];
    w.counters.calls = c.value("calls", std::uint64_t{0});
    w.counters.double_frees = c.value("doubleFrees", std::uint64_t{0});
    w.counters.invalid_frees = c.value("invalidFrees", std::uint64_t{0});
    w.counters.leaked_buffers = c.value("leakedBuffers", std::uint64_t{0});
    w.counters.truncated_logs = c.value("truncatedLogs", std::uint64_t{0});
    w.counters.restarts = c.value("restarts", std::uint64_t{0});
  }
  w.next_id = j.value("nextId", std::uint64_t{1});
  if (w.next_id == 0) w.next_id = 1;
  for (const Context& c : w.contexts) w.next_id = std::max(w.next_id, c.id + 1);
  for (const Buffer& b : w.buffers) w.next_id = std::max(w.next_id, b.id + 1);
  if (j.contains("faults")) {
    std::size_t i = 0;
    for (const json& f : j["faults"]) {
      const std::string path = "faults[" + std::to_string(i++) + "]";
      auto fault = fault_from_json(f, path);
      if (!fault) return Status::error(Code::invalid_input, label + ": " + fault.status().message());
      w.faults.push_back(std::move(*fault));
    }
  }
  return w;
}

}  // namespace

const char* to_string(ContextKind k) {
  switch (k) {
    case ContextKind::backup:
      return "backup";
    case ContextKind::restore:
      return "restore";
    case ContextKind::restore_limited:
      return "restoreLimited";
  }
  return "backup";
}

host::MachineName WorldState::machine_name() const {
  host::MachineName m;
  const std::size_t dot = dc.find('.');
  if (dot == std::string::npos) {
    m.netbios = dc;
  } else {
    m.netbios = dc.substr(0, dot);
    m.dns_fqdn = dc;
  }
  for (char& ch : m.netbios) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return m;
}

Context* WorldState::find_context(std::uint64_t id) {
  for (Context& c : contexts) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

json world_to_json(const WorldState& w) {
  json j = json::object();
  j["format"] = k_world_format;
  j["dc"] = w.dc;
  j["ntdsOnline"] = w.ntds_online;
  j["dsrm"] = w.dsrm;
  json privs = json::array();
  for (const host::Privilege& p : w.privileges) privs.push_back({{"name", p.name}, {"enabled", p.enabled}});
  j["privileges"] = privs;
  j["tombstoneLifetime"] = format_duration(w.tombstone_lifetime);
  j["clockOffset"] = w.clock_offset;
  j["win32Errors"] = w.win32_errors == ntds::Win32Form::wrapped ? "wrapped" : "raw";
  j["uncPaths"] = w.unc_paths;
  if (!w.restore_key_on_register) j["restoreKeyOnRegister"] = false;
  if (!w.extra_locations.empty()) {
    json extra = json::array();
    for (const ntds::BftEntry& e : w.extra_locations) extra.push_back({{"bft", e.bft}, {"path", e.path}});
    j["extraLocations"] = extra;
  }
  j["readFragment"] = w.read_fragment;
  j["ntds"] = paths_json(w.ntds);
  if (w.locations) j["locations"] = paths_json(*w.locations);
  j["invocationId"] = w.invocation_id;
  j["restoreCount"] = w.restore_count;
  j["bootCount"] = w.boot_count;
  if (w.last_boot) {
    const BootRecord& b = *w.last_boot;
    j["lastBoot"] = {{"boot", b.boot}, {"at", b.at}, {"ntdsStarted", b.ntds_started}, {"reason", b.reason}, {"events", b.events}};
  }
  if (!w.event_log.empty()) {
    json log = json::array();
    for (const LoggedEvent& e : w.event_log) log.push_back({{"event", e.event}, {"at", e.at}, {"boot", e.boot}});
    j["eventLog"] = log;
  }
  json registry = json::object();
  if (w.restore_in_progress) {
    const Registration& r = *w.restore_in_progress;
    json map = json::array();
    for (const RestoreMapPair& m : r.restore_map) map.push_back({{"from", m.from}, {"to", m.to}});
    json reg = {{"checkpointFilePath", r.checkpoint_file_path.str()},
                {"logPath", r.log_path.str()},
                {"backupLogPath", r.backup_log_path.str()},
                {"lowLog", r.low_log},
                {"highLog", r.high_log},
                {"restoreMap", map},
                {"registeredAt", r.registered_at}};
    if (r.restore_state) reg["restoreState"] = ntds::hresult_name(*r.restore_state);
    registry["restoreInProgress"] = reg;
  }
  j["registry"] = registry;
  if (w.interlock) j["interlock"] = {{"context", *w.interlock}};
  if (w.auth_identity) {
    j["authIdentity"] = {{"user", w.auth_identity->user}, {"domain", w.auth_identity->domain}, {"owner", owner_json(w.auth_identity->owner)}};
  }
  json auth = json::array();
  for (const AuthoritativeMark& m : w.authoritative) auth.push_back({{"subtrees", m.subtrees}, {"objects", m.objects}, {"at", m.at}});
  j["authoritative"] = auth;
  json contexts = json::array();
  for (const Context& c : w.contexts) {
    json cj = {{"id", c.id}, {"kind", to_string(c.kind)}, {"owner", owner_json(c.owner)}};
    if (!c.ended.empty()) cj["ended"] = c.ended;
    if (c.kind == ContextKind::backup) {
      cj["databaseNames"] = c.database_names;
      cj["logNames"] = c.log_names;
      cj["filesDone"] = c.files_done;
      if (c.open_file) cj["openFile"] = {{"name", c.open_file->name}, {"size", c.open_file->size}, {"offset", c.open_file->offset}};
    } else {
      cj["tokenCreated"] = c.token_created;
      if (c.locations_given) cj["locationsGiven"] = true;
      cj["registered"] = c.registered;
      cj["completed"] = c.completed;
    }
    contexts.push_back(cj);
  }
  j["contexts"] = contexts;
  json buffers = json::array();
  for (const Buffer& b : w.buffers) buffers.push_back({{"id", b.id}, {"call", b.call}, {"bytes", b.bytes}, {"owner", owner_json(b.owner)}});
  j["buffers"] = buffers;
  json leaks = json::array();
  for (const Leak& l : w.leaks) leaks.push_back({{"buffer", l.buffer}, {"call", l.call}, {"pid", l.pid}});
  j["leaks"] = leaks;
  j["counters"] = {{"calls", w.counters.calls},
                   {"doubleFrees", w.counters.double_frees},
                   {"invalidFrees", w.counters.invalid_frees},
                   {"leakedBuffers", w.counters.leaked_buffers},
                   {"truncatedLogs", w.counters.truncated_logs},
                   {"restarts", w.counters.restarts}};
  j["nextId"] = w.next_id;
  json faults = json::array();
  for (const Fault& f : w.faults) faults.push_back(fault_to_json(f));
  j["faults"] = faults;
  return j;
}

Status check_world_json(const json& doc, const std::string& label) {
  const input::SchemaChecker* schema = world_schema();
  if (!schema) return Status::error(Code::internal, "the built-in world schema cannot be loaded");
  input::Diagnostics diags(label);
  schema->check(to_node(doc), doc, diags);
  if (diags.has_errors()) return Status::error(Code::internal, diagnostics_text(diags));
  return Status::ok();
}

std::string diagnostics_text(const input::Diagnostics& diags) {
  std::vector<std::string> lines;
  std::size_t shown = 0;
  for (const input::Diagnostic& d : diags.items()) {
    if (d.severity != input::Severity::error) continue;
    if (++shown > 10) {
      lines.push_back("... and " + std::to_string(diags.error_count() - 10) + " more");
      break;
    }
    std::string line = d.file;
    if (d.mark.line > 0) line += ":" + std::to_string(d.mark.line) + ":" + std::to_string(d.mark.column);
    lines.push_back(line + ": " + (d.path.empty() ? "" : d.path + ": ") + d.message);
  }
  return join(lines, "\n");
}

Result<WorldState> parse_world_text(std::string_view text, const std::string& label) {
  if (text.size() > k_max_world_bytes) {
    return Status::error(Code::invalid_input, label + ": the file is " + format_bytes(text.size()) +
                                                  "; a world file may hold at most " + format_bytes(k_max_world_bytes));
  }
  if (!json_nests_within(text, k_max_world_depth)) {
    return Status::error(Code::invalid_input, label + ": error: the file nests deeper than " +
                                                  std::to_string(k_max_world_depth) + " levels");
  }
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const LineCol lc = line_col_at(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    const std::size_t cut = what.find("] ");
    if (cut != std::string::npos) what = what.substr(cut + 2);
    return Status::error(Code::invalid_input, label + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) +
                                                  ": not valid JSON: " + escape_for_terminal(what));
  } catch (const json::exception& e) {
    // Not a syntax error but still the text's fault, e.g. a number too large for a double (1e400).
    std::string what = e.what();
    const std::size_t cut = what.find("] ");
    if (cut != std::string::npos) what = what.substr(cut + 2);
    return Status::error(Code::invalid_input, label + ": not valid JSON: " + escape_for_terminal(what));
  }
  if (!doc.is_object()) {
    return Status::error(Code::invalid_input, label + ": a world file is a JSON object ({...}); found " +
                                                  std::string(doc.type_name()));
  }
  const input::SchemaChecker* schema = world_schema();
  if (!schema) return Status::error(Code::internal, "the built-in world schema cannot be loaded");
  input::Diagnostics diags(label);
  schema->check(to_node(doc), doc, diags);
  if (diags.has_errors()) {
    // Again on the YAML reading of the same text, which knows line and column of each value.
    input::Diagnostics yaml_diags(label);
    input::Loaded loaded = input::parse_yaml_text(std::string(text), yaml_diags);
    if (loaded.root && !yaml_diags.has_errors() && input::to_json(*loaded.root) == doc) {
      input::Diagnostics marked(label);
      schema->check(*loaded.root, doc, marked);
      if (marked.has_errors()) diags = marked;
    }
    diags.sort_and_dedupe();
    return Status::error(Code::invalid_input, diagnostics_text(diags));
  }
  try {
    return from_json(doc, label);
  } catch (const json::exception& e) {
    return Status::error(Code::invalid_input, label + ": a field has an unexpected type or value (" +
                                                  escape_for_terminal(e.what()) + ")");
  }
}

}  // namespace adrestore::sim
