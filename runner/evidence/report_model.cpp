#include "evidence/report_model.h"

#include <map>

#include "base/text.h"
#include "evidence/git_revision.h"
#include "evidence/hook_excerpt.h"
#include "ntds/hresult.h"
#include "sim/calls_log.h"

namespace adrestore::evidence {
namespace {

using exec::Record;

// README's exit-code table: the code a finished run's process returned.
std::optional<int> exit_code_of(exec::RunOutcome o) {
  switch (o) {
    case exec::RunOutcome::succeeded:
      return 0;
    case exec::RunOutcome::failed:
      return 3;
    case exec::RunOutcome::interrupted:
      return 4;
    case exec::RunOutcome::refused:
      return 5;
  }
  return std::nullopt;
}

constexpr double k_mib = 1024.0 * 1024.0;

class Builder {
 public:
  Builder(Report& r, platform::FileSystem& fs) : m_r(r), m_fs(fs) {}

  void add(const Record& rec) {
    const bool was_blocked = m_fold.must_not_restart();
    (void)m_fold.apply(rec);  // the reader applied it already; this fold only times the phases
    if (const auto* s = rec.as<exec::RunStarted>()) start_process(rec, "run", s->host);
    if (const auto* s = rec.as<exec::RunResumed>()) {
      close_open(m_last_ms, "died");
      start_process(rec, "resume", s->host);
    }
    if (const auto* s = rec.as<exec::StepStarted>()) on_step_started(rec, *s);
    if (const auto* s = rec.as<exec::StepFinished>()) on_step_finished(rec, *s);
    if (const auto* s = rec.as<exec::FileProgress>()) on_progress(rec, *s);
    if (const auto* s = rec.as<exec::FileRestarted>()) m_offsets[to_lower_ascii(s->file)] = 0;
    if (const auto* s = rec.as<exec::FileDone>()) {
      m_r.files.push_back({sanitize_text(s->file, k_max_text), s->size, s->sha256});
      m_copy_bytes += s->size;
    }
    if (const auto* s = rec.as<exec::FileCleared>()) {
      m_r.cleared.push_back(
          {sanitize_text(s->file, k_max_text), exec::to_string(s->action), sanitize_text(s->to, k_max_text)});
    }
    if (const auto* s = rec.as<exec::HookRecord>()) m_r.hooks.push_back(read_hook(*s, rec.time_ms, m_fs));
    if (const auto* s = rec.as<exec::Note>(); s && s->level == exec::NoteLevel::warning) {
      warn(rec.time_ms, s->text);
    }
    if (const auto* s = rec.as<exec::ForeignBackupAllowed>()) {
      warn(rec.time_ms, "--allow-foreign-backup: a backup set taken on " + s->backup_dc + " restored onto " + s->host +
                            " (the plan's DC is " + s->plan_dc + ")");
    }
    const bool blocked = m_fold.must_not_restart();
    if (blocked && !was_blocked) {
      m_r.no_restart.push_back({rec.time_ms, std::nullopt,
                                "DsRestoreRegister is done (or may be) and DsRestoreRegisterComplete has not "
                                "reported success: AD DS would recover a half-restored database"});
    } else if (!blocked && was_blocked && !m_r.no_restart.empty()) {
      m_r.no_restart.back().end_ms = rec.time_ms;
    }
    m_last_ms = rec.time_ms;
  }

  void finish(const exec::JournalContents& j) {
    const bool finished = j.state.finished.has_value();
    close_open(m_last_ms, finished ? "died" : "unfinished");
    if (!m_r.processes.empty()) m_r.processes.back().last_ms = m_last_ms;
    Identity& id = m_r.identity;
    id.ended_ms = m_last_ms;
    id.processes = j.state.processes;
    // As events and status publish it (journalHead), to compare with a head kept elsewhere.
    if (auto head = exec::journal_head(j)) id.journal_chain_head = head->sha256;
    if (finished) {
      id.outcome = exec::to_string(*j.state.finished);
      id.exit_code = exit_code_of(*j.state.finished);
    } else {
      id.outcome = "unfinished";
      warn(m_last_ms, "the journal ends without run-finished: the run is still going, or its last process died "
                      "(adrestore status says what resume would do)");
    }
    for (const std::string& w : j.warnings) warn(m_last_ms, "journal: " + w);
    m_r.steps = j.state.step_order;
    finish_verify_throughput();
  }

  const std::string& world() const { return m_world; }

 private:
  void start_process(const Record& rec, const char* kind, const std::string& host) {
    if (!m_r.processes.empty()) m_r.processes.back().last_ms = m_last_ms;
    Process p;
    p.index = static_cast<int>(m_r.processes.size()) + 1;
    p.kind = kind;
    p.start_ms = rec.time_ms;
    m_r.processes.push_back(p);
    if (const auto* s = rec.as<exec::RunStarted>()) {
      Identity& id = m_r.identity;
      id.run_id = s->run_id;
      id.plan_name = s->plan_name;
      id.plan_file = sanitize_text(s->plan_file, k_max_text);
      id.plan_sha256 = s->plan_sha256;
      id.git_revision = git_revision_of(s->plan_file, m_fs);
      id.dc = s->host;
      id.operator_account = sanitize_text(s->operator_account, k_max_text);
      id.api = s->api;
      id.tool_version = s->tool_version;
      id.started_ms = rec.time_ms;
      m_world = s->world;
    }
    m_r.identity.host = sanitize_text(host, k_max_text);
  }

