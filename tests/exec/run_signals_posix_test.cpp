// End to end, the built adrestore against a simulated DC: Ctrl-C (SIGINT) and SIGTERM in
// the middle of files.copy, the state directory's lock between two runners, and the warning
// of `status` while the DC must not be restarted into normal mode (cli.md, step-graph.md).
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "base/text.h"
#include "exec/e2e_support.h"
#include "exec/matrix_fixture.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;
using namespace e2e;

const char* k_no_restart = "DO NOT RESTART THIS DC INTO NORMAL MODE";

bool is_database(const std::string& windows_path) { return ends_with(to_lower_ascii(windows_path), "ntds.dit"); }

std::string database_destination(const exec::JournalContents& j) {
  for (const exec::Record& r : j.records) {
    if (const auto* p = r.as<exec::FileProgress>(); p && is_database(p->file)) return p->file;
  }
  return {};
}

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

// `status` in text and in JSON; both exit 0 (cli.md: the command succeeded, whatever the run's state).
struct StatusSeen {
  std::string text;
  bool must_not_restart = false;
};

StatusSeen status_of(const MatrixWorld& w) {
  const RunResult text = run_adrestore({"status", "--state", w.state.string()});
  CHECK_MESSAGE(text.exit_code == 0, text.err);
  const RunResult json = run_adrestore({"status", "--state", w.state.string(), "--format", "json"});
  CHECK_MESSAGE(json.exit_code == 0, json.err);
  return {text.out, nlohmann::json::parse(json.out).at("mustNotRestart").get<bool>()};
}

// Runs the plan with a crash fault at the start of `step`; the runner dies there.
void run_killed_at(const MatrixWorld& w, const std::string& step) {
  w.add_faults(nlohmann::json::array({{{"crash", {{"atStep", step}}}}}));
  const RunResult killed = w.run();
  REQUIRE_MESSAGE(killed.signal == SIGKILL, killed.err);
}

}  // namespace

