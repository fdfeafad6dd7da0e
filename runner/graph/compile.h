// graph::compile: a validated plan -> the step graph of step-graph.md.
//
// The compiler alone decides which mandated steps run and in which order; a plan adds
// hooks (at steps 6 and 15, in plan order) and chooses options: preflight.credentials only
// with spec.credentials, restore.authoritative only with authoritative DNs, system.restart
// (and the post-restart check) only with afterRestore.restart: normal-mode. The result is
// a chain of "order" edges, so execution_order() is unique, plus "guard" edges from each
// finaliser's guard (restore.prepare -> restore.end, restore.register -> restore.complete).
#pragma once

#include "base/status.h"
#include "graph/step_graph.h"
#include "plan/model.h"

namespace adrestore::graph {

// Fails only when the graph it built is not a DAG (a compiler bug, Code::internal).
// Callers that execute or print the graph also run check_invariants (invariants.h).
Result<StepGraph> compile(const plan::Plan& plan);

// Step ids, shared by the compiler, the checker and the executor.
namespace ids {
inline constexpr const char* k_preflight_host = "preflight.host";
inline constexpr const char* k_preflight_privilege = "preflight.privilege";
inline constexpr const char* k_preflight_credentials = "preflight.credentials";
inline constexpr const char* k_preflight_ntds_offline = "preflight.ntds-offline";
inline constexpr const char* k_backup_verify = "backup.verify";
inline constexpr const char* k_restore_prepare = "restore.prepare";
inline constexpr const char* k_restore_locations = "restore.locations";
inline constexpr const char* k_restore_register = "restore.register";
inline constexpr const char* k_files_clear = "files.clear";
inline constexpr const char* k_files_copy = "files.copy";
inline constexpr const char* k_restore_complete = "restore.complete";
inline constexpr const char* k_restore_end = "restore.end";
inline constexpr const char* k_restore_authoritative = "restore.authoritative";
inline constexpr const char* k_system_restart = "system.restart";
inline constexpr const char* k_system_verify_online = "system.verify-online";
}  // namespace ids

// "hook.pre.<name>" / "hook.post.<name>".
std::string hook_step_id(plan::HookPhase phase, const std::string& name);

}  // namespace adrestore::graph
