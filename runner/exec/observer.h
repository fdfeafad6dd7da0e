// What a run reports while it goes. The executor never prints (design.md rule 3): it tells an
// Observer, and the CLI decides what reaches the terminal, the log and the --events file.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace adrestore::exec {

enum class EventType { run_started, step_started, step_finished, hook_finished, file_done, run_finished, warning };
// How a finished step, hook, file or run ended; `none` for events that do not finish anything.
// Hooks add their own endings (hook_runner.h, HookOutcome).
enum class EventOutcome {
  none,
  succeeded,
  failed,
  skipped,
  refused,
  interrupted,
  restarting,
  timed_out,
  cancelled,
  spawn_failed
};

// The names in --events lines (doc/ and scripts rely on them): one table in observer.cpp.
const char* to_string(EventType t);
const char* to_string(EventOutcome o);  // "" for none

// One step event, also written as one JSON line to --events FILE.
struct Event {
  EventType type = EventType::warning;
  std::string step;  // step id, when the event is about a step
  EventOutcome outcome = EventOutcome::none;
  std::string message;
  nlohmann::json data = nlohmann::json::object();  // extra facts: hresult, duration, hook exit code...
};

struct CopyProgress {
  std::string file;  // display name of the file being copied
  std::uint64_t file_done = 0;
  std::uint64_t file_total = 0;
  std::uint64_t all_done = 0;
  std::uint64_t all_total = 0;
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_event(const Event& e) = 0;
  virtual void on_progress(const CopyProgress& p) = 0;
};

// An observer that drops everything (tests, --quiet library use).
class NullObserver : public Observer {
 public:
  void on_event(const Event&) override {}
  void on_progress(const CopyProgress&) override {}
};

}  // namespace adrestore::exec