TEST_SUITE("exec") {

  TEST_CASE("SIGINT or SIGTERM in the middle of files.copy stops at a safe point, completes the registration with "
            "ERROR_CANCELLED, ends the context, exits 4, and resume registers again and finishes the restore") {
    for (const int sig : {SIGINT, SIGTERM}) {
      CAPTURE(sig);
      MatrixOptions o = quick_options();
      o.database_size = "8Mi";
      o.chunk_size = "64Ki";  // 128 journaled chunks: a copy slow enough to be caught in the middle
      MatrixWorld w(o);
      const fs::path events = w.tmp / "events.jsonl";
      {
        Child run(adrestore_argv(w.run_args({"--events", events.string()})), w.tmp.path());
        const bool copying = wait_until([&] {
          auto j = journal_now(w);
          return j && !database_destination(*j).empty();
        });
        REQUIRE_MESSAGE(copying, "the copy of the database never started: " << run.err());
        // Frozen, the runner cannot move on: the journal shows where the signal lands.
        run.signal(SIGSTOP);
        auto j = journal_now(w);
        REQUIRE(j);
        const exec::StepState& copy = j->state.step("files.copy");
        REQUIRE(copy.running_now());
        const std::string db = database_destination(*j);
        const std::uint64_t db_size = w.backup_set().at("ntds.dit").size();
        REQUIRE_MESSAGE(j->state.file(db).verified_offset < db_size / 2,
                        "the copy outran the test; the signal would not land in the middle of it");
        run.signal(sig);
        run.signal(SIGCONT);
        const int rc = run.wait();
        CHECK_MESSAGE(rc == 4, "exit " << rc << "\n" << run.err());
        CHECK(contains(run.err(), "adrestore resume --state"));
      }

      // Stopped at a chunk boundary inside files.copy: the database is partly copied, and the
      // context was closed although the copy did not finish.
      auto j = journal_now(w);
      REQUIRE(j);
      const exec::StepState& copy = j->state.step("files.copy");
      REQUIRE(copy.outcome.has_value());
      CHECK(*copy.outcome == exec::StepOutcome::interrupted);
      const std::string db = database_destination(*j);
      CHECK_FALSE(j->state.file(db).done);
      CHECK(j->state.file(db).verified_offset > 0);
      // The registration is not left open: completed with ERROR_CANCELLED, so AD DS stays down
      // until the resumed run registers again and completes with success.
      const exec::StepState& complete = j->state.step("restore.complete");
      REQUIRE(complete.outcome.has_value());
      CHECK(*complete.outcome == exec::StepOutcome::succeeded);
      REQUIRE(complete.hresult.has_value());
      CHECK(*complete.hresult == 0x800704C7u);
      const exec::StepState& end = j->state.step("restore.end");
      REQUIRE(end.outcome.has_value());
      CHECK(*end.outcome == exec::StepOutcome::succeeded);
      CHECK_FALSE(j->state.context_open);
      REQUIRE(j->state.finished.has_value());
      CHECK(*j->state.finished == exec::RunOutcome::interrupted);
      const std::string calls = restore_calls(w);
      CHECK(calls ==
            "DsRestorePrepare DsRestoreGetDatabaseLocations DsRestoreRegister DsRestoreRegisterComplete DsRestoreEnd");
      check_call_invariants(w.calls());

      // Registered with a failure: status says not to restart, loudly.
      const RunResult st = run_adrestore({"status", "--state", w.state.string()});
      CHECK(st.exit_code == 0);
      CHECK_MESSAGE(contains(st.out, k_no_restart), st.out);

      const RunResult r = w.resume({"--events", events.string()});
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      check_restored(w);
      check_call_invariants(w.calls());
      // The partial database was continued from its last verified chunk, not started over.
      j = journal_now(w);
      REQUIRE(j);
      CHECK(records_of<exec::FileRestarted>(*j) == 0);
      bool resumed = false;
      std::optional<std::uint64_t> first_chunk_after_resume;
      for (const exec::Record& rec : j->records) {
        if (rec.as<exec::RunResumed>()) resumed = true;
        const auto* p = rec.as<exec::FileProgress>();
        if (resumed && p && is_database(p->file) && !first_chunk_after_resume) first_chunk_after_resume = p->chunk;
      }
      REQUIRE(first_chunk_after_resume.has_value());
      CHECK(*first_chunk_after_resume > 0);
      // Both processes appended to the same events file.
      std::size_t starts = 0;
      for (const std::string& line : lines_of(events)) {
        if (nlohmann::json::parse(line).at("type") == "run-started") ++starts;
      }
      CHECK(starts == 2);
      const RunResult after = run_adrestore({"status", "--state", w.state.string()});
      CHECK(after.exit_code == 0);
      CHECK_FALSE(contains(after.out, k_no_restart));
    }
  }

  TEST_CASE("a second runner on a held state directory is refused with exit 5 naming the holder, and a killed holder "
            "leaves no lock behind") {
    MatrixOptions o = quick_options();
    o.programs["C:\\Tools\\wait.exe"] = waiting_hook_script("hold");
    o.plan_spec_extra = "  hooks:\n"
                        "    pre:\n"
                        "      - name: hold\n"
                        "        run: ['C:\\Tools\\wait.exe']\n"
                        "        idempotent: true\n";
    MatrixWorld w(o);
    {
      Child holder(adrestore_argv(w.run_args()), w.tmp.path());
      REQUIRE_MESSAGE(wait_until([&] { return fs::exists(w.tmp / "hold.started"); }), holder.err());
      const std::string who = "held by pid " + std::to_string(holder.pid()) + " on host " + host_name();

      const RunResult second = w.run();
      CHECK(second.exit_code == 5);
      CHECK_MESSAGE(contains(second.err, who), second.err);
      const RunResult third = w.resume();
      CHECK(third.exit_code == 5);
      CHECK_MESSAGE(contains(third.err, who), third.err);
      const RunResult st = run_adrestore({"status", "--state", w.state.string()});
      CHECK(st.exit_code == 0);
      CHECK_MESSAGE(contains(st.out, who), st.out);
      // The refused runners changed nothing: one run, one process, still in the hook.
      CHECK(w.run_state().processes == 1);
      CHECK(w.run_state().last_step == "hook.pre.hold");

      holder.signal(SIGKILL);
      CHECK(holder.wait() == -SIGKILL);
    }
    // No hand-editing: the next runner takes the lock at once.
    write_file(w.tmp / "hold.release", "");
    const RunResult r = w.resume();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    check_restored(w);
    CHECK(lines_of(w.tmp / "hold.started").size() == 2);  // idempotent: run again after the kill
  }

  TEST_CASE("status warns loudly while DsRestoreRegister is done and DsRestoreRegisterComplete is not, and only then") {
    SUBCASE("killed after DsRestoreRegister: warned until the resumed run has finished") {
      MatrixWorld w(quick_options());
      run_killed_at(w, "files.clear");
      CHECK(restore_calls(w) == "DsRestorePrepare DsRestoreGetDatabaseLocations DsRestoreRegister");
      const StatusSeen killed_status = status_of(w);
      CHECK_MESSAGE(contains(killed_status.text, k_no_restart), killed_status.text);
      CHECK(killed_status.must_not_restart);

      const RunResult r = w.resume();
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      check_restored(w);
      const StatusSeen done = status_of(w);
      CHECK_FALSE(contains(done.text, k_no_restart));
      CHECK(contains(done.text, "Status: completed"));
      CHECK_FALSE(done.must_not_restart);
    }
    SUBCASE("killed inside restore.register: warned, since DsRestoreRegister may have been called") {
      MatrixWorld w(quick_options());
      run_killed_at(w, "restore.register");  // after its start is journaled, before the call
      CHECK(restore_calls(w) == "DsRestorePrepare DsRestoreGetDatabaseLocations");
      const StatusSeen st = status_of(w);
      CHECK_MESSAGE(contains(st.text, k_no_restart), st.text);
      CHECK(contains(st.text, "may have been called"));
      CHECK(st.must_not_restart);
    }
    SUBCASE("killed before restore.register: no warning") {
      MatrixWorld w(quick_options());
      run_killed_at(w, "restore.locations");
      CHECK(restore_calls(w) == "DsRestorePrepare");
      const StatusSeen st = status_of(w);
      CHECK_FALSE(contains(st.text, k_no_restart));
      CHECK(contains(st.text, "resumable"));
      CHECK_FALSE(st.must_not_restart);
    }
  }

}  // TEST_SUITE

}  // namespace adrestore::testing
