// The report's JSON: the model field by field (doc/report.md lists the fields). Times are
// Unix milliseconds plus an RFC 3339 copy where a person reads them.
#include <nlohmann/json.hpp>

#include "evidence/report_model.h"

namespace adrestore::evidence {
namespace {

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json identity_json(const Identity& id) {
  return {{"runId", id.run_id},
          {"planName", id.plan_name},
          {"planFile", id.plan_file},
          {"planSha256", id.plan_sha256},
          {"gitRevision", id.git_revision.empty() ? nlohmann::json(nullptr) : nlohmann::json(id.git_revision)},
          {"dc", id.dc},
          {"operator", id.operator_account.empty() ? nlohmann::json(nullptr) : nlohmann::json(id.operator_account)},
          {"host", id.host},
          {"api", id.api},
          {"toolVersion", id.tool_version},
          {"startedMs", id.started_ms},
          {"started", exec::format_utc_ms(id.started_ms)},
          {"endedMs", id.ended_ms},
          {"ended", exec::format_utc_ms(id.ended_ms)},
          {"outcome", id.outcome},
          {"exitCode", or_null(id.exit_code)},
          {"processes", id.processes},
          {"journalChainHead",
           id.journal_chain_head.empty() ? nlohmann::json(nullptr) : nlohmann::json(id.journal_chain_head)}};
}

nlohmann::json drill_json(const Drill& d) {
  nlohmann::json steps = nlohmann::json::array();
  for (const DrillStep& s : d.steps) {
    steps.push_back({{"step", s.step}, {"measuredMs", s.measured_ms}, {"predictedMs", s.predicted_ms}, {"basis", s.basis}});
  }
  return {{"backupSet", d.backup_set},
          {"scratch", d.scratch},
          {"hooks", d.hooks},
          {"setBytes", d.set_bytes},
          {"filesChecked", d.files_checked},
          {"problems", d.problems},
          {"ok", d.problems.empty()},
          {"steps", std::move(steps)},
          {"predictedMs", d.predicted_ms},
          {"assumptions", d.assumptions},
          {"notIncluded", d.not_included}};
}

}  // namespace

nlohmann::json to_json(const Report& r) {
  nlohmann::json doc = nlohmann::json::object();
  doc["reportFormat"] = 1;
  doc["identity"] = identity_json(r.identity);
  doc["drill"] = r.drill ? drill_json(*r.drill) : nlohmann::json(nullptr);
  nlohmann::json& processes = doc["processes"] = nlohmann::json::array();
  for (const Process& p : r.processes) {
    processes.push_back({{"index", p.index}, {"kind", p.kind}, {"startMs", p.start_ms}, {"lastMs", p.last_ms}});
  }
  doc["steps"] = r.steps;
  nlohmann::json& segments = doc["segments"] = nlohmann::json::array();
  for (const Segment& s : r.segments) {
    segments.push_back({{"step", s.step},
                        {"attempt", s.attempt},
                        {"process", s.process},
                        {"startMs", s.start_ms},
                        {"endMs", s.end_ms},
                        {"outcome", s.outcome},
                        {"message", s.message}});
  }
  nlohmann::json& throughput = doc["throughput"] = nlohmann::json::array();
  for (const Throughput& t : r.throughput) {
    nlohmann::json points = nlohmann::json::array();
    for (const ThroughputPoint& p : t.points) points.push_back({{"timeMs", p.time_ms}, {"mibPerSecond", p.mib_per_s}, {"process", p.process}});
    throughput.push_back({{"step", t.step}, {"basis", t.basis}, {"points", std::move(points)}});
  }
  nlohmann::json& files = doc["files"] = nlohmann::json::array();
  for (const RestoredFile& f : r.files) files.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
  nlohmann::json& cleared = doc["cleared"] = nlohmann::json::array();
  for (const ClearedFile& c : r.cleared) {
    cleared.push_back({{"path", c.path}, {"action", c.action}, {"to", c.to.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.to)}});
  }
  nlohmann::json calls = nlohmann::json::array();
  for (const NtdsCall& c : r.calls) {
    calls.push_back({{"call", c.call}, {"result", c.result}, {"ok", c.ok}, {"injected", c.injected}, {"line", c.line}});
  }
  doc["ntdsCalls"] = {{"source", r.calls_source}, {"truncated", r.calls_truncated}, {"calls", std::move(calls)}};
  nlohmann::json& hooks = doc["hooks"] = nlohmann::json::array();
  for (const Hook& h : r.hooks) {
    hooks.push_back({{"name", h.name},
                     {"exitCode", or_null(h.exit_code)},
                     {"signal", or_null(h.signal)},
                     {"timedOut", h.timed_out},
                     {"durationMs", h.duration_ms},
                     {"timeMs", h.time_ms},
                     {"log", h.log},
                     {"logBytes", h.log_bytes},
                     {"head", h.head},
                     {"tail", h.tail},
                     {"logProblem", h.log_problem.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.log_problem)}});
  }
  nlohmann::json& periods = doc["doNotRestart"] = nlohmann::json::array();
  for (const Period& p : r.no_restart) {
    periods.push_back({{"startMs", p.start_ms}, {"endMs", or_null(p.end_ms)}, {"why", p.why}});
  }
  nlohmann::json& warnings = doc["warnings"] = nlohmann::json::array();
  for (const Warning& w : r.warnings) warnings.push_back({{"timeMs", w.time_ms}, {"text", w.text}});
  return doc;
}

}  // namespace adrestore::evidence
