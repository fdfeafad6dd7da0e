#include "drill/predict.h"

#include <cmath>
#include <cstdio>

#include "base/duration.h"
#include "base/text.h"
#include "graph/compile.h"

namespace adrestore::drill {
namespace {

std::string rate_text(double bytes_per_second) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f MiB/s", bytes_per_second / (1024.0 * 1024.0));
  return buf;
}

std::int64_t measured_ms(const evidence::Report& r, const std::string& step) {
  std::int64_t ms = 0;
  for (const evidence::Segment& s : r.segments) {
    if (s.step == step) ms += s.end_ms - s.start_ms;
  }
  return ms;
}

bool ran(const evidence::Report& r, const std::string& step) {
  for (const evidence::Segment& s : r.segments) {
    if (s.step == step) return true;
  }
  return false;
}

}  // namespace

void predict(const evidence::Report& report, const plan::Plan& plan, const graph::StepGraph& graph,
             const PredictOptions& o, evidence::Drill& out) {
  out.steps.clear();
  out.predicted_ms = 0;
  for (const std::string& id : graph.order_ids()) {
    const graph::Step* step = graph.find(id);
    if (!step) continue;
    evidence::DrillStep d;
    d.step = id;
    d.measured_ms = measured_ms(report, id);
    d.predicted_ms = d.measured_ms;
    d.basis = "measured";
    const bool byte_bound = id == graph::ids::k_backup_verify || id == graph::ids::k_files_copy;
    if (step->phase == graph::Phase::post_restart) {
      d.predicted_ms = 0;
      d.basis = "not rehearsed; inside the restart estimate";
    } else if (id == graph::ids::k_system_restart) {
      d.predicted_ms = o.restart_ms;
      d.basis = "the restart into normal mode and AD DS start-up: " + format_duration(o.restart_ms / 1000) +
                " (--restart-time); not rehearsed, the simulated DC cannot start the real database";
    } else if (step->is_hook() && !o.hooks_ran) {
      const plan::Hook* hook = plan.find_hook(step->hook->name);
      const std::int64_t timeout = hook ? hook->timeout_seconds : 0;
      d.predicted_ms = timeout * 1000;
      d.basis = "skipped here; at its timeout (" + format_duration(timeout) + "), the longest the plan lets it take";
    } else if (!ran(report, id)) {
      d.basis = "did not run in the drill";
    } else if (byte_bound && o.dc_bytes_per_second && *o.dc_bytes_per_second > 0) {
      d.predicted_ms = static_cast<std::int64_t>(std::ceil(static_cast<double>(o.set_bytes) / *o.dc_bytes_per_second * 1000.0));
      d.basis = format_bytes(o.set_bytes) + " at " + rate_text(*o.dc_bytes_per_second) + " (--dc-throughput)";
    } else if (byte_bound && d.measured_ms > 0) {
      d.basis = "measured: " + format_bytes(o.set_bytes) + " at " +
                rate_text(static_cast<double>(o.set_bytes) * 1000.0 / static_cast<double>(d.measured_ms));
    }
    out.predicted_ms += d.predicted_ms;
    out.steps.push_back(std::move(d));
  }

  out.assumptions.clear();
  out.assumptions.push_back(
      o.dc_bytes_per_second
          ? "backup.verify reads and files.copy writes the set's " + format_bytes(o.set_bytes) + " at " +
                rate_text(*o.dc_bytes_per_second) + " on the DC (--dc-throughput)"
          : "the DC reads the backup set and writes its disks as fast as this machine did in the drill (give "
            "--dc-throughput to use the DC's own rate)");
  out.assumptions.push_back(
      "the preflight checks and the NTDS API calls take on the DC what they took against the simulated DC "
      "(each is a short call; the bytes are in the steps above)");
  if (plan.restart == plan::Restart::normal_mode) {
    out.assumptions.push_back("the restart into normal mode and AD DS start-up take " +
                              format_duration(o.restart_ms / 1000) + " (--restart-time)");
  }
  if (!o.hooks_ran && (!plan.pre_hooks.empty() || !plan.post_hooks.empty())) {
    out.assumptions.push_back("each hook, skipped in this drill, takes up to its timeout (--hooks run runs them)");
  }
  out.not_included = {
      "booting the DC into Directory Services Restore Mode before the run (a restart of its own)",
      "bringing the backup set to a volume the DC can read, when it is not there already",
      "what follows AD DS start-up: replication with the other DCs, and for an authoritative restore the "
      "ldifde imports of the back-links",
      "the time people take to decide, and to confirm the run"};
  if (plan.restart != plan::Restart::normal_mode) {
    out.not_included.push_back("the restart into normal mode: this plan leaves it to the operator");
  }
}

}  // namespace adrestore::drill
