#include "graph/invariants.h"

#include <map>
#include <optional>
#include <set>

#include "graph/compile.h"

namespace adrestore::graph {
namespace {

// The checker's own view of each kind, written from step-graph.md rather than taken from the
// compiler: the id it must carry, its class, and (for finalisers) its guard.
struct KindRule {
  StepKind kind;
  const char* id;  // nullptr for hooks
  StepClass step_class;
  const char* guard;  // finalisers only
  bool required;      // present in every graph
};

const std::vector<KindRule>& kind_rules() {
  static const std::vector<KindRule> rules = {
      {StepKind::preflight_host, ids::k_preflight_host, StepClass::read_only, nullptr, true},
      {StepKind::preflight_privilege, ids::k_preflight_privilege, StepClass::read_only, nullptr, true},
      {StepKind::preflight_credentials, ids::k_preflight_credentials, StepClass::read_only, nullptr, false},
      {StepKind::preflight_ntds_offline, ids::k_preflight_ntds_offline, StepClass::read_only, nullptr, true},
      {StepKind::backup_verify, ids::k_backup_verify, StepClass::read_only, nullptr, true},
      {StepKind::pre_hook, nullptr, StepClass::state_changing, nullptr, false},
      {StepKind::restore_prepare, ids::k_restore_prepare, StepClass::state_changing, nullptr, true},
      {StepKind::restore_locations, ids::k_restore_locations, StepClass::read_only, nullptr, true},
      {StepKind::restore_register, ids::k_restore_register, StepClass::state_changing, nullptr, true},
      {StepKind::files_clear, ids::k_files_clear, StepClass::state_changing, nullptr, true},
      {StepKind::files_copy, ids::k_files_copy, StepClass::state_changing, nullptr, true},
      {StepKind::restore_complete, ids::k_restore_complete, StepClass::finaliser, ids::k_restore_register, true},
      {StepKind::restore_end, ids::k_restore_end, StepClass::finaliser, ids::k_restore_prepare, true},
      {StepKind::restore_authoritative, ids::k_restore_authoritative, StepClass::state_changing, nullptr, false},
      {StepKind::post_hook, nullptr, StepClass::state_changing, nullptr, false},
      {StepKind::system_restart, ids::k_system_restart, StepClass::state_changing, nullptr, false},
      {StepKind::system_verify_online, ids::k_system_verify_online, StepClass::read_only, nullptr, false},
  };
  return rules;
}

const KindRule& rule_for(StepKind k) {
  for (const KindRule& r : kind_rules()) {
    if (r.kind == k) return r;
  }
  return kind_rules().front();
}

bool changes_state(StepKind k) { return rule_for(k).step_class != StepClass::read_only; }
bool is_preflight_or_verify(StepKind k) { return mandated_number(k) >= 1 && mandated_number(k) <= 5; }

std::string name(const Step& s) { return s.id + " (step " + std::to_string(s.number) + ")"; }

void check_step_fields(const Step& s, std::vector<std::string>& v) {
  const KindRule& r = rule_for(s.kind);
  if (s.number != mandated_number(s.kind)) {
    v.push_back(s.id + " is numbered " + std::to_string(s.number) + " but implements step " +
                std::to_string(mandated_number(s.kind)));
  }
  if (s.is_hook()) {
    const plan::HookPhase phase = s.kind == StepKind::pre_hook ? plan::HookPhase::pre : plan::HookPhase::post;
    if (!s.hook) {
      v.push_back(s.id + " is a hook step without hook inputs");
    } else {
      if (s.hook->phase != phase) v.push_back(s.id + " is a " + to_string(s.kind) + " step holding a hook of the other phase");
      if (s.id != hook_step_id(phase, s.hook->name)) {
        v.push_back(s.id + " should be named " + hook_step_id(phase, s.hook->name));
      }
      const RunsOn want = phase == plan::HookPhase::pre           ? RunsOn::success
                          : s.hook->when == plan::When::success   ? RunsOn::success
                          : s.hook->when == plan::When::failure   ? RunsOn::failure
                                                                  : RunsOn::always;
      if (s.runs_on != want) {
        v.push_back(s.id + " runs on " + to_string(s.runs_on) + " but its hook says " + to_string(want));
      }
    }
  } else {
    if (s.id != r.id) v.push_back("a " + std::string(to_string(s.kind)) + " step is named " + s.id + ", not " + r.id);
    const RunsOn want = r.step_class == StepClass::finaliser ? RunsOn::always : RunsOn::success;
    if (s.runs_on != want) v.push_back(s.id + " runs on " + to_string(s.runs_on) + ", not " + to_string(want));
  }
  if (s.step_class != r.step_class) {
    v.push_back(s.id + " is classed " + to_string(s.step_class) + " but is " + to_string(r.step_class));
  }
  const std::string want_guard = r.guard ? r.guard : "";
  if (s.guard != want_guard) {
    v.push_back(s.id + " has guard '" + s.guard + "' instead of '" + want_guard + "'");
  }
  const Phase want_phase = s.kind == StepKind::system_verify_online ? Phase::post_restart : Phase::restore;
  if (s.phase != want_phase) v.push_back(s.id + " is in phase " + to_string(s.phase) + ", not " + to_string(want_phase));
}

// The execution order and each step's place in it; nullopt, with the reason added to `v`,
// when the graph has a cycle.
struct OrderedSteps {
  std::vector<const Step*> order;
  std::map<std::string, std::size_t> pos;
};
std::optional<OrderedSteps> ordered_steps(const StepGraph& g, std::vector<std::string>& v) {
  if (Status s = g.check_acyclic(); !s) {
    v.push_back(s.message());
    return std::nullopt;
  }
  OrderedSteps o;
  o.order = *g.execution_order();
  for (std::size_t i = 0; i < o.order.size(); ++i) o.pos[o.order[i]->id] = i;
  return o;
}

}  // namespace

std::vector<std::string> check_invariants(const StepGraph& g) {
  std::vector<std::string> v;
  auto ordered = ordered_steps(g, v);
  if (!ordered) return v;
  const std::vector<const Step*>& order = ordered->order;
  std::map<std::string, std::size_t>& pos = ordered->pos;
  std::map<StepKind, std::vector<const Step*>> by_kind;
  for (const Step* s : order) {
    check_step_fields(*s, v);
    by_kind[s->kind].push_back(s);
  }
  auto first = [&](StepKind k) -> const Step* { return by_kind[k].empty() ? nullptr : by_kind[k].front(); };

  for (const KindRule& r : kind_rules()) {
    const std::size_t n = by_kind[r.kind].size();
    if (r.id && n > 1) v.push_back(std::string(r.id) + " appears " + std::to_string(n) + " times");
    if (r.required && n == 0) v.push_back(std::string("mandated step ") + r.id + " is missing");
  }

  // The order must be forced by edges, so no other topological order exists.
  std::set<std::pair<std::string, std::string>> order_edges;
  for (const Edge& e : g.edges()) {
    if (e.kind == EdgeKind::order) order_edges.emplace(e.from, e.to);
  }
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (!order_edges.count({order[i - 1]->id, order[i]->id})) {
      v.push_back("no order edge fixes " + order[i - 1]->id + " before " + order[i]->id +
                  "; another execution order would be possible");
    }
    if (order[i]->number < order[i - 1]->number) {
      v.push_back(name(*order[i]) + " runs after " + name(*order[i - 1]) + "; the mandated order is by step number");
    }
  }

