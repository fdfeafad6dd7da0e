#include <doctest/doctest.h>

#include "exec/journal.h"
#include "journal_fixture.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::exec;

TEST_SUITE("journal") {
  TEST_CASE("a journal folds into the one RunState that the executor, resume and status decide on") {
    testing::TempDir t;
    testing::write_sample_journal(t.path().string());
    auto c = read_journal((t / "journal").string());
    REQUIRE(c);
    const RunState& rs = c->state;
    CHECK(rs.run.run_id == "20261124T100000Z-abc123");
    CHECK(rs.run.plan_name == "dc01-corp");
    CHECK(rs.run.plan_file == "plans/dc01.yaml");
    CHECK(rs.run.plan_sha256 == std::string(64, 'a'));
    CHECK(rs.run.api == "sim");
    CHECK(rs.started_at() == format_utc_ms(c->records.front().time_ms));
    CHECK(rs.succeeded("preflight.host"));
    CHECK(rs.step("restore.end").status == StepStatus::failed);
    CHECK(rs.step("restore.end").hresult == 0x80070005U);
    CHECK(rs.step("files.copy").status == StepStatus::not_started);
    CHECK(rs.last_step == "restore.end");
    CHECK(rs.cleared_files() == std::set<std::string>{"E:\\NTDS\\old.dit", "F:\\Logs\\edb.chk"});
    CHECK(rs.copied_files() == std::set<std::string>{"E:\\NTDS\\ntds.dit"});
    CHECK(rs.verified_bytes().empty());
    REQUIRE(rs.destinations);
    CHECK(canonical_destinations(*rs.destinations) == "database ntds.dit -> e:\\ntds\\ntds.dit\nlog edb00001.log -> f:\\logs\\edb00001.log\n");
    CHECK_FALSE(rs.finished);  // run-resumed followed run-finished
    CHECK(rs.processes == 2);
    CHECK_FALSE(rs.context_open);
  }

  TEST_CASE("a step that was running when the process died is running in the RunState") {
    testing::TempDir t;
    auto w = JournalWriter::create(t.path().string());
    REQUIRE(w);
    REQUIRE((*w)->append(RunStarted{"p", "", std::string(64, 'a'), "0.1.0", "r", "sim", "", "DC01", ""}));
    REQUIRE((*w)->append(StepStarted{"hook.pre.av", 1}));
    REQUIRE((*w)->append(FileProgress{"E:\\NTDS\\ntds.dit", 64, 0}));
    REQUIRE((*w)->append(StepStarted{"restore.prepare", 1}));
    REQUIRE((*w)->append(ContextOpened{}));
    REQUIRE((*w)->append(StepFinished{"restore.prepare", StepOutcome::succeeded, 0U, 5, ""}));
    auto c = read_journal((t / "journal").string());
    REQUIRE(c);
    RunState rs = c->state;
    CHECK(rs.step("hook.pre.av").status == StepStatus::running);
    CHECK(rs.context_open);
    CHECK(rs.verified_bytes().at("E:\\NTDS\\ntds.dit") == 64);
    REQUIRE((*w)->append(RunResumed{"0.1.0", "DC01"}));
    c = read_journal((t / "journal").string());
    rs = c->state;
    CHECK(rs.step("hook.pre.av").status == StepStatus::running);
    CHECK_FALSE(rs.context_open);
    CHECK(rs.processes == 2);
  }
}

namespace {

// Folds one record into `s` (time and seq as a writer would stamp them) and says whether it fit.
bool fold(RunState& s, RecordBody body) {
  Record r;
  r.seq = s.records + 1;
  r.time_ms = 1000 + static_cast<std::int64_t>(s.records);
  r.body = std::move(body);
  return static_cast<bool>(s.apply(r));
}

}  // namespace

TEST_SUITE("journal") {
  TEST_CASE("the registration's phase follows restore.register, restore.complete and system.restart") {
    RunState s;
    REQUIRE(fold(s, RunStarted{"p", "", std::string(64, 'a'), "0.1.0", "r", "sim", "", "DC01", ""}));
    CHECK(s.phase() == RestorePhase::none);
    REQUIRE(fold(s, StepStarted{"restore.register", 1}));
    REQUIRE(fold(s, RunResumed{"0.1.0", "DC01"}));  // died inside restore.register
    CHECK(s.phase() == RestorePhase::uncertain);
    CHECK(s.must_not_restart());
    REQUIRE(fold(s, StepStarted{"restore.register", 2}));
    REQUIRE(fold(s, StepFinished{"restore.register", StepOutcome::succeeded, std::nullopt, 1, ""}));
    CHECK(s.phase() == RestorePhase::registered);
    // DsRestoreRegisterComplete reported a failure: AD DS stays down, the DC must stay in DSRM.
    REQUIRE(fold(s, StepStarted{"restore.complete", 1}));
    REQUIRE(fold(s, StepFinished{"restore.complete", StepOutcome::succeeded, 0x800704C7U, 1, ""}));
    CHECK(s.phase() == RestorePhase::registered);
    CHECK(s.must_not_restart());
    CHECK_FALSE(s.restore_completed_ok());
    REQUIRE(fold(s, RunResumed{"0.1.0", "DC01"}));
    REQUIRE(fold(s, StepStarted{"restore.complete", 2}));
    REQUIRE(fold(s, StepFinished{"restore.complete", StepOutcome::succeeded, 0U, 1, ""}));
    CHECK(s.phase() == RestorePhase::completed);
    CHECK_FALSE(s.must_not_restart());
    CHECK(s.restore_completed_ok());
    CHECK_FALSE(s.restarted());
    REQUIRE(fold(s, StepStarted{"system.restart", 1}));
    REQUIRE(fold(s, StepFinished{"system.restart", StepOutcome::succeeded, std::nullopt, 1, ""}));
    CHECK(s.phase() == RestorePhase::restarted);
    CHECK(s.restarted());
  }

  TEST_CASE("a record the fold refuses leaves the RunState as it was") {
    RunState s;
    REQUIRE(fold(s, RunStarted{"p", "", std::string(64, 'a'), "0.1.0", "r", "sim", "", "DC01", ""}));
    REQUIRE(fold(s, StepStarted{"files.copy", 1}));
    const std::uint64_t before = s.records;
    CHECK_FALSE(fold(s, StepStarted{"files.copy", 2}));  // started again while running
    CHECK(s.records == before);
    CHECK(s.step("files.copy").attempts == 1);
    CHECK(s.step("files.copy").running_now());
  }
}
