// A journal with one record of every type, written through the real writer, for the
// journal tests.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "exec/journal.h"
#include "support.h"

namespace adrestore::testing {

inline std::vector<exec::RecordBody> sample_bodies() {
  using namespace exec;
  RunStarted start{"dc01-corp", "plans/dc01.yaml", std::string(64, 'a'), "0.1.0", "20261124T100000Z-abc123",
                   "sim", "/tmp/world", "DC01", "CORP\\alice"};
  std::vector<RecordBody> v;
  v.emplace_back(start);
  v.emplace_back(StepStarted{"preflight.host", 1});
  v.emplace_back(StepFinished{"preflight.host", StepOutcome::succeeded, std::nullopt, 12, ""});
  v.emplace_back(StepStarted{"restore.prepare", 1});
  v.emplace_back(ContextOpened{});
  v.emplace_back(StepFinished{"restore.prepare", StepOutcome::succeeded, 0U, 40, ""});
  v.emplace_back(DestinationsResolved{{{"database", "ntds.dit", "E:\\NTDS\\ntds.dit"},
                                       {"log", "edb00001.log", "F:\\Logs\\edb00001.log"}}});
  v.emplace_back(DirectoryIdentityRecord{"C:\\Windows\\NTDS\\ntds.dit", "6f1c2e3a-0000-4000-8000-00000000abcd", 0U});
  v.emplace_back(DirectoryIdentityRecord{"", std::nullopt, std::nullopt});
  v.emplace_back(FileCleared{"E:\\NTDS\\old.dit", ClearAction::quarantine, "E:\\NTDS.adrestore-quarantine\\r1\\old.dit"});
  v.emplace_back(FileCleared{"F:\\Logs\\edb.chk", ClearAction::remove, ""});
  v.emplace_back(FileProgress{"E:\\NTDS\\ntds.dit", 65536, 0});
  v.emplace_back(FileRestarted{"E:\\NTDS\\ntds.dit", "the partial copy does not match chunk 0"});
  v.emplace_back(FileProgress{"E:\\NTDS\\ntds.dit", 65536, 0});
  v.emplace_back(FileProgress{"E:\\NTDS\\ntds.dit", 100000, 1});
  v.emplace_back(FileDone{"E:\\NTDS\\ntds.dit", 100000, std::string(64, 'b')});
  v.emplace_back(HookRecord{"pause-av", 0, std::nullopt, 1500, false, "/state/logs/hook-pause-av.log"});
  v.emplace_back(HookRecord{"slow", std::nullopt, 9, 120000, true, ""});
  v.emplace_back(Note{NoteLevel::warning, "Ünïcode note \"quoted\"\nsecond line"});
  v.emplace_back(StepStarted{"restore.end", 1});
  v.emplace_back(ContextClosed{0U});
  v.emplace_back(StepFinished{"restore.end", StepOutcome::failed, 0x80070005U, 3, "access denied"});
  v.emplace_back(RunFinished{RunOutcome::failed});
  v.emplace_back(RunResumed{"0.1.1", "DC01"});
  return v;
}

// Writes the sample journal into `state_dir` with a clock that ticks 1 s per record.
inline void write_sample_journal(const std::string& state_dir) {
  std::int64_t now = 1795000000000;
  auto w = exec::JournalWriter::create(state_dir, [&now] { return now += 1000; });
  REQUIRE(w);
  for (exec::RecordBody& b : sample_bodies()) {
    auto r = (*w)->append(std::move(b));
    REQUIRE_MESSAGE(r, r.status().message());
  }
}

}  // namespace adrestore::testing