  // Steps 1-5 before any hook or state-changing step.
  for (const Step* s : order) {
    if (!changes_state(s->kind)) continue;
    for (const Step* early : order) {
      if (is_preflight_or_verify(early->kind) && pos[s->id] < pos[early->id]) {
        v.push_back("state-changing step " + name(*s) + " runs before " + name(*early));
      }
    }
  }

  // 7 < 8 < 9 < 10 < 11 < 12 < 13, and 10 after 5.
  const StepKind chain[] = {StepKind::restore_prepare, StepKind::restore_locations, StepKind::restore_register,
                            StepKind::files_clear,     StepKind::files_copy,        StepKind::restore_complete,
                            StepKind::restore_end};
  for (std::size_t i = 1; i < sizeof chain / sizeof chain[0]; ++i) {
    const Step* a = first(chain[i - 1]);
    const Step* b = first(chain[i]);
    if (a && b && pos[b->id] <= pos[a->id]) v.push_back(name(*b) + " runs before " + name(*a));
  }
  if (const Step* clear = first(StepKind::files_clear); clear && first(StepKind::backup_verify)) {
    if (pos[clear->id] < pos[ids::k_backup_verify]) v.push_back("files.clear runs before backup.verify");
  }

  // Finalisers: guard present, earlier, and tied by a guard edge.
  for (const Step* s : order) {
    if (s->step_class != StepClass::finaliser || s->guard.empty()) continue;
    if (!pos.count(s->guard)) {
      v.push_back("finaliser " + s->id + " is guarded by " + s->guard + ", which is not in the graph");
      continue;
    }
    if (pos[s->guard] >= pos[s->id]) v.push_back("finaliser " + s->id + " runs before its guard " + s->guard);
    bool edge = false;
    for (const Edge& e : g.edges()) edge = edge || (e.kind == EdgeKind::guard && e.from == s->guard && e.to == s->id);
    if (!edge) v.push_back("finaliser " + s->id + " has no guard edge from " + s->guard);
  }

