#include "plantest/load.h"

#include <filesystem>

#include "base/duration.h"
#include "base/embedded.h"
#include "base/text.h"
#include "base/winpath.h"
#include "input/json_convert.h"
#include "input/schema_check.h"

namespace adrestore::plantest {
namespace {

using input::Node;

const input::SchemaChecker& test_schema() {
  static const std::shared_ptr<input::SchemaChecker> checker = [] {
    auto c = input::SchemaChecker::create(embedded_file("schema/plan-test.schema.json"));
    if (!c) throw Fatal{c.status()};
    return *c;
  }();
  return *checker;
}

const Node* at(const Node* n, const char* key) { return n ? n->get(key) : nullptr; }

std::vector<std::string> strings(const Node* n) {
  std::vector<std::string> out;
  if (n && n->is_seq()) {
    for (const Node& item : n->items) {
      if (item.is_scalar()) out.push_back(item.value);
    }
  }
  return out;
}

bool parse_bool(const Node* n, bool& out) {
  if (!n || !n->is_scalar() || n->quoted) return false;
  out = n->value == "true" || n->value == "True" || n->value == "TRUE";
  return true;
}

// A byte count given as 1234 or "10Mi", or a share of a total given as "50%".
std::string check_byte_amount(const Node& n, bool allow_percent) {
  if (!n.is_scalar()) return "expected a byte count such as 10Mi";
  const std::string& v = n.value;
  if (allow_percent && ends_with(v, "%")) {
    const std::string num = v.substr(0, v.size() - 1);
    if (num.empty() || num.size() > 3 || num.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(num) > 100) {
      return "'" + v + "' is not a percentage from 0% to 100%";
    }
    return {};
  }
  if (!parse_size(v)) return "'" + v + "' is not a byte count (use 4096, 10Mi or 2Gi" + (allow_percent ? ", or 50%)" : ")");
  return {};
}

void convert(const Node& root, PlanTest& t, input::Diagnostics& diags, const std::string& display_name) {
  t.file = display_name;
  if (const Node* n = at(at(&root, "metadata"), "name"); n && n->is_scalar()) t.name = n->value;
  if (const Node* p = root.get("plan"); p && p->is_scalar()) {
    t.plan_mark = p->mark;
    const std::filesystem::path base = std::filesystem::path(display_name).parent_path();
    t.plan_path = (base / p->value).lexically_normal().generic_string();
  }

  const Node* w = root.get("world");
  WorldSpec& ws = t.world;
  if (const Node* n = at(w, "dc"); n && n->is_scalar()) ws.dc = n->value;
  bool b = false;
  if (parse_bool(at(w, "ntdsOnline"), b)) ws.ntds_online = b;
  if (parse_bool(at(w, "dsrm"), b)) ws.dsrm = b;
  if (const Node* n = at(w, "privileges")) ws.privileges = strings(n);
  if (const Node* n = at(w, "tombstoneLifetime"); n && n->is_scalar()) {
    if (auto s = parse_duration_seconds(n->value)) ws.tombstone_seconds = *s;
  }
  const Node* loc = at(w, "locations");
  for (auto [key, field] : {std::pair<const char*, std::optional<std::string>*>{"database", &ws.loc_database},
                            {"logs", &ws.loc_logs},
                            {"checkpoint", &ws.loc_checkpoint}}) {
    if (const Node* n = at(loc, key); n && n->is_scalar()) *field = n->value;
  }
  if (const Node* ef = at(w, "existingFiles"); ef && ef->is_seq()) {
    for (std::size_t i = 0; i < ef->items.size(); ++i) {
      const Node& item = ef->items[i];
      if (!item.is_scalar()) continue;
      if (auto p = WinPath::parse(item.value); !p) {
        diags.error(item.mark, input::path_index("world.existingFiles", i), p.status().message());
      } else {
        ws.existing_files.push_back(p->str());
      }
    }
  }
  const Node* bk = at(w, "backup");
  if (const Node* n = at(bk, "ageDays"); n && n->is_scalar()) ws.backup_age_days = std::atoll(n->value.c_str());
  if (const Node* n = at(bk, "dc"); n && n->is_scalar()) ws.backup_dc = n->value;
  if (const Node* n = at(bk, "signWith"); n && n->is_scalar()) {
    const std::filesystem::path base = std::filesystem::path(display_name).parent_path();
    ws.backup_sign_key = (base / n->value).lexically_normal().generic_string();
  }
  if (const Node* n = at(bk, "databaseSize"); n && n->is_scalar()) {
    if (auto s = parse_size(n->value)) ws.database_size = *s;
  }
  if (const Node* n = at(bk, "logs"); n && n->is_scalar()) ws.logs = std::atoi(n->value.c_str());
  if (const Node* progs = at(w, "programs"); progs && progs->is_map()) {
    for (std::size_t i = 0; i < progs->keys.size(); ++i) {
      const std::string& key = progs->keys[i];
      const std::string path = input::path_child("world.programs", key);
      const auto parsed = WinPath::parse(key);
      if (!parsed) {
        diags.error(progs->key_marks[i], path, parsed.status().message());
        continue;
      }
      ProgramStandIn s;
      const Node& p = progs->items[i];
      if (const Node* n = p.get("exit"); n && n->is_scalar()) s.exit_code = std::atoi(n->value.c_str());
      if (const Node* n = p.get("stdout"); n && n->is_scalar()) s.out = n->value;
      if (const Node* n = p.get("stderr"); n && n->is_scalar()) s.err = n->value;
      if (const Node* n = p.get("sleep"); n && n->is_scalar()) {
        if (auto d = parse_duration_seconds(n->value)) s.sleep_seconds = *d;
      }
      ws.programs[parsed->str()] = s;
    }
  }

  if (const Node* faults = root.get("faults"); faults && faults->is_seq()) {
    t.faults = input::to_json(*faults);
    for (std::size_t i = 0; i < faults->items.size(); ++i) {
      const Node& f = faults->items[i];
      const std::string path = input::path_index("faults", i);
      if (!f.is_map()) continue;
      int kinds = 0;
      for (const char* k : {"call", "crash", "diskFull", "corrupt", "journalFull", "locked", "boot", "ese"}) kinds += f.get(k) ? 1 : 0;
      if (kinds != 1) {
        diags.error(f.mark, path,
                    "a fault is exactly one of call (with hresult), crash, diskFull, corrupt, journalFull, locked, boot or ese; found " +
                        std::to_string(kinds));
        continue;
      }
      if (f.get("call") && !f.get("hresult")) diags.error(f.mark, path, "a call fault needs an hresult (a name such as hrCouldNotConnect, or 0x...)");
      if (!f.get("call") && (f.get("hresult") || f.get("times"))) {
        diags.error(f.mark, path, "hresult and times go with a call fault only");
      }
      if (const Node* c = f.get("crash")) {
        t.has_crash = true;
        if (const Node* ab = c->get("afterBytes")) {
          if (std::string why = check_byte_amount(*ab, true); !why.empty()) diags.error(ab->mark, path + ".crash.afterBytes", why);
        }
      }
      if (const Node* d = f.get("diskFull")) {
        if (const Node* ab = d->get("afterBytes")) {
          if (std::string why = check_byte_amount(*ab, false); !why.empty()) diags.error(ab->mark, path + ".diskFull.afterBytes", why);
        }
        if (const Node* p = d->get("path"); p && p->is_scalar()) {
          if (auto wp = WinPath::parse(p->value); !wp) diags.error(p->mark, path + ".diskFull.path", wp.status().message());
        }
      }
    }
  }
  t.rerun_hooks = strings(at(root.get("resume"), "rerunHooks"));
  t.skip_hooks = strings(at(root.get("resume"), "skipHooks"));

  const Node* ex = root.get("expect");
  Expectations& e = t.expect;
  if (const Node* n = at(ex, "outcome"); n && n->is_scalar()) e.outcome = {n->value, n->mark, true};
  if (const Node* n = at(ex, "failedStep")) {
    e.failed_step.set = true;
    e.failed_step.mark = n->mark;
    if (n->is_scalar() && !(n->kind == Node::Kind::null)) e.failed_step.value = n->value;
  }
  if (const Node* n = at(ex, "exitCode"); n && n->is_scalar()) e.exit_code = {std::atoi(n->value.c_str()), n->mark, true};
  if (const Node* n = at(ex, "calls"); n && n->is_seq()) e.calls = {strings(n), n->mark, true};
  if (const Node* n = at(ex, "callsInclude"); n && n->is_seq()) e.calls_include = {strings(n), n->mark, true};
  if (const Node* n = at(ex, "files"); n && n->is_map()) {
    for (std::size_t i = 0; i < n->keys.size(); ++i) {
      auto p = WinPath::parse(n->keys[i]);
      if (!p) {
        diags.error(n->key_marks[i], input::path_child("expect.files", n->keys[i]), p.status().message());
        continue;
      }
      if (n->items[i].is_scalar()) e.files.push_back({p->str(), {n->items[i].value, n->key_marks[i], true}});
    }
  }
  if (const Node* n = at(ex, "hooks"); n && n->is_map()) {
    for (std::size_t i = 0; i < n->keys.size(); ++i) {
      if (n->items[i].is_scalar()) e.hooks.push_back({n->keys[i], {n->items[i].value, n->key_marks[i], true}});
    }
  }
  if (bool v = false; parse_bool(at(ex, "dcStarts"), v)) e.dc_starts = {v, at(ex, "dcStarts")->mark, true};
  if (e.outcome.set && e.outcome.value == "succeeded" && e.failed_step.value) {
    diags.error(e.failed_step.mark, "expect.failedStep", "a succeeded run has no failed step; use null or remove it");
  }
}

}  // namespace

PlanTestLoad load_plan_test_text(std::string text, const std::string& display_name) {
  PlanTestLoad out;
  out.diags = input::Diagnostics(display_name);
  input::Loaded loaded = input::parse_yaml_text(std::move(text), out.diags);
  out.failure = loaded.failure;
  if (!loaded.root) return out;
  const Node& root = *loaded.root;
  if (!root.is_map()) {
    out.diags.error(root.mark, {}, "a plan test must be a map with apiVersion, kind: PlanTest, metadata, plan and expect");
    out.failure = input::LoadFailure::rejected;
    return out;
  }
  test_schema().check(root, input::to_json(root), out.diags);
  PlanTest t;
  convert(root, t, out.diags, display_name);
  out.diags.sort_and_dedupe();
  if (!out.diags.has_errors()) out.test = std::move(t);
  return out;
}

PlanTestLoad load_plan_test_file(const std::string& path) {
  auto text = input::read_capped_file(path, input::GuardLimits{}.max_bytes);
  if (!text) {
    PlanTestLoad out;
    out.diags = input::Diagnostics(path);
    out.diags.error({}, {}, text.status().message());
    out.failure = input::LoadFailure::unreadable;
    return out;
  }
  return load_plan_test_text(std::move(*text), path);
}

}  // namespace adrestore::plantest
