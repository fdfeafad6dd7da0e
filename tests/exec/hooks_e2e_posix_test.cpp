// End to end, the built adrestore against a simulated DC, hooks as the executor runs them:
// the --events file, a runner killed while a hook runs (resume by `idempotent`, or
// --rerun-hook / --skip-hook), and onError and `when` (hooks.md, step-graph.md, cli.md).
#include <doctest/doctest.h>
#include <signal.h>

#include "base/text.h"
#include "exec/e2e_support.h"
#include "exec/matrix_fixture.h"
#include "platform/process_test_util.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;
using namespace e2e;

const char* k_hook_exe = "C:\\Tools\\hook.exe";

// Three post hooks, one for each `when`, that record the outcome they were given.
const std::string k_post_by_when =
    "      - {name: on-success, run: ['C:\\Tools\\hook.exe', '0', '${run.outcome}'], when: success}\n"
    "      - {name: on-failure, run: ['C:\\Tools\\hook.exe', '0', '${run.outcome}'], when: failure}\n"
    "      - {name: on-always, run: ['C:\\Tools\\hook.exe', '0', '${run.outcome}'], when: always}\n";

std::string hook_log(const MatrixWorld& w, const std::string& name) {
  return read_file(w.state / "logs" / "hooks" / (name + ".log"));
}

// Starts a run, waits until the hook `name` (a waiting_hook_script) runs, SIGKILLs the runner
// and waits until the hook is gone too (its supervisor kills the tree when the runner dies).
void kill_runner_in_hook(const MatrixWorld& w, const std::string& name) {
  Child run(adrestore_argv(w.run_args()), w.tmp.path());
  const fs::path started = w.tmp / (name + ".started");
  REQUIRE_MESSAGE(wait_until([&] { return !read_pids(started).empty(); }), run.err());
  const int hook_pid = read_pids(started).front();
  run.signal(SIGKILL);
  REQUIRE(run.wait() == -SIGKILL);
  CHECK_MESSAGE(wait_until([&] { return !process_alive(hook_pid); }, 10),
                "the hook outlived the runner that started it");
  const exec::RunState rs = w.run_state();
  CHECK_FALSE(rs.finished.has_value());
  CHECK(rs.step(rs.last_step).status == exec::StepStatus::running);
}

MatrixOptions waiting_hook_options(const std::string& phase, const std::string& idempotent) {
  MatrixOptions o = quick_options();
  o.programs["C:\\Tools\\slow.exe"] = waiting_hook_script("slow");
  o.plan_spec_extra = "  hooks:\n    " + phase +
                      ":\n      - {name: slow, run: ['C:\\Tools\\slow.exe'], idempotent: " + idempotent + "}\n";
  return o;
}

MatrixOptions recording_options(const std::string& hooks_yaml) {
  MatrixOptions o = quick_options();
  o.programs[k_hook_exe] = recording_hook_script();
  o.plan_spec_extra = "  hooks:\n" + hooks_yaml;
  return o;
}

std::vector<std::string> hooks_ran(const MatrixWorld& w) { return lines_of(w.tmp / "hooks-ran.txt"); }

}  // namespace

