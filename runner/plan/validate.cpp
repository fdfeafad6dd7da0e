#include "plan/validate.h"

#include <algorithm>
#include <map>

#include "base/duration.h"
#include "base/embedded.h"
#include "base/text.h"
#include "plan/convert.h"
#include "plan/trust.h"
#include "input/json_convert.h"
#include "input/schema_check.h"
#include "platform/win_argv.h"

namespace adrestore::plan {

std::string_view restore_plan_schema_text() { return embedded_file("schema/restore-plan.schema.json"); }

namespace {

const input::SchemaChecker& plan_schema() {
  static const std::shared_ptr<input::SchemaChecker> checker = [] {
    auto c = input::SchemaChecker::create(restore_plan_schema_text());
    if (!c) throw Fatal{c.status()};
    return *c;
  }();
  return *checker;
}

// True when `key` contains `word` (lower-case ASCII) in any letter case.
bool contains_word(const std::string& key, std::string_view word) {
  if (key.size() < word.size()) return false;
  for (std::size_t i = 0; i + word.size() <= key.size(); ++i) {
    std::size_t k = 0;
    while (k < word.size() && std::tolower(static_cast<unsigned char>(key[i + k])) == word[k]) ++k;
    if (k == word.size()) return true;
  }
  return false;
}

// Rule 6: a key that looks like it holds a secret, anywhere in the tree. Runs on every node
// of every plan, so it builds a field path only where one is needed (a hit, or a subtree).
void check_secret_keys(const input::Node& n, const std::string& path, input::Diagnostics& diags) {
  if (n.is_map()) {
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
      const std::string& key = n.keys[i];
      const bool secretish = contains_word(key, "password") || contains_word(key, "secret") ||
                             contains_word(key, "pwd") || contains_word(key, "token");
      const input::Node& child = n.items[i];
      if (!secretish && !child.is_map() && !child.is_seq()) continue;
      const std::string child_path = input::path_child(path, key);
      if (secretish && child_path != "spec.credentials.passwordFrom") {
        diags.error(n.key_marks[i], child_path,
                    "'" + key +
                        "' looks like a literal secret; plans must not hold secrets. Use spec.credentials.passwordFrom "
                        "(env:NAME, prompt or file:PATH), and let hooks inherit secrets from the runner's environment");
      }
      check_secret_keys(child, child_path, diags);
    }
  } else if (n.is_seq()) {
    for (std::size_t i = 0; i < n.items.size(); ++i) {
      if (n.items[i].is_map() || n.items[i].is_seq()) check_secret_keys(n.items[i], input::path_index(path, i), diags);
    }
  }
}

void check_substitutions(const std::string& value, HookPhase phase, input::Mark mark, const std::string& path,
                         input::Diagnostics& diags) {
  std::size_t pos = 0;
  while ((pos = value.find("${", pos)) != std::string::npos) {
    const std::size_t end = value.find('}', pos + 2);
    if (end == std::string::npos) {
      diags.error(mark, path, "'${' is not closed; substitutions look like ${plan.name}");
      return;
    }
    const std::string name = value.substr(pos + 2, end - pos - 2);
    if (!is_known_substitution(name, phase)) {
      std::vector<std::string> known = {"plan.name", "plan.dc", "run.id", "run.stateDir", "backup.source"};
      if (phase == HookPhase::post) known.push_back("run.outcome");
      std::string msg = "unknown substitution ${" + name + "}";
      if (name == "run.outcome" && phase == HookPhase::pre) {
        msg += "; ${run.outcome} is only known to post hooks";
      } else if (auto guess = did_you_mean(name, known)) {
        msg += "; did you mean ${" + *guess + "}?";
      } else {
        msg += "; known: ${" + join(known, "}, ${") + "}";
      }
      diags.error(mark, path, msg);
    }
    pos = end + 1;
  }
}

void check_hook(const Hook& h, input::Diagnostics& diags) {
  if (h.timeout && (h.timeout_seconds < 1 || h.timeout_seconds > 86400)) {
    diags.error(h.timeout->mark, h.timeout->path, "timeout must be between 1s and 24h; found " + h.timeout->value);
  }
  if (!h.run.empty()) {
    const Field<std::string>& prog = h.run.front();
    const std::string& p = prog.value;
    const bool looks_like_path = p.find('\\') != std::string::npos || p.find('/') != std::string::npos ||
                                 (p.size() >= 2 && p[1] == ':');
    if (p.empty()) {
      diags.error(prog.mark, prog.path, "the program (element 0 of run) is empty");
    } else if (looks_like_path) {
      if (Result<WinPath> wp = WinPath::parse(p); !wp) {
        diags.error(prog.mark, prog.path,
                    "the program must be an absolute path or a bare program name: " + wp.status().message());
      }
    }
    if (platform::is_batch_program(p)) {  // also x.bat. and x.CMD: Windows strips trailing dots
      diags.error(prog.mark, prog.path,
                  "batch files (.bat, .cmd) are refused: Windows runs them through cmd.exe, and hooks never use a "
                  "shell. Call a program directly");
    }
  }
  for (const Field<std::string>& arg : h.run) check_substitutions(arg.value, h.phase, arg.mark, arg.path, diags);
  for (std::size_t i = 0; i < h.env.size(); ++i) {
    const auto& [k, v] = h.env[i];
    const std::string path = input::path_child(input::path_child(h.path, "env"), k);
    bool ok = !k.empty() && k.size() <= 128 && (std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_');
    for (char c : k) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok) {
      diags.error(h.env_key_marks[i], path,
                  "'" + escape_for_terminal(k) + "' is not a valid environment variable name (letters, digits, _)");
    }
    if (starts_with(to_lower_ascii(k), "adrestore_")) {
      diags.error(h.env_key_marks[i], path, "ADRESTORE_* variables are set by adrestore itself and cannot be overridden");
    }
    check_substitutions(v, h.phase, h.env_value_marks[i], path, diags);
  }
}

}  // namespace

