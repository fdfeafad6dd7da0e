// run_hook() with real processes in a simulated world: Windows program paths run the world's
// files, logs are kept per hook and appended on reruns, secrets stay out, trees die on timeout.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "base/text.h"

#include "exec/hook_runner.h"
#include "exec/hook_test_util.h"
#include "sim/sim_disks.h"
#include "platform/process_test_util.h"

namespace adrestore::testing {
namespace {

using namespace std::chrono_literals;
using exec::HookOutcome;
using exec::HookResult;

// A world with C:\Tools and a state directory, and the options to run hooks in it.
struct World {
  TempDir dir;
  sim::SimDisks disks{(dir / "world").string()};
  std::string state = (dir / "state").string();
  exec::HookRunOptions opts;
  exec::HookContext ctx = make_context(state);

  World() {
    std::filesystem::create_directories(dir / "world" / "fs" / "C" / "Tools");
    std::filesystem::create_directories(state);
    opts.resolve_program = exec::disks_program_resolver(disks, "/usr/bin:/bin");
    opts.resolve_dir = exec::disks_dir_resolver(disks);
    opts.base_env = base_env();
    opts.kill_grace = 300ms;
  }
  // Writes C:\Tools\<name> as an executable script.
  void tool(const std::string& name, const std::string& script) {
    write_script(dir, "world/fs/C/Tools/" + name, "#!/bin/sh\n" + script);
  }
  std::string log(const std::string& hook) { return read_file(exec::hook_log_path(state, hook)); }
};

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t p = text.find(part); p != std::string::npos; p = text.find(part, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("hooks") {

TEST_CASE("a hook with a Windows program path runs the world's file and its output lands in its log") {
  World w;
  w.tool("avctl.exe", "echo \"paused for $2 minutes\"\necho 'a warning' >&2\n");
  const plan::Hook hook = make_hook("pause-antivirus", plan::HookPhase::pre, {"C:\\Tools\\avctl.exe", "pause", "120"});
  const HookResult r = exec::run_hook(hook, w.ctx, w.opts);
  CHECK(r.outcome == HookOutcome::succeeded);
  CHECK(r.exited);
  CHECK(r.exit_code == 0);
  CHECK(r.error.is_ok());
  CHECK(r.log_error.is_ok());
  CHECK(r.log_path == w.state + "/logs/hooks/pause-antivirus.log");
  const std::string log = w.log("pause-antivirus");
  CHECK(contains(log, "==== adrestore hook pause-antivirus (pre), run 20261124T180500Z-7f3a, started "));
  CHECK(contains(log, "argv: [\"C:\\Tools\\avctl.exe\", \"pause\", \"120\"]"));
  CHECK(contains(log, "program: " + (w.dir / "world/fs/C/Tools/avctl.exe").string()));
  CHECK(contains(log, "paused for 120 minutes\n"));
  CHECK(contains(log, "a warning\n"));
  CHECK(contains(log, "---- end: succeeded: exit code 0, after "));
}

TEST_CASE("arguments arrive byte-identical after substitution") {
  World w;
  w.tool("argv.exe", "for a in \"$@\"; do printf '%s' \"$a\"; printf '\\000'; done > \"$OUT\"\n");
  const std::vector<std::string> tricky = {"two words", "\"q\" 'q'", "a&b|c;d", "$(touch pwned)", "line1\nline2",
                                           "", "trailing\\", "d\xc3\xa9j\xc3\xa0 \xe2\x82\xac"};
  std::vector<std::string> run = {"C:\\Tools\\argv.exe", "--plan", "${plan.name}", "${plan.dc}", "${run.id}",
                                  "${backup.source}", "x${run.outcome}y"};
  run.insert(run.end(), tricky.begin(), tricky.end());
  plan::Hook hook = make_hook("notify-ops", plan::HookPhase::post, run);
  hook.env = {{"OUT", "${run.stateDir}/argv.bin"}};
  w.ctx.outcome = exec::RestoreOutcome::succeeded;
  const HookResult r = exec::run_hook(hook, w.ctx, w.opts);
  REQUIRE(r.outcome == HookOutcome::succeeded);
  std::vector<std::string> want = {"--plan", "dc01-corp", "DC01.corp.example.com", "20261124T180500Z-7f3a",
                                   "D:\\Backups\\DC01\\2026-11-20", "xsucceededy"};
  want.insert(want.end(), tricky.begin(), tricky.end());
  std::string expected;
  for (const std::string& a : want) expected += a + '\0';
  CHECK(read_file(w.state + "/argv.bin") == expected);
  CHECK_FALSE(std::filesystem::exists(w.state + "/pwned"));
}

TEST_CASE("a hook sees its env and the ADRESTORE_ variables, never the password or its value") {
  World w;
  const std::string secret = "Sup3r-Secret!";
  w.opts.base_env.push_back("ADRESTORE_DSRM_PASSWORD=" + secret);
  w.opts.base_env.push_back("LEAKY_COPY=before-" + secret + "-after");
  w.opts.secrets = {secret};
  w.ctx.secret_env_names = {"ADRESTORE_DSRM_PASSWORD"};
  w.ctx.outcome = exec::RestoreOutcome::failed;
  // The hook prints the secret (it could have got it elsewhere), once split across two writes.
  w.tool("notify.exe",
         "env > \"$ADRESTORE_STATE_DIR/env.txt\"\necho \"the password is " + secret +
             "\"\nprintf 'split Sup3r-'\nsleep 0.2\nprintf 'Secret! done\\n'\n");
  plan::Hook hook = make_hook("notify-ops", plan::HookPhase::post, {"C:\\Tools\\notify.exe", "${run.outcome}"});
  hook.env = {{"TEAM", "ops-${plan.name}"}};
  const HookResult r = exec::run_hook(hook, w.ctx, w.opts);
  REQUIRE(r.outcome == HookOutcome::succeeded);

  const std::string env = read_file(w.state + "/env.txt");
  CHECK(contains(env, "TEAM=ops-dc01-corp\n"));
  CHECK(contains(env, "ADRESTORE_PLAN_NAME=dc01-corp\n"));
  CHECK(contains(env, "ADRESTORE_RUN_ID=20261124T180500Z-7f3a\n"));
  CHECK(contains(env, "ADRESTORE_STATE_DIR=" + w.state + "\n"));
  CHECK(contains(env, "ADRESTORE_HOOK_NAME=notify-ops\n"));
  CHECK(contains(env, "ADRESTORE_PHASE=post\n"));
  CHECK(contains(env, "ADRESTORE_OUTCOME=failed\n"));
  CHECK_FALSE(contains(env, "ADRESTORE_DSRM_PASSWORD"));
  CHECK_FALSE(contains(env, "LEAKY_COPY"));
  CHECK_FALSE(contains(env, secret));

  const std::string log = w.log("notify-ops");
  CHECK_FALSE(contains(log, secret));
  CHECK(contains(log, "the password is [redacted]\n"));
  CHECK(contains(log, "split [redacted] done\n"));
}

TEST_CASE("a hook past its timeout is killed with its children and counts as timed out") {
  World w;
  w.tool("child.sh", "trap '' TERM\necho $$ >> \"$ADRESTORE_STATE_DIR/pids\"\nexec sleep 100\n");
  // hang.exe waits until both children have written their pids (a readiness signal), so the
  // 1 s deadline cannot come before they exist.
  w.tool("hang.exe",
         "echo $$ >> \"$ADRESTORE_STATE_DIR/pids\"\n\"$TOOLS/child.sh\" &\nsetsid \"$TOOLS/child.sh\" &\n"
         "while [ \"$(wc -l < \"$ADRESTORE_STATE_DIR/pids\")\" != 3 ]; do sleep 0.01; done\n"
         "echo started\nsleep 100\n");
  plan::Hook hook = make_hook("hang", plan::HookPhase::pre, {"C:\\Tools\\hang.exe"}, 1);
  hook.env = {{"TOOLS", (w.dir / "world/fs/C/Tools").string()}};
  const auto start = std::chrono::steady_clock::now();
  const HookResult r = exec::run_hook(hook, w.ctx, w.opts);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.outcome == HookOutcome::timed_out);
  CHECK(r.timed_out);
  CHECK_FALSE(r.strays);
  // The kill is proved below by the processes being gone; this bound only says the runner did
  // not wait for them to end by themselves (they sleep 100 s). 1 s timeout + 0.3 s grace need
  // 1.3 s; 30 s leaves a loaded machine ample room.
  CHECK(took >= 1.0);  // not before the deadline
  CHECK(took < 30);
  const std::vector<int> pids = read_pids(w.state + "/pids");
  REQUIRE(pids.size() == 3);
  for (int pid : pids) CHECK_MESSAGE(process_gone(pid), "process " << pid << " survived");
  CHECK(exec::hook_verdict(r, plan::OnError::fail) == exec::HookVerdict::stop);
  CHECK(exec::hook_verdict(r, plan::OnError::keep_going) == exec::HookVerdict::proceed_despite_failure);
  const std::string log = w.log("hang");
  CHECK(contains(log, "started\n"));
  CHECK(contains(log, "---- end: timed-out: timed out after 1s and was stopped (killed by signal 15 (SIGTERM))"));
}

TEST_CASE("a failing hook reports its exit code or signal faithfully") {
  World w;
  w.tool("three.exe", "exit 3\n");
  w.tool("crash.exe", "kill -SEGV $$\n");
  HookResult r = exec::run_hook(make_hook("three", plan::HookPhase::pre, {"C:\\Tools\\three.exe"}), w.ctx, w.opts);
  CHECK(r.outcome == HookOutcome::failed);
  CHECK(r.exit_code == 3);
  CHECK(r.description == "exit code 3");
  r = exec::run_hook(make_hook("crash", plan::HookPhase::pre, {"C:\\Tools\\crash.exe"}), w.ctx, w.opts);
  CHECK(r.outcome == HookOutcome::failed);
  CHECK_FALSE(r.exited);
  CHECK(r.signal == SIGSEGV);
  CHECK(contains(w.log("crash"), "---- end: failed: killed by signal 11 (SIGSEGV)"));
}

TEST_CASE("a missing program fails to spawn, and says so in the log") {
  World w;
  const HookResult r =
      exec::run_hook(make_hook("ghost", plan::HookPhase::pre, {"C:\\Tools\\missing.exe"}), w.ctx, w.opts);
  CHECK(r.outcome == HookOutcome::spawn_failed);
  CHECK(r.error.code() == Code::not_found);
  CHECK(contains(r.description, "C:\\Tools\\missing.exe does not exist"));
  CHECK(contains(w.log("ghost"), "could not start: hook program C:\\Tools\\missing.exe does not exist"));
  CHECK(exec::hook_verdict(r, plan::OnError::fail) == exec::HookVerdict::stop);
}

TEST_CASE("a batch file is refused at spawn time, before anything runs") {
  World w;
  w.tool("run.bat", "touch \"$ADRESTORE_STATE_DIR/ran\"\n");
  w.tool("run.cmd.", "touch \"$ADRESTORE_STATE_DIR/ran\"\n");
  for (const char* program : {"C:\\Tools\\run.bat", "C:\\Tools\\RUN.BAT", "C:\\Tools\\run.cmd."}) {
    const HookResult r = exec::run_hook(make_hook("batch", plan::HookPhase::pre, {program}), w.ctx, w.opts);
    CHECK(r.outcome == HookOutcome::spawn_failed);
    CHECK(r.error.code() == Code::refused);
  }
  CHECK_FALSE(std::filesystem::exists(w.state + "/ran"));
}

TEST_CASE("running a hook again appends a new section to its log instead of replacing it") {
  World w;
  w.tool("count.exe", "echo \"attempt $ADRESTORE_RUN_ID\"\n");
  const plan::Hook hook = make_hook("counter", plan::HookPhase::pre, {"C:\\Tools\\count.exe"});
  REQUIRE(exec::run_hook(hook, w.ctx, w.opts).outcome == HookOutcome::succeeded);
  w.ctx.run_id = "second-run";
  REQUIRE(exec::run_hook(hook, w.ctx, w.opts).outcome == HookOutcome::succeeded);
  const std::string log = w.log("counter");
  CHECK(count(log, "==== adrestore hook counter (pre)") == 2);
  CHECK(contains(log, "attempt 20261124T180500Z-7f3a\n"));
  CHECK(contains(log, "attempt second-run\n"));
  CHECK(log.find("attempt 20261124") < log.find("attempt second-run"));
}

TEST_CASE("hook output over the cap is cut with a note and the hook still succeeds") {
  World w;
  w.opts.output_cap = 1000;
  w.tool("chatty.exe", "head -c 100000 /dev/zero | tr '\\000' x\necho\n");
  const HookResult r = exec::run_hook(make_hook("chatty", plan::HookPhase::pre, {"C:\\Tools\\chatty.exe"}), w.ctx, w.opts);
  CHECK(r.outcome == HookOutcome::succeeded);
  CHECK(r.output_truncated);
  const std::string log = w.log("chatty");
  CHECK(contains(log, std::string(1000, 'x') + "\n[adrestore: output cut at 1000 B; "));
  CHECK_FALSE(contains(log, std::string(1001, 'x')));
}

TEST_CASE("a bare program name is looked up on the runner's PATH") {
  World w;
  write_script(w.dir, "bin/mytool", "#!/bin/sh\necho from-path\n");
  w.opts.resolve_program = exec::disks_program_resolver(w.disks, (w.dir / "bin").string() + ":/usr/bin:/bin");
  const HookResult r = exec::run_hook(make_hook("bare", plan::HookPhase::pre, {"mytool"}), w.ctx, w.opts);
  CHECK(r.outcome == HookOutcome::succeeded);
  CHECK(contains(w.log("bare"), "from-path\n"));
}

TEST_CASE("a hook runs in the state directory unless its workingDir says where in the world") {
  World w;
  w.tool("pwd.exe", "pwd >> \"$ADRESTORE_STATE_DIR/pwd.txt\"\n");
  std::filesystem::create_directories(w.dir / "world/fs/C/Work");
  plan::Hook hook = make_hook("where", plan::HookPhase::pre, {"C:\\Tools\\pwd.exe"});
  REQUIRE(exec::run_hook(hook, w.ctx, w.opts).outcome == HookOutcome::succeeded);
  hook.working_dir = plan::Field<WinPath>{*WinPath::parse("c:\\work"), {}, "workingDir"};
  REQUIRE(exec::run_hook(hook, w.ctx, w.opts).outcome == HookOutcome::succeeded);
  CHECK(read_file(w.state + "/pwd.txt") == w.state + "\n" + (w.dir / "world/fs/C/Work").string() + "\n");
  hook.working_dir = plan::Field<WinPath>{*WinPath::parse("C:\\Nowhere"), {}, "workingDir"};
  CHECK(exec::run_hook(hook, w.ctx, w.opts).outcome == HookOutcome::spawn_failed);
}

TEST_CASE("cancelling a hook stops it and interrupts the run whatever onError says") {
  World w;
  // slow.exe says it is running (a readiness file) before it sleeps; the flag is set then.
  w.tool("slow.exe", ": > \"$ADRESTORE_STATE_DIR/ready\"\nsleep 100\n");
  std::atomic<bool> cancel{false};
  w.opts.cancel = &cancel;
  const std::string ready = w.state + "/ready";
  std::thread setter([&] {
    const auto until = std::chrono::steady_clock::now() + 30s;  // only if it never starts
    while (!std::filesystem::exists(ready) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(10ms);
    }
    cancel = true;
  });
  const HookResult r = exec::run_hook(make_hook("slow", plan::HookPhase::post, {"C:\\Tools\\slow.exe"}), w.ctx, w.opts);
  setter.join();
  CHECK(r.outcome == HookOutcome::cancelled);
  CHECK(exec::hook_verdict(r, plan::OnError::keep_going) == exec::HookVerdict::interrupted);
}

TEST_CASE("the log tail shown on a terminal has its control characters escaped") {
  World w;
  w.tool("colour.exe", "printf '\\033[31mred\\033[0m\\n'\nprintf 'bell\\007 \\377 end\\n'\nprintf 'key Sup3r\\n'\n");
  w.opts.secrets = {"Sup3r"};
  REQUIRE(exec::run_hook(make_hook("colour", plan::HookPhase::pre, {"C:\\Tools\\colour.exe"}), w.ctx, w.opts).outcome ==
          HookOutcome::succeeded);
  auto tail = exec::hook_log_tail(exec::hook_log_path(w.state, "colour"), 5);
  REQUIRE(tail);
  CHECK(contains(*tail, "\\x1B[31mred\\x1B[0m\nbell\\x07 \\xFF end\nkey [redacted]\n"));
  CHECK(tail->find('\x1b') == std::string::npos);
  CHECK(split(*tail, '\n').size() == 5);
  auto last = exec::hook_log_tail(exec::hook_log_path(w.state, "colour"), 1);
  REQUIRE(last);
  CHECK(last->rfind("---- end: succeeded", 0) == 0);
}

}  // TEST_SUITE
}  // namespace adrestore::testing
