#include "plan/convert.h"

#include "base/duration.h"
#include "base/text.h"
#include "plan/trust.h"

namespace adrestore::plan {
namespace {

const input::Node* at(const input::Node* n, const char* key) { return n ? n->get(key) : nullptr; }

bool is_string(const input::Node* n) { return n && n->is_scalar(); }

// Parses a Windows path; a malformed one is reported (rule 1) and skipped.
std::optional<Field<WinPath>> path_field(const input::Node* n, const std::string& path, input::Diagnostics& diags) {
  if (!is_string(n)) return std::nullopt;
  Result<WinPath> p = WinPath::parse(n->value);
  if (!p) {
    if (!diags.has_error_at(n->mark)) diags.error(n->mark, path, p.status().message());
    return std::nullopt;
  }
  return Field<WinPath>{*p, n->mark, path};
}

std::vector<std::pair<std::string, std::string>> string_map(const input::Node* n) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!n || !n->is_map()) return out;
  for (std::size_t i = 0; i < n->keys.size(); ++i) {
    if (is_string(&n->items[i])) out.emplace_back(n->keys[i], n->items[i].value);
  }
  return out;
}

Hook convert_hook(const input::Node& n, HookPhase phase, std::size_t index, const std::string& path, input::Diagnostics& diags) {
  Hook h;
  h.phase = phase;
  h.index = index;
  h.path = path;
  h.mark = n.mark;
  h.on_error = phase == HookPhase::pre ? OnError::fail : OnError::keep_going;
  h.name = str_field(n.get("name"), input::path_child(path, "name"));
  h.run = string_list(n.get("run"), input::path_child(path, "run"));
  if (const input::Node* t = n.get("timeout"); is_string(t)) {
    if (auto s = parse_duration_seconds(t->value)) {
      h.timeout_seconds = *s;
      h.timeout = str_field(t, input::path_child(path, "timeout"));
    }
  }
  if (const input::Node* e = n.get("onError"); is_string(e)) {
    h.on_error = e->value == "continue" ? OnError::keep_going : OnError::fail;
  }
  if (const input::Node* w = n.get("when"); is_string(w)) {
    h.when = w->value == "success" ? When::success : w->value == "failure" ? When::failure : When::always;
  }
  if (const input::Node* env = n.get("env"); env && env->is_map()) {
    for (std::size_t i = 0; i < env->keys.size(); ++i) {
      if (!is_string(&env->items[i])) continue;
      h.env.emplace_back(env->keys[i], env->items[i].value);
      h.env_key_marks.push_back(env->key_marks[i]);
      h.env_value_marks.push_back(env->items[i].mark);
    }
  }
  h.working_dir = path_field(n.get("workingDir"), input::path_child(path, "workingDir"), diags);
  if (const input::Node* i = n.get("idempotent"); is_string(i)) h.idempotent = (i->value == "true" || i->value == "True");
  return h;
}

}  // namespace

Field<std::string> str_field(const input::Node* n, const std::string& path) {
  Field<std::string> f;
  if (is_string(n)) {
    f.value = n->value;
    f.mark = n->mark;
  }
  f.path = path;
  return f;
}

std::vector<Field<std::string>> string_list(const input::Node* n, const std::string& path) {
  std::vector<Field<std::string>> out;
  if (!n || !n->is_seq()) return out;
  for (std::size_t i = 0; i < n->items.size(); ++i) {
    if (is_string(&n->items[i])) out.push_back(str_field(&n->items[i], input::path_index(path, i)));
  }
  return out;
}

Plan convert_plan(const input::Node& root, const std::string& file, input::Diagnostics& diags) {
  Plan p;
  p.file = file;
  const input::Node* meta = root.get("metadata");
  p.name = str_field(at(meta, "name"), "metadata.name");
  p.domain_controller = str_field(at(meta, "domainController"), "metadata.domainController");
  if (const input::Node* d = at(meta, "description"); is_string(d)) p.description = d->value;
  p.labels = string_map(at(meta, "labels"));

  const input::Node* spec = root.get("spec");
  const input::Node* backup = at(spec, "backup");
  if (auto src = path_field(at(backup, "source"), "spec.backup.source", diags)) p.backup_source = *src;
  if (const input::Node* m = at(backup, "manifest"); is_string(m)) p.manifest_name = m->value;
  if (const input::Node* a = at(backup, "maxAge"); is_string(a)) {
    if (auto s = parse_duration_seconds(a->value)) p.max_age_seconds = *s;
  }
  convert_trust(backup, p, diags);

  const input::Node* restore = at(spec, "restore");
  const input::Node* auth = at(restore, "authoritative");
  p.authoritative_subtrees = string_list(at(auth, "subtrees"), "spec.restore.authoritative.subtrees");
  p.authoritative_objects = string_list(at(auth, "objects"), "spec.restore.authoritative.objects");
  const input::Node* dest = at(restore, "destinations");
  p.dest_database = path_field(at(dest, "database"), "spec.restore.destinations.database", diags);
  p.dest_logs = path_field(at(dest, "logs"), "spec.restore.destinations.logs", diags);
  p.dest_checkpoint = path_field(at(dest, "checkpoint"), "spec.restore.destinations.checkpoint", diags);
  if (const input::Node* f = at(restore, "onLocationsFailure"); is_string(f) && f->value == "fail") {
    p.on_locations_failure = LocationsFailure::fail;
  }
  if (const input::Node* e = at(restore, "existingFiles"); is_string(e) && e->value == "delete") {
    p.existing_files = ExistingFiles::remove;
  }
  p.quarantine = path_field(at(restore, "quarantine"), "spec.restore.quarantine", diags);

  if (const input::Node* c = at(spec, "credentials"); c && c->is_map()) {
    Credentials cr;
    cr.user = str_field(c->get("user"), "spec.credentials.user");
    if (const input::Node* d = c->get("domain"); is_string(d)) cr.domain = str_field(d, "spec.credentials.domain");
    cr.password_from = str_field(c->get("passwordFrom"), "spec.credentials.passwordFrom");
    const std::string& pf = cr.password_from.value;
    if (starts_with(pf, "env:")) {
      cr.source = PasswordSource::env;
      cr.source_arg = pf.substr(4);
    } else if (starts_with(pf, "file:")) {
      cr.source = PasswordSource::file;
      cr.source_arg = pf.substr(5);
    } else {
      cr.source = PasswordSource::prompt;
    }
    p.credentials = cr;
  }

  const input::Node* hooks = at(spec, "hooks");
  for (HookPhase phase : {HookPhase::pre, HookPhase::post}) {
    const char* key = phase == HookPhase::pre ? "pre" : "post";
    const input::Node* list = at(hooks, key);
    if (!list || !list->is_seq()) continue;
    auto& out = phase == HookPhase::pre ? p.pre_hooks : p.post_hooks;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      if (!list->items[i].is_map()) continue;
      out.push_back(convert_hook(list->items[i], phase, i, input::path_index(std::string("spec.hooks.") + key, i), diags));
    }
  }
  if (const input::Node* r = at(at(spec, "afterRestore"), "restart"); is_string(r) && r->value == "normal-mode") {
    p.restart = Restart::normal_mode;
  }
  return p;
}

}  // namespace adrestore::plan