  void on_step_started(const Record& rec, const exec::StepStarted& s) {
    Segment seg;
    seg.step = s.step;
    seg.attempt = s.attempt;
    seg.process = static_cast<int>(m_r.processes.size());
    seg.start_ms = rec.time_ms;
    m_open[s.step] = seg;
    if (s.step == "files.copy") m_copy_last_ms = rec.time_ms;
  }

  void on_step_finished(const Record& rec, const exec::StepFinished& s) {
    auto it = m_open.find(s.step);
    if (it == m_open.end()) return;
    Segment seg = it->second;
    m_open.erase(it);
    seg.end_ms = rec.time_ms;
    seg.outcome = exec::to_string(s.outcome);
    seg.message = sanitize_text(s.message, k_max_text);
    if (s.outcome == exec::StepOutcome::failed || s.outcome == exec::StepOutcome::refused) {
      warn(rec.time_ms, "step " + s.step + " " + seg.outcome + ": " + seg.message);
    }
    m_r.segments.push_back(seg);
  }

  // files.copy journals a file-progress record per verified chunk: the bytes since the last
  // record of the copy over the time since it.
  void on_progress(const Record& rec, const exec::FileProgress& s) {
    std::uint64_t& before = m_offsets[to_lower_ascii(s.file)];
    const std::uint64_t bytes = s.offset > before ? s.offset - before : 0;
    before = s.offset;
    const std::int64_t dt = rec.time_ms - m_copy_last_ms;
    m_copy_last_ms = rec.time_ms;
    if (dt <= 0 || bytes == 0) return;
    copy_series().points.push_back({rec.time_ms, static_cast<double>(bytes) / k_mib * 1000.0 / static_cast<double>(dt),
                                   static_cast<int>(m_r.processes.size())});
  }

  Throughput& copy_series() {
    for (Throughput& t : m_r.throughput) {
      if (t.step == "files.copy") return t;
    }
    m_r.throughput.push_back({"files.copy", {},
                              "per verified chunk: the bytes of each file-progress record over the time since the "
                              "copy's previous record"});
    return m_r.throughput.back();
  }

  // backup.verify journals no per-chunk times: one average per attempt, the restored files'
  // bytes (the set it verified) over the attempt's duration.
  void finish_verify_throughput() {
    Throughput t{"backup.verify", {},
                 "one average per attempt: the journal has no per-chunk times for backup.verify, so this is the "
                 "restored files' total size over the attempt's duration"};
    for (const Segment& s : m_r.segments) {
      if (s.step != "backup.verify" || s.outcome != "succeeded" || s.end_ms <= s.start_ms || m_copy_bytes == 0) {
        continue;
      }
      const double rate = static_cast<double>(m_copy_bytes) / k_mib * 1000.0 / static_cast<double>(s.end_ms - s.start_ms);
      t.points.push_back({s.start_ms, rate, s.process});
      t.points.push_back({s.end_ms, rate, s.process});
    }
    m_r.throughput.insert(m_r.throughput.begin(), std::move(t));
  }

  void close_open(std::int64_t at, const char* outcome) {
    for (auto& [step, seg] : m_open) {
      seg.end_ms = at;
      seg.outcome = outcome;
      if (seg.outcome == "died") warn(at, "the process died during " + step + " (attempt " + std::to_string(seg.attempt) + ")");
      m_r.segments.push_back(seg);
    }
    m_open.clear();
  }

  void warn(std::int64_t at, const std::string& text) { m_r.warnings.push_back({at, sanitize_text(text, k_max_text)}); }

  Report& m_r;
  platform::FileSystem& m_fs;
  exec::RunState m_fold;
  std::map<std::string, Segment> m_open;
  std::map<std::string, std::uint64_t> m_offsets;  // files.copy: verified offset by lower-cased file
  std::int64_t m_last_ms = 0;
  std::int64_t m_copy_last_ms = 0;
  std::uint64_t m_copy_bytes = 0;
  std::string m_world;  // the simulated world's folder, from run-started
};

void add_calls(Report& r, const std::string& world, platform::FileSystem& fs) {
  if (r.identity.api != "sim" || world.empty()) {
    r.calls_source = "the DC's API calls are logged only by a simulated DC (calls.log); on a real DC see each "
                     "step's HRESULT in the timeline";
    return;
  }
  const std::string path = world + "/calls.log";
  auto calls = sim::read_calls_log(path, fs);
  if (!calls) {
    r.calls_source = sanitize_text("calls.log unreadable: " + calls.status().message(), k_max_text);
    return;
  }
  r.calls_source = sanitize_text(path, k_max_text) +
                   ": every call the simulated DC received (including those of the backup that made the set)";
  for (const sim::CallRecord& c : *calls) {
    if (r.calls.size() == k_max_calls) {
      r.calls_truncated = true;
      break;
    }
    NtdsCall call;
    call.call = sanitize_text(c.call, 256);
    call.result = c.is_void ? "void" : ntds::hresult_name(c.hresult) + " (" + ntds::hresult_hex(c.hresult) + ")";
    call.ok = c.is_void || c.hresult.ok();
    call.injected = c.injected;
    call.line = sanitize_text(c.line, k_max_text);
    r.calls.push_back(std::move(call));
  }
}

}  // namespace

Report build_report(const exec::JournalContents& journal, platform::FileSystem& fs) {
  Report r;
  Builder b(r, fs);
  for (const Record& rec : journal.records) b.add(rec);
  b.finish(journal);
  add_calls(r, b.world(), fs);
  return r;
}

Result<Report> load_report(const std::string& state_dir, platform::FileSystem& fs) {
  auto journal = exec::read_journal(exec::journal_path(state_dir), fs);
  if (!journal) return journal.status();
  return build_report(*journal, fs);
}

}  // namespace adrestore::evidence
