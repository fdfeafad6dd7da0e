// A killed-and-resumed run's journal, written through the real writer with a clock the test
// sets, a hook log with hostile output and a simulated world's calls.log: the report tests'
// fixture.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "exec/journal.h"
#include "support.h"

namespace adrestore::testing {

inline constexpr std::int64_t k_t0 = 1795000000000;  // the run's first record
inline constexpr std::uint64_t k_mib = 1024 * 1024;

// Output no page may show raw: markup, a script, a NUL, an escape sequence, invalid UTF-8.
inline const std::string k_hostile_output =
    std::string("<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>\x1b[31m\x01") + std::string(1, '\0') +
    "\xff\xfe end\n";

// Writes the journal into <dir>/state and the world into <dir>/world; returns the state dir.
inline std::string write_killed_and_resumed_run(const TempDir& dir, const std::string& hook_output = k_hostile_output) {
  using namespace exec;
  const std::string state = (dir / "state").string();
  const std::string world = (dir / "world").string();
  std::filesystem::create_directories(state);
  std::filesystem::create_directories(world);
  const std::string hook_log = dir.write("state/hook.log", hook_output);
  dir.write("world/calls.log",
            "DsRestorePrepare server=DC01 rtFlag=0x4 token=32B -> hrNone (0x00000000) hbc=#5 pid=1\n"
            "# restart boot=2 ntdsStarted=true events=1109\n"
            "DsRestoreRegister hbc=#5 -> hrCouldNotConnect (0xC7FF0007) fault pid=1\n");
  std::int64_t now = k_t0;
  auto w = JournalWriter::create(state, [&now] { return now; });
  REQUIRE(w);
  auto add = [&](std::int64_t at, RecordBody body) {
    now = k_t0 + at;
    auto r = (*w)->append(std::move(body));
    REQUIRE_MESSAGE(r, r.status().message());
  };
  add(0, RunStarted{"dc01", "/nonexistent/plans/dc01.yaml", std::string(64, 'a'), "0.1.0", "run-1", "sim", world, "DC01", ""});
  add(10, StepStarted{"preflight.host", 1});
  add(20, StepFinished{"preflight.host", StepOutcome::succeeded, std::nullopt, 10, "booted into DSRM"});
  add(100, StepStarted{"restore.register", 1});
  add(200, StepFinished{"restore.register", StepOutcome::succeeded, 0U, 100, "registered"});
  add(300, StepStarted{"files.copy", 1});
  add(1300, FileProgress{"C:\\NTDS\\ntds.dit", 64 * k_mib, 0});  // 64 MiB in 1 s; then killed
  add(11300, RunResumed{"0.1.0", "DC01"});                        // 10 s later
  add(11400, StepStarted{"files.copy", 2});
  add(11900, FileProgress{"C:\\NTDS\\ntds.dit", 128 * k_mib, 1});  // 64 MiB in 0.5 s
  add(12000, FileDone{"C:\\NTDS\\ntds.dit", 128 * k_mib, std::string(64, 'b')});
  add(12100, StepFinished{"files.copy", StepOutcome::succeeded, std::nullopt, 700, "1 file(s) copied"});
  add(12200, StepStarted{"hook.post.notify", 1});
  add(12300, HookRecord{"notify", 0, std::nullopt, 90, false, hook_log});
  add(12400, StepFinished{"hook.post.notify", StepOutcome::succeeded, std::nullopt, 200, "exit code 0"});
  add(12500, StepStarted{"restore.complete", 1});
  add(12600, StepFinished{"restore.complete", StepOutcome::succeeded, 0U, 100, "complete"});
  add(12700, Note{NoteLevel::warning, "a warning <b>with markup</b>"});
  add(12800, RunFinished{RunOutcome::succeeded});
  return state;
}

}  // namespace adrestore::testing