bool is_known_substitution(const std::string& name, HookPhase phase) {
  if (name == "plan.name" || name == "plan.dc" || name == "run.id" || name == "run.stateDir" ||
      name == "backup.source") {
    return true;
  }
  return name == "run.outcome" && phase == HookPhase::post;
}

std::string check_distinguished_name(const std::string& dn) {
  // RDN ( "," RDN )*, RDN = attr "=" value ( "+" attr "=" value )*; values may escape
  // special characters with '\' or \XX hex pairs (RFC 4514 section 3).
  std::size_t i = 0;
  const std::size_t n = dn.size();
  if (n == 0) return "is empty";
  while (i < n) {
    // attribute type: a name (letter, then letters, digits, '-') or a dotted OID
    const std::size_t type_start = i;
    if (std::isalpha(static_cast<unsigned char>(dn[i]))) {
      while (i < n && (std::isalnum(static_cast<unsigned char>(dn[i])) || dn[i] == '-')) ++i;
    } else if (std::isdigit(static_cast<unsigned char>(dn[i]))) {
      while (i < n && (std::isdigit(static_cast<unsigned char>(dn[i])) || dn[i] == '.')) ++i;
    }
    if (i == type_start) return "has a component without an attribute name (expected NAME=value) at character " + std::to_string(i + 1);
    if (i >= n || dn[i] != '=') return "is missing '=' after '" + dn.substr(type_start, i - type_start) + "'";
    ++i;
    const std::size_t value_start = i;
    while (i < n && dn[i] != ',' && dn[i] != '+') {
      if (dn[i] == '\\') {
        if (i + 1 >= n) return "ends with a lone backslash";
        const char e = dn[i + 1];
        if (std::isxdigit(static_cast<unsigned char>(e))) {
          if (i + 2 >= n || !std::isxdigit(static_cast<unsigned char>(dn[i + 2]))) return "has a bad \\XX escape";
          i += 3;
          continue;
        }
        static const std::string special = " \"#+,;<=>\\";
        if (special.find(e) == std::string::npos) return "has an unknown escape '\\" + std::string(1, e) + "'";
        i += 2;
        continue;
      }
      if (dn[i] == '"' || dn[i] == ';' || dn[i] == '<' || dn[i] == '>') {
        return "has an unescaped '" + std::string(1, dn[i]) + "'; escape it with a backslash";
      }
      ++i;
    }
    if (i == value_start) return "has an empty value after '" + dn.substr(type_start, value_start - 1 - type_start) + "='";
    if (i < n) {
      ++i;  // ',' or '+'
      if (i >= n) return "ends with a separator";
    }
  }
  return {};
}

