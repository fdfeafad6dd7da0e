// adrestore drill: rehearse a restore plan with its real backup set anywhere, without DSRM
// and without a DC (doc/drill.md). A simulated DC is shaped after the plan and the set's
// manifest (the plan's DC name, the DC's database, log and checkpoint locations) inside a
// scratch folder; the plan's backup source is served read-only from the real set
// (host::OverlayDisks), so its bytes go through the plan's own steps into the simulated DC's
// disks. The restored files are then checked against the manifest's hashes, the run's report
// gets the drill's facts and the predicted recovery time, and the scratch folder is removed.
//
// Nothing outside the scratch folder (and the state folder) is written: the plan's
// destinations are Windows paths, and every Windows path of the run resolves inside the
// simulated DC. The scratch folder's room is checked against the set's size before anything
// is written.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "evidence/report_model.h"
#include "exec/executor.h"
#include "graph/step_graph.h"
#include "plan/model.h"
#include "platform/fs.h"

namespace adrestore::drill {

// The simulated DC's stand-in for the database it holds before the restore (files.clear
// quarantines or deletes it): small, since moving it costs the same whatever its size.
inline constexpr std::uint64_t k_stand_in_database_bytes = 1ULL << 20;
inline constexpr std::uint64_t k_stand_in_log_bytes = 64ULL << 10;
// Room beyond the set's bytes: the stand-ins, world.json, the journal and the logs.
inline constexpr std::uint64_t k_room_margin_bytes = 32ULL << 20;

struct DrillOptions {
  std::string set_dir;      // the backup set: a folder of this machine
  std::string scratch_dir;  // the drill works in <scratch>/adrestore-drill-<run id>, removed afterwards
  std::string state_dir;    // empty: inside the drill's folder
  std::string run_id;       // names the drill's folder; empty: made from the clock
  std::string plan_text;
  bool run_hooks = false;   // false: every hook step is journaled as skipped
  bool keep = false;        // keep the state folder (journal, logs); the restored bytes go anyway
  std::optional<double> dc_bytes_per_second;
  std::int64_t restart_ms = 15LL * 60 * 1000;
  std::string path_env;     // PATH, for hooks named without a folder
};

struct DrillEnv {
  platform::FileSystem& fs;  // the scratch folder's room, its cleanup, the journal
  exec::Observer& observer;
  std::atomic<bool>& cancel;
  std::function<std::string()> operator_account = nullptr;  // the executor's default when null
  std::function<void(platform::LogLevel, const std::string&)> system_log = nullptr;
};

struct DrillResult {
  // Not ok: the drill did not start (no room: Code::no_space; an unreadable set or manifest:
  // Code::failed; a state folder in use: Code::refused). Nothing was written then.
  Status setup;
  exec::ExecResult run;
  bool ran = false;
  std::optional<evidence::Report> report;
  bool bytes_ok = false;  // every restored file equals the manifest's hashes
  std::string drill_dir;
  std::string state_dir;
  Status cleanup;  // removing the scratch restore
};

// The bytes the drill needs in the scratch folder for a set of `set_bytes`.
std::uint64_t room_needed(std::uint64_t set_bytes);

DrillResult run_drill(const plan::Plan& plan, const graph::StepGraph& graph, const DrillOptions& options, DrillEnv& env);

}  // namespace adrestore::drill
