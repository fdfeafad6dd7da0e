#include "exec/journal_run_state.h"

#include "base/text.h"

namespace adrestore::exec {
namespace {

StepStatus status_of(const JournalStep& s) {
  if (s.running || s.interrupted_by_crash) return StepStatus::running;
  if (!s.outcome) return StepStatus::not_started;
  switch (*s.outcome) {
    case StepOutcome::succeeded:
      return StepStatus::succeeded;
    case StepOutcome::skipped:
      return StepStatus::skipped;
    case StepOutcome::failed:
    case StepOutcome::refused:
    case StepOutcome::interrupted:
      return StepStatus::failed;
  }
  return StepStatus::failed;
}

}  // namespace

std::string canonical_destinations(const DestinationsResolved& d) {
  std::string out;
  for (const ResolvedDestination& r : d.destinations) {
    out += r.kind + " " + r.name + " -> " + to_lower_ascii(r.destination) + "\n";
  }
  return out;
}

RunState run_state_from_journal(const JournalContents& journal) {
  const JournalState& st = journal.state;
  RunState rs;
  if (const auto& run = st.run()) {
    rs.run_id = run->run_id;
    rs.plan_name = run->plan_name;
    rs.plan_file = run->plan_file;
    rs.plan_hash = run->plan_sha256;
    rs.tool_version = run->tool_version;
    rs.api = run->api;
    rs.world = run->world;
  }
  if (!journal.records.empty()) rs.started_at = format_utc_ms(journal.records.front().time_ms);
  for (const auto& [id, s] : st.steps()) {
    StepState out;
    out.status = status_of(s);
    out.interrupted = out.status == StepStatus::failed && s.outcome == StepOutcome::interrupted;
    out.attempts = static_cast<int>(s.attempts);
    out.hresult = s.hresult.value_or(0);
    out.message = s.message;
    rs.steps[id] = out;
  }
  for (const Record& r : journal.records) {
    if (const auto* started = r.as<StepStarted>()) {
      rs.last_step = started->step;
      if (std::find(rs.step_order.begin(), rs.step_order.end(), started->step) == rs.step_order.end()) {
        rs.step_order.push_back(started->step);
      }
    }
    if (const auto* fin = r.as<StepFinished>()) {
      if (fin->outcome == StepOutcome::failed || fin->outcome == StepOutcome::refused) {
        rs.failed_step = fin->step;
        rs.failure_message = fin->message;
      }
    }
    if (const auto* fb = r.as<ForeignBackupAllowed>()) {
      rs.foreign_backup = ForeignBackup{fb->backup_dc, fb->plan_dc, fb->host, format_utc_ms(r.time_ms)};
    }
    if (r.as<RunResumed>()) {
      rs.failed_step.reset();
      rs.failure_message.clear();
    }
  }
  rs.context_open = st.context_open();
  if (st.destinations()) rs.destinations = canonical_destinations(*st.destinations());
  for (const FileCleared& c : st.cleared()) rs.cleared_files.insert(c.file);
  for (const auto& entry : st.files()) {
    const FileCopyState& f = entry.second;
    if (f.done) {
      rs.copied_files.insert(f.file);
    } else if (f.verified_offset > 0) {
      rs.verified_bytes[f.file] = f.verified_offset;
    }
  }
  if (st.destinations()) {
    for (const ResolvedDestination& d : st.destinations()->destinations) {
      if (st.file(d.destination).done) rs.copied_names.insert(d.name);
    }
  }
  if (st.finished()) rs.outcome = to_string(*st.finished());
  rs.processes = st.sessions();
  return rs;
}

}  // namespace adrestore::exec
