#include "cli/run_output.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <ctime>

#include "base/text.h"
#include "base/time.h"
#include "cli/file_log_sink.h"

namespace adrestore::cli {
std::string format_rate(double bytes_per_second) {
  if (!(bytes_per_second > 0)) return "-";
  return format_bytes(static_cast<std::uint64_t>(bytes_per_second)) + "/s";
}

std::string format_eta(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

RunOutput::RunOutput(Options options) : m_opt(std::move(options)) {
  if (!m_opt.events_path.empty()) {
    auto events = m_opt.fs->open(m_opt.events_path, platform::File::Mode::append);
    m_events_ok = events.is_ok();
    if (events) m_events = std::move(*events);
  }
  if (!m_opt.log_path.empty()) {
    // Logging is best effort; the journal is the record.
    if (auto sink = open_file_log_sink(*m_opt.fs, m_opt.log_path)) {
      m_log = std::make_shared<spdlog::logger>("run", std::move(*sink));
      m_log->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
      m_log->set_level(spdlog::level::debug);
    }
  }
}

RunOutput::~RunOutput() {
  clear_progress_line();
  if (m_log) m_log->flush();
}

void RunOutput::clear_progress_line() {
  if (m_progress_shown) {
    std::fputs("\r\033[K", stderr);
    m_progress_shown = false;
  }
}

void RunOutput::say(const std::string& line) {
  clear_progress_line();
  if (m_opt.verbosity >= 0) std::fprintf(stderr, "%s\n", escape_for_terminal(line).c_str());
  if (m_log) m_log->info("{}", line);
}

void RunOutput::on_event(const exec::Event& e) {
  using exec::EventOutcome;
  using exec::EventType;
  const char* outcome = exec::to_string(e.outcome);
  if (m_events) {
    nlohmann::json j = {{"time", format_rfc3339_utc(unix_now())}, {"type", exec::to_string(e.type)}};
    if (!e.step.empty()) j["step"] = e.step;
    if (e.outcome != EventOutcome::none) j["outcome"] = outcome;
    if (!e.message.empty()) j["message"] = e.message;
    if (!e.data.empty()) j["data"] = e.data;
    const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    m_events_ok = m_events->write_all(line.data(), line.size()).is_ok() && m_events_ok;
  }
  std::string line;
  switch (e.type) {
    case EventType::step_started:
      line = "  " + e.step + " ...";
      if (m_opt.verbosity < 1) {
        if (m_log) m_log->info("step {} started", e.step);
        return;  // the finished line says it all
      }
      break;
    case EventType::step_finished: {
      const bool ok = e.outcome == EventOutcome::succeeded;
      const bool skipped = e.outcome == EventOutcome::skipped;
      const char* mark = ok ? "ok" : skipped ? "skip" : outcome;
      line = "  [" + std::string(mark) + "] " + e.step;
      if (!e.message.empty()) line += ": " + e.message;
      if (m_opt.color && m_opt.terminal) {
        const char* c = ok ? "\033[32m" : skipped ? "\033[2m" : "\033[31m";
        line = "  [" + std::string(c) + mark + "\033[0m] " + e.step + (e.message.empty() ? "" : ": " + e.message);
      }
      break;
    }
    case EventType::warning:
      line = "warning: " + e.message;
      break;
    case EventType::hook_finished:
      if (m_log) m_log->info("hook {} {}: {}", e.step, outcome, e.message);
      return;  // the step-finished line that follows says the same
    case EventType::file_done:
      if (m_opt.verbosity < 1) {
        if (m_log) m_log->info("restored and verified {}", e.message);
        return;
      }
      line = "    restored and verified: " + e.message;
      break;
    case EventType::run_finished:
      m_saw_finish = true;
      line = e.message;
      // The printer says "error:", not the executor's message.
      if (!e.step.empty()) line = "error: " + e.step + ": " + line;
      break;
    case EventType::run_started:
      line = e.message;
      break;
  }
  if (m_log) m_log->info("{} {} {} {}", exec::to_string(e.type), e.step, outcome, e.message);
  if (line.empty() || m_opt.verbosity < 0) return;
  clear_progress_line();
  std::fprintf(stderr, "%s\n", escape_for_terminal(line).c_str());
}

std::string RunOutput::format_progress(const exec::CopyProgress& p, double rate) const {
  const double pct_file = p.file_total ? 100.0 * static_cast<double>(p.file_done) / static_cast<double>(p.file_total) : 100.0;
  const double pct_all = p.all_total ? 100.0 * static_cast<double>(p.all_done) / static_cast<double>(p.all_total) : 100.0;
  const double eta = rate > 0 ? static_cast<double>(p.all_total - p.all_done) / rate : -1;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s %5.1f%% (%s/%s) | all %5.1f%% (%s/%s) %s ETA %s", p.file.c_str(), pct_file,
                format_bytes(p.file_done).c_str(), format_bytes(p.file_total).c_str(), pct_all,
                format_bytes(p.all_done).c_str(), format_bytes(p.all_total).c_str(), format_rate(rate).c_str(),
                format_eta(eta).c_str());
  return buf;
}

void RunOutput::on_progress(const exec::CopyProgress& p) {
  const auto now = std::chrono::steady_clock::now();
  if (!m_copy_started) {
    m_copy_started = true;
    m_copy_start = now;
    m_start_bytes = p.all_done;
    m_last_draw = now - std::chrono::hours(1);
  }
  const double elapsed = std::chrono::duration<double>(now - m_copy_start).count();
  const double rate = elapsed > 0.2 ? static_cast<double>(p.all_done - m_start_bytes) / elapsed : 0;
  const bool finished = p.all_done >= p.all_total;
  if (m_opt.terminal && m_opt.verbosity >= 0) {
    if (now - m_last_draw < std::chrono::milliseconds(200) && !finished) return;
    m_last_draw = now;
    std::fprintf(stderr, "\r\033[K  %s", escape_for_terminal(format_progress(p, rate)).c_str());
    std::fflush(stderr);
    m_progress_shown = true;
    return;
  }
  // Not a terminal: one line every 10 seconds instead of a redrawn line.
  if (now - m_last_draw < std::chrono::seconds(10) && !finished) return;
  m_last_draw = now;
  const std::string line = "progress: " + format_progress(p, rate);
  if (m_log) m_log->info("{}", line);
  if (m_opt.verbosity >= 0 && !finished) std::fprintf(stderr, "  %s\n", escape_for_terminal(line).c_str());
}

}  // namespace adrestore::cli
