// The CLI's events file and run.log are written through the FileSystem it is given (the seam
// of platform/fs.h), like every other file of a run: a power-loss file system sees them.
#include <doctest/doctest.h>

#include "cli/run_output.h"
#include "exec/lock.h"
#include "platform/power_loss_fs.h"
#include "support.h"

namespace adrestore::testing {

TEST_SUITE("cli") {
  TEST_CASE("the events file and run.log go through the run's file system, appending to what was there") {
    TempDir tmp;
    write_file(tmp / "events.jsonl", "{\"earlier\":true}\n");
    PowerLossFs disk(platform::system_fs(), tmp.path().string());
    {
      cli::RunOutput::Options o;
      o.verbosity = -1;
      o.events_path = (tmp / "events.jsonl").string();
      o.log_path = (tmp / "run.log").string();
      o.fs = &disk;
      cli::RunOutput out(o);
      REQUIRE(out.events_ok());
      out.on_event({exec::EventType::step_started, "backup.verify", exec::EventOutcome::none, "hashing", {}});
    }
    const std::string events = read_file(tmp / "events.jsonl");
    CHECK(events.rfind("{\"earlier\":true}\n", 0) == 0);
    CHECK(events.find("\"step\":\"backup.verify\"") != std::string::npos);
    CHECK(read_file(tmp / "run.log").find("step backup.verify started") != std::string::npos);
    // Neither is synced (the journal is the durable record): a power cut takes the new lines
    // and the new log file, which only a file system in the seam can do.
    REQUIRE(disk.power_cut(PowerLossFs::Mode::lose));
    CHECK(read_file(tmp / "events.jsonl") == "{\"earlier\":true}\n");
    CHECK_FALSE(std::filesystem::exists(tmp / "run.log"));
  }

  TEST_CASE("the state lock goes through the file system: its holder record is synced, and a second holder is refused") {
    TempDir tmp;
    PowerLossFs disk(platform::system_fs(), tmp.path().string());
    auto lock = exec::StateLock::acquire(disk, tmp.path().string());
    REQUIRE(lock);
    CHECK(disk.sync_count() == 1);
    CHECK(disk.sync_log().at(0).find("lock") != std::string::npos);
    auto second = exec::StateLock::acquire(disk, tmp.path().string());
    REQUIRE_FALSE(second);
    CHECK(second.status().code() == Code::refused);
    CHECK(second.status().message().find("in use by another adrestore run") != std::string::npos);
  }
}

}  // namespace adrestore::testing