TEST_SUITE("hooks") {

  TEST_CASE(
      "--events writes one JSON object per line: the run, every step in the mandated order, and each hook's result") {
    MatrixOptions o = recording_options(
        "    pre:\n"
        "      - {name: prepare-ops, run: ['C:\\Tools\\hook.exe', '0']}\n"
        "    post:\n"
        "      - {name: notify-fails, run: ['C:\\Tools\\hook.exe', '3'], onError: continue}\n"
        "      - {name: notify-hangs, run: ['C:\\Tools\\hang.exe'], timeout: 1s, onError: continue}\n");
    o.programs["C:\\Tools\\hang.exe"] = "#!/bin/sh\nsleep 30\n";
    MatrixWorld w(o);
    const fs::path events = w.tmp / "events.jsonl";
    const RunResult r = w.run({"--events", events.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);

    std::vector<nlohmann::json> ev;
    for (const std::string& line : lines_of(events)) {
      CAPTURE(line);
      nlohmann::json j;
      REQUIRE_NOTHROW(j = nlohmann::json::parse(line));
      REQUIRE(j.is_object());
      CHECK(j.at("type").is_string());
      CHECK(j.at("time").is_string());
      ev.push_back(j);
    }
    REQUIRE(ev.size() >= 2);
    CHECK(ev.front().at("type") == "run-started");
    CHECK(ev.back().at("type") == "run-finished");
    CHECK(ev.back().at("outcome") == "succeeded");

    // Every step starts, then finishes before the next one starts, in the only order allowed.
    const std::vector<std::string> mandated = {"preflight.host",
                                               "preflight.privilege",
                                               "preflight.ntds-offline",
                                               "backup.verify",
                                               "hook.pre.prepare-ops",
                                               "restore.prepare",
                                               "restore.locations",
                                               "restore.register",
                                               "files.clear",
                                               "files.copy",
                                               "restore.complete",
                                               "restore.end",
                                               "hook.post.notify-fails",
                                               "hook.post.notify-hangs"};
    std::vector<std::string> started;
    std::string open;
    for (const nlohmann::json& e : ev) {
      const std::string type = e.at("type");
      if (type == "step-started") {
        CHECK_MESSAGE(open.empty(), "step " << e.at("step") << " started while " << open << " ran");
        open = e.at("step");
        started.push_back(open);
      } else if (type == "step-finished") {
        CHECK(e.at("step") == open);
        CHECK(e.at("outcome").is_string());
        CHECK(e.at("data").at("durationMs").is_number_integer());
        open.clear();
      }
    }
    CHECK(open.empty());
    CHECK(started == mandated);

    // Hook results: exit code, duration, timed-out flag and the log's path.
    std::map<std::string, nlohmann::json> hooks;
    for (const nlohmann::json& e : ev) {
      if (e.at("type") == "hook-finished") hooks[e.at("step").get<std::string>()] = e.at("data");
    }
    REQUIRE(hooks.size() == 3);
    const nlohmann::json& ok = hooks.at("hook.pre.prepare-ops");
    CHECK(ok.at("exitCode") == 0);
    CHECK(ok.at("timedOut") == false);
    CHECK(ok.at("durationMs").is_number_integer());
    CHECK(ok.at("durationMs").get<std::int64_t>() >= 0);
    CHECK(ok.at("log") == (w.state / "logs" / "hooks" / "prepare-ops.log").string());
    CHECK(fs::is_regular_file(ok.at("log").get<std::string>()));
    const nlohmann::json& three = hooks.at("hook.post.notify-fails");
    CHECK(three.at("exitCode") == 3);
    CHECK(three.at("timedOut") == false);
    const nlohmann::json& hang = hooks.at("hook.post.notify-hangs");
    CHECK(hang.at("timedOut") == true);
    CHECK(hang.at("exitCode").is_null());
    CHECK(hang.at("durationMs").get<std::int64_t>() >= 1000);
    CHECK(fs::is_regular_file(hang.at("log").get<std::string>()));
  }

  TEST_CASE("a runner killed in an idempotent pre hook: resume runs the hook again and completes") {
    MatrixWorld w(waiting_hook_options("pre", "true"));
    kill_runner_in_hook(w, "slow");
    CHECK(restore_calls(w).empty());
    write_file(w.tmp / "slow.release", "");
    const RunResult r = w.resume();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    check_restored(w);
    CHECK(read_pids(w.tmp / "slow.started").size() == 2);
    CHECK(count_of(hook_log(w, "slow"), "==== adrestore hook slow (pre)") == 2);
  }

  TEST_CASE("a runner killed in a pre hook that is not idempotent: resume asks for --rerun-hook or --skip-hook, and "
            "each works") {
    MatrixWorld w(waiting_hook_options("pre", "false"));
    kill_runner_in_hook(w, "slow");
    write_file(w.tmp / "slow.release", "");

    for (int attempt = 0; attempt < 2; ++attempt) {  // it keeps asking, and changes nothing meanwhile
      const fs::path events = w.tmp / ("asked" + std::to_string(attempt) + ".jsonl");
      const RunResult r = w.resume({"--events", events.string()});
      CHECK(r.exit_code == 4);
      CHECK_MESSAGE(contains(r.err, "hook.pre.slow"), r.err);
      CHECK_MESSAGE(contains(r.err, "--rerun-hook slow"), r.err);
      CHECK_MESSAGE(contains(r.err, "--skip-hook slow"), r.err);
      // The events file is closed like any other attempt's: run-started ... run-finished.
      const std::vector<std::string> lines = lines_of(events);
      REQUIRE(lines.size() >= 2);
      CHECK(nlohmann::json::parse(lines.front()).at("type") == "run-started");
      const nlohmann::json last = nlohmann::json::parse(lines.back());
      CHECK(last.at("type") == "run-finished");
      CHECK(last.at("outcome") == "interrupted");
      CHECK(last.at("step") == "hook.pre.slow");
    }
    CHECK(read_pids(w.tmp / "slow.started").size() == 1);
    CHECK(restore_calls(w).empty());
    const RunResult st = run_adrestore({"status", "--state", w.state.string()});
    CHECK(st.exit_code == 0);
    CHECK_MESSAGE(contains(st.out, "needs a decision  hook.pre.slow"), st.out);

    SUBCASE("--rerun-hook runs it again") {
      const RunResult r = w.resume({"--rerun-hook", "slow"});
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      check_restored(w);
      CHECK(read_pids(w.tmp / "slow.started").size() == 2);
    }
    SUBCASE("--skip-hook treats it as done") {
      const RunResult r = w.resume({"--skip-hook", "slow"});
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      check_restored(w);
      CHECK(read_pids(w.tmp / "slow.started").size() == 1);
    }
  }

  TEST_CASE("a hook skipped with --skip-hook stays decided when that resume is killed too") {
    MatrixWorld w(waiting_hook_options("pre", "false"));
    kill_runner_in_hook(w, "slow");
    write_file(w.tmp / "slow.release", "");
    w.add_faults(nlohmann::json::parse(R"([{"crash": {"atStep": "files.copy"}}])"));
    const RunResult killed = w.resume({"--skip-hook", "slow"});
    REQUIRE_MESSAGE(killed.signal == SIGKILL, killed.err);
    // The operator already decided: the next resume does not ask again, nor run the hook.
    const RunResult r = w.resume();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    check_restored(w);
    CHECK(read_pids(w.tmp / "slow.started").size() == 1);
  }

  TEST_CASE("a runner killed in a post hook: the restore is not repeated; resume asks unless the hook is idempotent") {
    SUBCASE("not idempotent") {
      MatrixWorld w(waiting_hook_options("post", "false"));
      kill_runner_in_hook(w, "slow");
      write_file(w.tmp / "slow.release", "");
      const std::string calls_before = restore_calls(w);
      CHECK(calls_before ==
            "DsRestorePrepare DsRestoreGetDatabaseLocations DsRestoreRegister DsRestoreRegisterComplete DsRestoreEnd");
      const RunResult st = run_adrestore({"status", "--state", w.state.string()});
      CHECK_FALSE(contains(st.out, "DO NOT RESTART"));
      CHECK_MESSAGE(contains(st.out, "needs a decision  hook.post.slow"), st.out);

      const RunResult asked = w.resume();
      CHECK(asked.exit_code == 4);
      CHECK_MESSAGE(contains(asked.err, "--rerun-hook slow"), asked.err);
      CHECK_MESSAGE(contains(asked.err, "--skip-hook slow"), asked.err);
      SUBCASE("--skip-hook") {
        const RunResult r = w.resume({"--skip-hook", "slow"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(read_pids(w.tmp / "slow.started").size() == 1);
      }
      SUBCASE("--rerun-hook") {
        const RunResult r = w.resume({"--rerun-hook", "slow"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(read_pids(w.tmp / "slow.started").size() == 2);
      }
      check_restored(w);
      CHECK(restore_calls(w) == calls_before);
    }
    SUBCASE("idempotent") {
      MatrixWorld w(waiting_hook_options("post", "true"));
      kill_runner_in_hook(w, "slow");
      write_file(w.tmp / "slow.release", "");
      const std::string calls_before = restore_calls(w);
      const RunResult r = w.resume();
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      check_restored(w);
      CHECK(read_pids(w.tmp / "slow.started").size() == 2);
      CHECK(restore_calls(w) == calls_before);
    }
  }

  TEST_CASE(
      "a failing pre hook with onError fail stops the run before DsRestorePrepare; post hooks then run by `when`") {
    MatrixWorld w(recording_options("    pre:\n"
                                    "      - {name: first, run: ['C:\\Tools\\hook.exe', '0']}\n"
                                    "      - {name: breaks, run: ['C:\\Tools\\hook.exe', '3'], onError: fail}\n"
                                    "      - {name: never, run: ['C:\\Tools\\hook.exe', '0']}\n"
                                    "    post:\n" +
                                    k_post_by_when));
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK(hooks_ran(w) == std::vector<std::string>{"first pre - 0", "breaks pre - 3", "on-failure post failed 0 failed",
                                                   "on-always post failed 0 failed"});
    CHECK(restore_calls(w).empty());
    CHECK(w.destination() == w.destination_before);
    const exec::RunState rs = w.run_state();
    REQUIRE(rs.finished.has_value());
    CHECK(*rs.finished == exec::RunOutcome::failed);
    REQUIRE(rs.failed_step.has_value());
    CHECK(*rs.failed_step == "hook.pre.breaks");
  }

  TEST_CASE("a failing pre hook with onError continue lets the restore go on") {
    MatrixWorld w(recording_options("    pre:\n"
                                    "      - {name: breaks, run: ['C:\\Tools\\hook.exe', '3'], onError: continue}\n"
                                    "    post:\n" +
                                    k_post_by_when));
    const RunResult r = w.run();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    check_restored(w);
    CHECK(hooks_ran(w) == std::vector<std::string>{"breaks pre - 3", "on-success post succeeded 0 succeeded",
                                                   "on-always post succeeded 0 succeeded"});
    CHECK(w.run_state().step("hook.pre.breaks").status == exec::StepStatus::failed);
  }

  TEST_CASE(
      "a failing post hook: onError continue (the default) goes on; onError fail fails the run, the restore stays and "
      "the later post hooks still run by the restore's outcome") {
    SUBCASE("continue") {
      MatrixWorld w(recording_options("    post:\n"
                                      "      - {name: breaks, run: ['C:\\Tools\\hook.exe', '4']}\n"
                                      "      - {name: after, run: ['C:\\Tools\\hook.exe', '0'], when: success}\n"));
      const RunResult r = w.run();
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      check_restored(w);
      CHECK(hooks_ran(w) == std::vector<std::string>{"breaks post succeeded 4", "after post succeeded 0"});
    }
    SUBCASE("fail") {
      // The failed post hook fails the run, not the restore: later hooks still see succeeded.
      MatrixWorld w(recording_options("    post:\n"
                                      "      - {name: breaks, run: ['C:\\Tools\\hook.exe', '4'], onError: fail}\n" +
                                      k_post_by_when));
      const RunResult r = w.run();
      CHECK_MESSAGE(r.exit_code == 3, r.err);
      CHECK(hooks_ran(w) == std::vector<std::string>{"breaks post succeeded 4", "on-success post succeeded 0 succeeded",
                                                     "on-always post succeeded 0 succeeded"});
      const exec::RunState rs = w.run_state();
      REQUIRE(rs.failed_step.has_value());
      CHECK(*rs.failed_step == "hook.post.breaks");
      // The database is restored and completed; a post hook cannot undo that.
      CHECK(w.destination().size() == w.backup_set().size());
      for (const auto& [name, content] : w.backup_set()) CHECK(w.destination().at(name) == content);
      CHECK_FALSE(rs.must_not_restart());
    }
  }

  TEST_CASE("after a restore that fails at restore.prepare, post hooks run by `when` and see the outcome failed") {
    MatrixWorld w(recording_options("    pre:\n"
                                    "      - {name: first, run: ['C:\\Tools\\hook.exe', '0']}\n"
                                    "    post:\n" +
                                    k_post_by_when));
    w.add_faults(nlohmann::json::parse(R"([{"call": "DsRestorePrepare", "hresult": "hrCouldNotConnect"}])"));
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK(hooks_ran(w) == std::vector<std::string>{"first pre - 0", "on-failure post failed 0 failed",
                                                   "on-always post failed 0 failed"});
    const exec::RunState rs = w.run_state();
    REQUIRE(rs.failed_step.has_value());
    CHECK(*rs.failed_step == "restore.prepare");
  }

  TEST_CASE("a failure in steps 1-5 runs no hook at all, not even one for `when: failure`") {
    MatrixWorld w(recording_options("    pre:\n"
                                    "      - {name: first, run: ['C:\\Tools\\hook.exe', '0']}\n"
                                    "    post:\n"
                                    "      - {name: on-failure, run: ['C:\\Tools\\hook.exe', '0'], when: failure}\n"
                                    "      - {name: on-always, run: ['C:\\Tools\\hook.exe', '0'], when: always}\n"));
    // One flipped byte in the backup set: backup.verify (step 5) fails.
    const fs::path db = w.host("D/Backups/DC01/ntds.dit");
    std::string bytes = read_file(db);
    REQUIRE(bytes.size() > 100);
    bytes[100] = static_cast<char>(bytes[100] ^ 0x01);
    write_file(db, bytes);
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 3, r.err);
    CHECK(hooks_ran(w).empty());
    CHECK_FALSE(fs::exists(w.state / "logs" / "hooks"));
    const exec::RunState rs = w.run_state();
    REQUIRE(rs.failed_step.has_value());
    CHECK(*rs.failed_step == "backup.verify");
    CHECK(restore_calls(w).empty());
  }

}  // TEST_SUITE

}  // namespace adrestore::testing