  // Hooks: pre between 5 and 7; post after 13 (and 14).
  const Step* verify = first(StepKind::backup_verify);
  const Step* prepare = first(StepKind::restore_prepare);
  const Step* end = first(StepKind::restore_end);
  const Step* auth = first(StepKind::restore_authoritative);
  for (const Step* h : by_kind[StepKind::pre_hook]) {
    if (verify && pos[h->id] < pos[verify->id]) v.push_back("pre hook " + h->id + " runs before backup.verify");
    if (prepare && pos[h->id] > pos[prepare->id]) v.push_back("pre hook " + h->id + " runs after restore.prepare");
  }
  for (const Step* h : by_kind[StepKind::post_hook]) {
    if (end && pos[h->id] < pos[end->id]) v.push_back("post hook " + h->id + " runs before restore.end");
    if (auth && pos[h->id] < pos[auth->id]) v.push_back("post hook " + h->id + " runs before restore.authoritative");
  }
  if (auth && end && pos[auth->id] < pos[end->id]) v.push_back("restore.authoritative runs before restore.end");

  // 16 after 13 and 14, success only; only the post-restart phase after it.
  const Step* restart = first(StepKind::system_restart);
  const Step* online = first(StepKind::system_verify_online);
  if (restart) {
    if (end && pos[restart->id] < pos[end->id]) v.push_back("system.restart runs before restore.end");
    if (auth && pos[restart->id] < pos[auth->id]) v.push_back("system.restart runs before restore.authoritative");
    for (std::size_t i = pos[restart->id] + 1; i < order.size(); ++i) {
      if (order[i]->phase != Phase::post_restart) v.push_back(order[i]->id + " runs after system.restart");
    }
    if (!online) v.push_back("system.restart has no post-restart check (" + std::string(ids::k_system_verify_online) + ")");
  }
  for (const Step* s : order) {
    if (s->phase != Phase::post_restart) continue;
    if (!restart) v.push_back(s->id + " belongs to the post-restart phase but nothing restarts");
    else if (pos[s->id] < pos[restart->id]) v.push_back(s->id + " runs before system.restart");
  }
  return v;
}

std::vector<std::string> check_invariants(const StepGraph& g, const plan::Plan& plan) {
  std::vector<std::string> v = check_invariants(g);
  auto present = [&](const char* id) { return g.find(id) != nullptr; };
  if (present(ids::k_preflight_credentials) != plan.credentials.has_value()) {
    v.push_back(std::string("preflight.credentials is ") + (plan.credentials ? "missing although" : "present although no") +
                " spec.credentials is set");
  }
  if (present(ids::k_restore_authoritative) != plan.authoritative()) {
    v.push_back(std::string("restore.authoritative is ") +
                (plan.authoritative() ? "missing although" : "present although no") + " authoritative DNs are listed");
  }
  if (const Step* a = g.find(ids::k_restore_authoritative)) {
    const std::size_t n = plan.authoritative_subtrees.size() + plan.authoritative_objects.size();
    if (a->inputs.size() != n) v.push_back("restore.authoritative does not list every authoritative DN of the plan");
  }
  const bool restart = plan.restart == plan::Restart::normal_mode;
  if (present(ids::k_system_restart) != restart) {
    v.push_back(std::string("system.restart is ") + (restart ? "missing although" : "present although") +
                " afterRestore.restart is normal-mode");
  }

  const std::vector<std::string> order = g.order_ids();
  for (const auto* list : {&plan.pre_hooks, &plan.post_hooks}) {
    std::vector<const Step*> got;
    for (const std::string& id : order) {
      const Step* s = g.find(id);
      const bool pre = list == &plan.pre_hooks;
      if (s->kind == (pre ? StepKind::pre_hook : StepKind::post_hook)) got.push_back(s);
    }
    if (got.size() != list->size()) {
      v.push_back("the graph has " + std::to_string(got.size()) + " hook steps for the plan's " +
                  std::to_string(list->size()) + " hooks of one phase");
      continue;
    }
    for (std::size_t i = 0; i < got.size(); ++i) {
      const plan::Hook& h = (*list)[i];
      const Step& s = *got[i];
      if (s.id != hook_step_id(h.phase, h.name.value)) {
        v.push_back("hook " + std::to_string(i + 1) + " of its phase should be " + hook_step_id(h.phase, h.name.value) +
                    " (plan order) but is " + s.id);
        continue;
      }
      std::vector<std::string> argv;
      for (const auto& a : h.run) argv.push_back(a.value);
      if (!s.hook || s.hook->argv != argv || s.hook->timeout_seconds != h.timeout_seconds ||
          s.hook->on_error != h.on_error || s.hook->when != h.when || s.hook->idempotent != h.idempotent ||
          s.hook->env != h.env) {
        v.push_back(s.id + " does not carry the hook's run, timeout, onError, when, env and idempotent as planned");
      }
    }
  }
  return v;
}