void check_semantics(const input::Node& root, const Plan& plan, input::Diagnostics& diags) {

  // Rule 5: ranges.
  if (const input::Node* spec = root.get("spec")) {
    if (const input::Node* backup = spec->get("backup")) {
      if (const input::Node* age = backup->get("maxAge"); age && age->is_scalar() && !diags.has_error_at(age->mark)) {
        if (plan.max_age_seconds < 86400 || plan.max_age_seconds > 3650LL * 86400) {
          diags.error(age->mark, "spec.backup.maxAge",
                      "maxAge must be between 1d and 3650d; found " + age->value);
        }
      }
    }
  }

  // Rules 1-3: paths and containment.
  struct NamedPath {
    const Field<WinPath>* field;
    const char* what;
  };
  std::vector<NamedPath> dests;
  if (plan.dest_database) dests.push_back({&*plan.dest_database, "database destination"});
  if (plan.dest_logs) dests.push_back({&*plan.dest_logs, "logs destination"});
  if (plan.dest_checkpoint) dests.push_back({&*plan.dest_checkpoint, "checkpoint destination"});
  const bool have_source = plan.backup_source.mark.line > 0;
  if (have_source) {
    const WinPath& src = plan.backup_source.value;
    for (const NamedPath& d : dests) {
      const WinPath& dest = d.field->value;
      if (dest.equals(src)) {
        diags.error(d.field->mark, d.field->path,
                    std::string("the ") + d.what + " " + dest.str() + " is the backup source " + src.str() +
                        "; restoring there would overwrite the backup set");
      } else if (dest.is_inside(src)) {
        diags.error(d.field->mark, d.field->path,
                    std::string("the ") + d.what + " " + dest.str() + " lies inside the backup source " + src.str() +
                        "; restoring there would overwrite the backup set");
      } else if (src.is_inside(dest)) {
        diags.error(plan.backup_source.mark, plan.backup_source.path,
                    "the backup source " + src.str() + " lies inside the " + d.what + " " + dest.str() +
                        "; clearing the destination would destroy the backup set");
      }
    }
    if (plan.quarantine) {
      const WinPath& q = plan.quarantine->value;
      if (q.equals(src)) {
        diags.error(plan.quarantine->mark, plan.quarantine->path,
                    "the quarantine " + q.str() + " is the backup source; quarantined files would mix with the backup set");
      } else if (q.is_inside(src)) {
        diags.error(plan.quarantine->mark, plan.quarantine->path,
                    "the quarantine " + q.str() + " lies inside the backup source " + src.str() +
                        "; quarantined files would mix with the backup set");
      } else if (src.is_inside(q)) {
        diags.error(plan.quarantine->mark, plan.quarantine->path,
                    "the quarantine " + q.str() + " contains the backup source " + src.str() +
                        "; keep the backup set out of the quarantine");
      }
    }
  }
  if (plan.quarantine) {
    for (const NamedPath& d : dests) {
      if (plan.quarantine->value.equals_or_inside(d.field->value)) {
        diags.error(plan.quarantine->mark, plan.quarantine->path,
                    "the quarantine " + plan.quarantine->value.str() +
                        (plan.quarantine->value.equals(d.field->value) ? " is the " : " lies inside the ") + d.what +
                        " " + d.field->value.str() + "; clearing the destination would sweep up the quarantine");
      }
    }
  }

  // Authoritative DNs (RFC 4514).
  for (const auto* list : {&plan.authoritative_subtrees, &plan.authoritative_objects}) {
    for (const Field<std::string>& dn : *list) {
      if (diags.has_error_at(dn.mark)) continue;  // the schema already refused it (too short, not a string)
      if (std::string why = check_distinguished_name(dn.value); !why.empty()) {
        diags.error(dn.mark, dn.path, "'" + escape_for_terminal(dn.value) + "' is not a distinguished name: it " + why);
      }
    }
  }

  // Rule 4 and hook checks.
  std::map<std::string, const Hook*> seen;
  for (const auto* list : {&plan.pre_hooks, &plan.post_hooks}) {
    for (const Hook& h : *list) {
      check_hook(h, diags);
      if (h.name.value.empty()) continue;
      auto [it, inserted] = seen.emplace(h.name.value, &h);
      if (!inserted) {
        diags.error(h.name.mark, h.name.path,
                    "hook name '" + h.name.value + "' is already used by " + it->second->path +
                        " (line " + std::to_string(it->second->name.mark.line) + "); hook names must be unique");
      }
    }
  }

  // Label keys are free-form but bounded.
  if (const input::Node* labels = root.get("metadata") ? root.get("metadata")->get("labels") : nullptr;
      labels && labels->is_map()) {
    for (std::size_t i = 0; i < labels->keys.size(); ++i) {
      if (labels->keys[i].empty() || labels->keys[i].size() > 63) {
        diags.error(labels->key_marks[i], input::path_child("metadata.labels", labels->keys[i]),
                    "label names must be 1 to 63 characters long");
      }
    }
  }
}

