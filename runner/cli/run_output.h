// The CLI's Observer for run/resume: step lines on stderr, a progress display (a redrawn
// line on a terminal; a log line every 10 seconds on a pipe), JSON lines to --events FILE,
// and everything to the run's log file through spdlog.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "exec/observer.h"
#include "platform/fs.h"

namespace spdlog {
class logger;
}

namespace adrestore::cli {

class RunOutput : public exec::Observer {
 public:
  struct Options {
    bool terminal = false;  // stderr is a terminal
    bool color = false;
    int verbosity = 0;      // < 0: quiet
    std::string events_path;
    std::string log_path;   // <stateDir>/logs/run.log
    platform::FileSystem* fs = &platform::system_fs();  // both files are written through it
  };
  explicit RunOutput(Options options);
  ~RunOutput() override;

  void on_event(const exec::Event& e) override;
  void on_progress(const exec::CopyProgress& p) override;
  // A line for the operator that is not a step event (status of resume decisions, hints).
  void say(const std::string& line);
  bool events_ok() const { return m_events_ok; }
  bool saw_finish() const { return m_saw_finish; }  // the executor reported how the run ended

 private:
  void clear_progress_line();
  std::string format_progress(const exec::CopyProgress& p, double rate) const;

  Options m_opt;
  std::unique_ptr<platform::File> m_events;
  bool m_events_ok = true;
  std::shared_ptr<spdlog::logger> m_log;
  bool m_progress_shown = false;
  std::chrono::steady_clock::time_point m_copy_start{};
  std::chrono::steady_clock::time_point m_last_draw{};
  std::uint64_t m_start_bytes = 0;
  bool m_copy_started = false;
  bool m_saw_finish = false;
};

std::string format_rate(double bytes_per_second);
std::string format_eta(double seconds);

}  // namespace adrestore::cli