std::vector<std::string> check_run(const StepGraph& g, const std::vector<ExecutedStep>& run,
                                   const RunContext& ctx) {
  std::vector<std::string> v;
  auto ordered = ordered_steps(g, v);
  if (!ordered) return v;
  const std::vector<const Step*>& order = ordered->order;
  std::map<std::string, std::size_t>& pos = ordered->pos;
  const std::set<std::string> done(ctx.already_done.begin(), ctx.already_done.end());

  std::set<std::string> started;
  std::set<std::string> succeeded;  // in this process
  std::set<Phase> phases;
  std::string first_failure;
  std::size_t last = 0;
  bool restarted = false;
  for (const ExecutedStep& e : run) {
    const Step* s = g.find(e.id);
    if (!s) {
      v.push_back("step " + e.id + " is not in the graph");
      continue;
    }
    phases.insert(s->phase);
    if (!started.insert(e.id).second) v.push_back(e.id + " started twice in one process");
    if (done.count(e.id) && (s->resume == ResumeRule::once || s->resume == ResumeRule::never_twice ||
                             s->resume == ResumeRule::hook)) {
      v.push_back(e.id + " ran again although an earlier process finished it (resume rule " +
                  to_string(s->resume) + ")");
    }
    if (started.size() > 1 && pos[e.id] < last) v.push_back(e.id + " started after a step that the graph puts after it");
    last = std::max(last, pos[e.id]);
    if (restarted) v.push_back(e.id + " ran after system.restart in the same process");

    if (changes_state(s->kind)) {
      for (const Step* p : order) {
        if (!is_preflight_or_verify(p->kind)) continue;
        const bool ok = succeeded.count(p->id) ||
                        (p->resume != ResumeRule::always_repeat && done.count(p->id));
        if (!ok) v.push_back("state-changing step " + e.id + " started before " + p->id + " succeeded");
      }
    }
    if (s->step_class == StepClass::finaliser) {
      if (!succeeded.count(s->guard)) {
        v.push_back("finaliser " + e.id + " ran although " + s->guard + " had not succeeded in this process");
      }
    } else if (s->runs_on == RunsOn::success && !first_failure.empty()) {
      v.push_back(e.id + " runs only on success but ran after " + first_failure + " failed");
    } else if (s->runs_on == RunsOn::failure && first_failure.empty()) {
      v.push_back(e.id + " runs only after a failure but nothing had failed");
    }
    if (s->kind == StepKind::system_restart) {
      for (const char* need : {ids::k_restore_end, ids::k_restore_authoritative}) {
        if (g.find(need) && !succeeded.count(need) && !done.count(need)) {
          v.push_back(std::string("system.restart ran before ") + need + " succeeded");
        }
      }
      restarted = true;
    }
    if (e.outcome == StepOutcome::failed) {
      if (first_failure.empty()) first_failure = e.id;
    } else {
      succeeded.insert(e.id);
    }
  }

  if (ctx.end != RunEnd::finished) return v;
  // Every step whose condition held must have run: walk the order, tracking failures as the
  // run recorded them.
  bool failed_before = false;
  std::map<std::string, StepOutcome> outcome;
  for (const ExecutedStep& e : run) outcome[e.id] = e.outcome;
  // Steps 1-5 run before any hook or state-changing step: when they did not all succeed, no
  // such step is due, not even a post hook whose `when` is failure.
  bool checks_passed = true;
  for (const Step* p : order) {
    if (is_preflight_or_verify(p->kind)) {
      checks_passed = checks_passed && (succeeded.count(p->id) ||
                                        (p->resume != ResumeRule::always_repeat && done.count(p->id)));
    }
  }
  for (const Step* s : order) {
    if (!phases.count(s->phase)) continue;
    auto it = outcome.find(s->id);
    if (it == outcome.end() && !done.count(s->id)) {
      bool due = false;
      if (changes_state(s->kind) && !checks_passed) {
        due = false;
      } else if (s->step_class == StepClass::finaliser) {
        due = succeeded.count(s->guard) > 0;
      } else if (s->runs_on == RunsOn::success) {
        due = !failed_before;
      } else if (s->runs_on == RunsOn::failure) {
        due = failed_before;
      } else {
        due = true;
      }
      if (due) {
        v.push_back(s->step_class == StepClass::finaliser
                        ? "finaliser " + s->id + " did not run although " + s->guard + " succeeded in this process"
                        : s->id + " did not run although its condition (" + to_string(s->runs_on) + ") held");
      }
    }
    if (it != outcome.end() && it->second == StepOutcome::failed) failed_before = true;
  }
  return v;
}

}  // namespace adrestore::graph