PlanLoad load_plan_text(std::string text, const std::string& display_name, const input::GuardLimits& limits) {
  PlanLoad out;
  out.diags = input::Diagnostics(display_name);
  input::Loaded loaded = input::parse_yaml_text(std::move(text), out.diags, limits);
  out.failure = loaded.failure;
  out.text = std::move(loaded.text);
  if (!loaded.root) return out;
  const input::Node& root = *loaded.root;
  if (!root.is_map()) {
    out.diags.error(root.mark, {}, "a plan must be a map with apiVersion, kind, metadata and spec; found " +
                                       input::describe_node(root));
    out.failure = input::LoadFailure::rejected;
    return out;
  }
  // A forest plan given where a restore plan is expected: one clear error, not a schema's worth.
  if (const input::Node* kind = root.get("kind"); kind && kind->is_scalar() && kind->value == "ForestRecoveryPlan") {
    out.diags.error(kind->mark, "kind",
                    "this is a forest recovery plan, not a restore plan: adrestore validate and adrestore plan take it "
                    "(doc/forest.md); each first DC's own RestorePlan is what runs on that DC");
    return out;
  }
  check_secret_keys(root, {}, out.diags);  // first, so the schema does not call the key merely unknown
  plan_schema().check(root, input::to_json(root), out.diags);
  Plan plan = convert_plan(root, display_name, out.diags);
  check_semantics(root, plan, out.diags);
  out.diags.sort_and_dedupe();
  if (!out.diags.has_errors()) out.plan = std::move(plan);
  return out;
}

PlanLoad load_plan_file(const std::string& path) {
  input::Diagnostics diags(path);
  Result<std::string> text = input::read_capped_file(path, input::GuardLimits{}.max_bytes);
  if (!text) {
    PlanLoad out;
    out.diags = input::Diagnostics(path);
    out.diags.error({}, {}, text.status().message());
    out.failure = input::LoadFailure::unreadable;
    return out;
  }
  PlanLoad out = load_plan_text(std::move(*text), path);
  // Key files are read only for a plan that is otherwise valid, relative to its own folder.
  if (out.plan && out.plan->backup_trust) {
    read_trust_key_files(*out.plan, path, out.diags);
    if (out.diags.has_errors()) out.plan.reset();
  }
  return out;
}

}  // namespace adrestore::plan
