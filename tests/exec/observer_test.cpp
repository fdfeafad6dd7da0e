// The --events names: doc/ and scripts read them, so they are fixed.
#include <doctest/doctest.h>

#include "exec/observer.h"

using namespace adrestore::exec;

TEST_SUITE("exec") {
  TEST_CASE("every event type and outcome has its documented --events name") {
    CHECK(std::string(to_string(EventType::run_started)) == "run-started");
    CHECK(std::string(to_string(EventType::step_started)) == "step-started");
    CHECK(std::string(to_string(EventType::step_finished)) == "step-finished");
    CHECK(std::string(to_string(EventType::hook_finished)) == "hook-finished");
    CHECK(std::string(to_string(EventType::file_done)) == "file-done");
    CHECK(std::string(to_string(EventType::run_finished)) == "run-finished");
    CHECK(std::string(to_string(EventType::warning)) == "warning");
    CHECK(std::string(to_string(EventOutcome::none)).empty());
    CHECK(std::string(to_string(EventOutcome::succeeded)) == "succeeded");
    CHECK(std::string(to_string(EventOutcome::failed)) == "failed");
    CHECK(std::string(to_string(EventOutcome::skipped)) == "skipped");
    CHECK(std::string(to_string(EventOutcome::refused)) == "refused");
    CHECK(std::string(to_string(EventOutcome::interrupted)) == "interrupted");
    CHECK(std::string(to_string(EventOutcome::restarting)) == "restarting");
    CHECK(std::string(to_string(EventOutcome::timed_out)) == "timed-out");
    CHECK(std::string(to_string(EventOutcome::cancelled)) == "cancelled");
    CHECK(std::string(to_string(EventOutcome::spawn_failed)) == "spawn-failed");
  }
}
