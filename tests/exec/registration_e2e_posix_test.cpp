// End to end, the built adrestore against a simulated DC: the registration is never left
// open by a live process (a journal that cannot be written still gets the finalisers), and AD
// DS is asked again right before DsRestorePrepare (step-graph.md steps 7, 12, 13).
#include <doctest/doctest.h>

#include "base/text.h"
#include "exec/e2e_support.h"
#include "exec/matrix_fixture.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;
using namespace e2e;

// The sequence number of the record that starts `step_id` in a finished run's journal.
std::uint64_t seq_of_step_start(const MatrixWorld& w, const std::string& step_id) {
  auto j = journal_now(w);
  REQUIRE(j);
  for (const exec::Record& r : j->records) {
    const auto* s = r.as<exec::StepStarted>();
    if (s && s->step == step_id) return r.seq;
  }
  FAIL("no " << step_id << " in the journal");
  return 0;
}

const sim::CallRecord* last_call(const std::vector<sim::CallRecord>& calls, const std::string& name) {
  const sim::CallRecord* found = nullptr;
  for (const sim::CallRecord& c : calls) {
    if (c.call == name) found = &c;
  }
  return found;
}

}  // namespace

TEST_SUITE("exec") {

  TEST_CASE("a journal that cannot be written after DsRestoreRegister: the registration is completed with a "
            "failure and the context ended, and resume restores") {
    // Where files.copy starts in an undisturbed run of the same world.
    std::uint64_t copy_start = 0;
    {
      MatrixWorld probe(quick_options());
      const RunResult r = probe.run();
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      copy_start = seq_of_step_start(probe, "files.copy");
    }
    for (const std::uint64_t at : {copy_start - 1, copy_start, copy_start + 2}) {
      CAPTURE(at);
      MatrixWorld w(quick_options());
      w.add_faults(nlohmann::json::array({{{"journalFull", {{"atRecord", at}}}}}));
      const RunResult r = w.run();
      CHECK_MESSAGE(r.exit_code == 3, r.err);
      CHECK_MESSAGE(contains(r.err, "journal"), r.err);
      const auto calls = w.calls();
      check_call_invariants(calls);  // RegisterComplete after Register, End after Prepare
      const sim::CallRecord* complete = last_call(calls, "DsRestoreRegisterComplete");
      REQUIRE_MESSAGE(complete, restore_calls(w));
      CHECK_FALSE(contains(complete->line, "state=S_OK"));
      REQUIRE(last_call(calls, "DsRestoreEnd"));
      CHECK(w.lost_files().empty());

      const RunResult again = w.resume_until_done();
      REQUIRE_MESSAGE(again.exit_code == 0, again.err);
      check_restored(w);
      check_call_invariants(w.calls());
    }
  }

  TEST_CASE("a journal that cannot be created on a full disk fails the run (exit 3), not refuses it, and changes "
            "nothing") {
    MatrixWorld w(quick_options());
    w.add_faults(nlohmann::json::array({{{"journalFull", {{"atRecord", std::uint64_t{0}}}}}}));
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK_MESSAGE(contains(r.err, "cannot start a run"), r.err);
    CHECK_MESSAGE(contains(r.err, "no space left on device"), r.err);
    CHECK_FALSE(std::filesystem::exists(exec::journal_path(w.state.string())));
    CHECK(restore_calls(w).empty());
    CHECK(w.destination() == w.destination_before);
    // The fault is taken: with space freed, the same command starts the run.
    const RunResult again = w.run();
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    check_restored(w);
  }

  TEST_CASE("a state directory that cannot be created is an I/O failure (exit 3), not a usage error") {
    MatrixWorld w(quick_options());
    std::filesystem::remove_all(w.state);
    write_file(w.state, "a file where the state directory should be\n");
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK_MESSAGE(contains(r.err, "cannot create the state directory"), r.err);
    CHECK(restore_calls(w).empty());
  }

  TEST_CASE("AD DS started while the pre hooks ran: restore.prepare refuses before DsRestorePrepare, and nothing "
            "changes") {
    MatrixOptions o = quick_options();
    // A pre hook that boots the simulated DC into normal mode, where AD DS runs.
    o.programs["C:\\Tools\\boot-normal.exe"] =
        "#!/bin/sh\nexec '" + binary_path() + "' sim boot \"$ADRESTORE_STATE_DIR/../world\" --normal\n";
    o.plan_spec_extra = "  hooks:\n    pre:\n      - {name: boot-normal, run: ['C:\\Tools\\boot-normal.exe']}\n";
    MatrixWorld w(o);
    const std::filesystem::path events = w.tmp / "events.jsonl";
    const RunResult r = w.run({"--events", events.string()});
    CHECK_MESSAGE(r.exit_code == 5, r.err);
    CHECK_MESSAGE(contains(r.err, "AD DS is running on DC01 again"), r.err);
    CHECK_MESSAGE(contains(r.err, "error: restore.prepare: "), r.err);
    // The printer says "error:"; the event keeps the step and the message apart.
    const std::vector<std::string> lines = lines_of(events);
    REQUIRE_FALSE(lines.empty());
    const nlohmann::json finished = nlohmann::json::parse(lines.back());
    CHECK(finished.at("type") == "run-finished");
    CHECK(finished.at("step") == "restore.prepare");
    const std::string message = finished.at("message").get<std::string>();
    CHECK(contains(message, "AD DS is running on DC01 again"));
    CHECK_FALSE(contains(message, "error:"));
    const exec::RunState rs = w.run_state();
    REQUIRE(rs.failed_step.has_value());
    CHECK(*rs.failed_step == "restore.prepare");
    CHECK(restore_calls(w).empty());
    CHECK(w.destination() == w.destination_before);
  }

}  // TEST_SUITE

}  // namespace adrestore::testing
