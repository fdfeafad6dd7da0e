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
    REQUIRE((*w)->append(RunStarted{"p", "", std::string(64, 'a'), "0.1.0", "r", "sim", "", "DC01"}));
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
