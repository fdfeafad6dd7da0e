#include "forest/convert.h"

#include <filesystem>

#include "base/duration.h"
#include "plan/convert.h"

namespace adrestore::forest {
namespace {

bool is_string(const input::Node* n) { return n && n->is_scalar(); }

// A duration field: its seconds and its text, when it parses (the schema reports the rest).
std::optional<Field<std::string>> duration_field(const input::Node* n, const std::string& path, std::int64_t& seconds) {
  if (!is_string(n)) return std::nullopt;
  const std::optional<std::int64_t> s = parse_duration_seconds(n->value);
  if (!s) return std::nullopt;
  seconds = *s;
  return plan::str_field(n, path);
}

// Relative to the forest file's folder, as the user would write it from where they stand.
std::string resolve_beside(const std::string& file, const std::string& relative) {
  const std::filesystem::path folder = std::filesystem::path(file).parent_path();
  return (folder / relative).lexically_normal().generic_string();
}

Domain convert_domain(const input::Node& n, std::size_t index, const std::string& path, const std::string& file) {
  Domain d;
  d.index = index;
  d.path = path;
  d.mark = n.mark;
  d.name = plan::str_field(n.get("name"), input::path_child(path, "name"));
  if (const input::Node* p = n.get("parent"); is_string(p)) {
    d.parent = plan::str_field(p, input::path_child(path, "parent"));
  }
  const std::string dc_path = input::path_child(path, "firstDC");
  if (const input::Node* dc = n.get("firstDC"); dc && dc->is_map()) {
    d.first_dc.plan_file = plan::str_field(dc->get("plan"), input::path_child(dc_path, "plan"));
    if (d.first_dc.plan_file.mark.line > 0) d.first_dc.plan_path = resolve_beside(file, d.first_dc.plan_file.value);
    if (const input::Node* s = dc->get("seizeRoles"); is_string(s)) {
      d.first_dc.seize_roles = {s->value == "all" ? SeizeRoles::all : SeizeRoles::domain, s->mark,
                                input::path_child(dc_path, "seizeRoles")};
    }
    if (const input::Node* k = dc->get("restoreKind"); is_string(k) && k->value == "fullServer") {
      d.first_dc.restore_kind = RestoreKind::full_server;
    }
  }
  if (const input::Node* s = n.get("sysvol"); is_string(s)) {
    d.sysvol = {s->value == "nonAuthoritative" ? Sysvol::non_authoritative : Sysvol::authoritative, s->mark,
                input::path_child(path, "sysvol")};
  }
  d.cleanup = plan::string_list(n.get("cleanup"), input::path_child(path, "cleanup"));
  d.former_role_holders = plan::string_list(n.get("formerRoleHolders"), input::path_child(path, "formerRoleHolders"));
  d.trusts = plan::string_list(n.get("trusts"), input::path_child(path, "trusts"));
  if (const input::Node* rid = n.get("ridPool"); rid && rid->is_map()) {
    if (const input::Node* r = rid->get("raiseBy"); is_string(r) && !r->quoted) {
      try {
        d.rid_raise_by = std::stoll(r->value);
      } catch (const std::exception&) {  // not an integer: the schema reported it
      }
    }
  }
  if (const input::Node* k = n.get("krbtgt"); k && k->is_map()) {
    const std::string kpath = input::path_child(path, "krbtgt");
    d.krbtgt_interval = duration_field(k->get("minInterval"), input::path_child(kpath, "minInterval"),
                                       d.krbtgt_interval_seconds);
    if (const input::Node* a = k->get("acknowledgeShortInterval"); is_string(a)) {
      d.krbtgt_acknowledgement = plan::str_field(a, input::path_child(kpath, "acknowledgeShortInterval"));
    }
  }
  return d;
}

}  // namespace

ForestPlan convert_forest(const input::Node& root, const std::string& file) {
  ForestPlan f;
  f.file = file;
  if (const input::Node* meta = root.get("metadata"); meta && meta->is_map()) {
    f.name = plan::str_field(meta->get("name"), "metadata.name");
    if (const input::Node* d = meta->get("description"); is_string(d)) f.description = d->value;
  }
  const input::Node* spec = root.get("spec");
  if (!spec || !spec->is_map()) return f;
  f.forest = plan::str_field(spec->get("forest"), "spec.forest");
  if (const input::Node* b = spec->get("breach"); is_string(b) && !b->quoted) {
    f.breach = {b->value == "true" || b->value == "True" || b->value == "TRUE", b->mark, "spec.breach"};
  }
  f.tombstone = duration_field(spec->get("tombstoneLifetime"), "spec.tombstoneLifetime", f.tombstone_seconds);
  if (const input::Node* ds = spec->get("domains"); ds && ds->is_seq()) {
    for (std::size_t i = 0; i < ds->items.size(); ++i) {
      if (!ds->items[i].is_map()) continue;
      f.domains.push_back(convert_domain(ds->items[i], i, input::path_index("spec.domains", i), file));
    }
  }
  return f;
}

}  // namespace adrestore::forest
