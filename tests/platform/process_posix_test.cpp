// run_process() with real processes: exit statuses, argv bytes, descriptors, environment,
// timeouts that take the whole tree down, output caps and memory.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <set>

#include "platform/process.h"
#include "platform/process_output.h"
#include "platform/process_test_util.h"

namespace adrestore::testing {
namespace {

using namespace std::chrono_literals;
using platform::ProcessResult;
using platform::ProcessSpec;
using platform::run_process;

ProcessResult run_sh(const std::string& script, StringSink* sink = nullptr,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.env = base_env();
  spec.timeout = timeout;
  spec.output = sink;
  return run_process(spec);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_SUITE("platform") {

TEST_CASE("an exit code comes back exactly as the program returned it") {
  for (int code : {0, 3, 255}) {
    const ProcessResult r = run_sh("exit " + std::to_string(code));
    REQUIRE(r.started());
    CHECK(r.exited);
    CHECK(r.exit_code == code);
    CHECK(r.signal == 0);
    CHECK(r.succeeded() == (code == 0));
    CHECK(platform::describe(r) == "exit code " + std::to_string(code));
  }
}

TEST_CASE("a program killed by a signal is reported with that signal, not as an exit code") {
  const ProcessResult killed = run_sh("kill -KILL $$");
  CHECK_FALSE(killed.exited);
  CHECK(killed.signal == SIGKILL);
  CHECK_FALSE(killed.succeeded());
  CHECK(platform::describe(killed) == "killed by signal 9 (SIGKILL)");

  const ProcessResult segv = run_sh("kill -SEGV $$");
  CHECK_FALSE(segv.exited);
  CHECK(segv.signal == SIGSEGV);
  CHECK_FALSE(segv.timed_out);
}

TEST_CASE("every argument reaches the program byte for byte, with no shell in between") {
  TempDir dir;
  const std::string script = write_script(dir, "argv.sh",
                                          "#!/bin/sh\n"
                                          "for a in \"$@\"; do printf '%s' \"$a\"; printf '\\000'; done > \"$OUT\"\n");
  const std::vector<std::string> args = {
    "two words", "\"quoted\" and 'single'", "a&b|c;d", "$(touch pwned)", "`touch pwned`", "${HOME}",
    "line1\nline2", "tab\there", "", "trailing\\", "back\\\\slash\\\"", "non-ASCII: d\xc3\xa9j\xc3\xa0 \xe2\x82\xac \xf0\x9f\x94\x91",
    "*", "-n", "> redirect", "%PATH%"};
  ProcessSpec spec;
  spec.argv = {script};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {"OUT=" + (dir / "argv.bin").string(), "PATH=/usr/bin:/bin"};
  spec.working_dir = dir.path().string();
  const ProcessResult r = run_process(spec);
  REQUIRE(r.succeeded());
  std::string expected;
  for (const std::string& a : args) {
    expected += a;
    expected += '\0';
  }
  CHECK(read_file(dir / "argv.bin") == expected);
  CHECK_FALSE(std::filesystem::exists(dir / "pwned"));
}

TEST_CASE("the program inherits only stdin (the null device), stdout and stderr") {
  // Plant descriptors without close-on-exec, as careless code elsewhere in the runner might.
  const int leaked_file = ::open("/dev/null", O_RDONLY);
  int leaked_pipe[2];
  REQUIRE(::pipe(leaked_pipe) == 0);
  REQUIRE(leaked_file >= 0);

  StringSink sink;
  ProcessSpec spec;
  spec.argv = {"/bin/ls", "-l", "/proc/self/fd/"};
  spec.env = base_env();
  spec.output = &sink;
  const ProcessResult r = run_process(spec);
  ::close(leaked_file);
  ::close(leaked_pipe[0]);
  ::close(leaked_pipe[1]);
  REQUIRE(r.succeeded());

  std::map<int, std::string> fds;
  std::istringstream lines(sink.out);
  for (std::string line; std::getline(lines, line);) {
    const auto arrow = line.find(" -> ");
    if (arrow == std::string::npos) continue;
    const auto space = line.rfind(' ', arrow - 1);
    fds[std::stoi(line.substr(space + 1, arrow - space - 1))] = line.substr(arrow + 4);
  }
  INFO(sink.out);
  REQUIRE(fds.count(0) == 1);
  CHECK(fds[0] == "/dev/null");
  CHECK(fds[1].rfind("pipe:", 0) == 0);
  CHECK(fds[2].rfind("pipe:", 0) == 0);
  for (const auto& [fd, target] : fds) {
    if (fd <= 2) continue;
    // ls itself holds the directory it is listing open; nothing else may be there.
    CHECK_MESSAGE(target.find("/fd") != std::string::npos, "leaked descriptor " << fd << " -> " << target);
  }
  CHECK(fds.size() <= 4);
}

TEST_CASE("the environment is exactly the one given, and ignored signals are not inherited") {
  StringSink sink;
  ProcessSpec spec;
  spec.argv = {"/usr/bin/env"};
  spec.env = {"A=1", "B=two words", "EMPTY="};
  spec.output = &sink;
  REQUIRE(run_process(spec).succeeded());
  CHECK(sink.out == "A=1\nB=two words\nEMPTY=\n");

  // A runner that ignores SIGPIPE (many do) must not hand that to the program.
  struct sigaction ign = {};
  struct sigaction old = {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, &old);
  StringSink status;
  spec.argv = {"/usr/bin/grep", "^SigIgn:", "/proc/self/status"};
  spec.output = &status;
  const ProcessResult r = run_process(spec);
  ::sigaction(SIGPIPE, &old, nullptr);
  REQUIRE(r.succeeded());
  CHECK(status.out == "SigIgn:\t0000000000000000\n");
}

TEST_CASE("a missing program or working directory is a spawn error that names it") {
  ProcessSpec spec;
  spec.argv = {"/nonexistent/avctl"};
  ProcessResult r = run_process(spec);
  CHECK_FALSE(r.started());
  CHECK(r.spawn_error.code() == Code::not_found);
  CHECK(r.spawn_error.message().find("/nonexistent/avctl") != std::string::npos);

  spec.argv = {"/bin/true"};
  spec.working_dir = "/nonexistent-dir";
  r = run_process(spec);
  CHECK_FALSE(r.started());
  CHECK(r.spawn_error.message().find("working directory /nonexistent-dir") != std::string::npos);

  spec.argv = {"true"};
  spec.working_dir.clear();
  r = run_process(spec);
  CHECK_FALSE(r.started());
  CHECK(r.spawn_error.message().find("absolute") != std::string::npos);
}

TEST_CASE("a program past its deadline is killed with its children, grandchildren and escapees") {
  TempDir dir;
  // main.sh: a child and a grandchild that both ignore SIGTERM and keep stdout open, and a
  // process that leaves the group with setsid; main itself waits forever. main waits until
  // all four have written their pids (a readiness signal) so the deadline cannot come first.
  write_script(dir, "grandchild.sh", "#!/bin/sh\ntrap '' TERM\necho $$ >> \"$PIDS\"\nexec sleep 100\n");
  write_script(dir, "child.sh",
               "#!/bin/sh\ntrap '' TERM\necho $$ >> \"$PIDS\"\n\"$DIR/grandchild.sh\" &\n"
               "while :; do sleep 1; done\n");
  write_script(dir, "escapee.sh", "#!/bin/sh\necho $$ >> \"$PIDS\"\nexec sleep 100\n");
  const std::string main = write_script(dir, "main.sh",
                                        "#!/bin/sh\necho $$ >> \"$PIDS\"\n\"$DIR/child.sh\" &\n"
                                        "setsid \"$DIR/escapee.sh\" &\n"
                                        "while [ \"$(wc -l < \"$PIDS\")\" != 4 ]; do sleep 0.01; done\n"
                                        "sleep 100\n");
  ProcessSpec spec;
  spec.argv = {main};
  spec.env = base_env();
  spec.env.push_back("PIDS=" + (dir / "pids").string());
  spec.env.push_back("DIR=" + dir.path().string());
  spec.timeout = 1500ms;
  spec.kill_grace = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r = run_process(spec);
  const double took = seconds_since(start);

  CHECK(r.timed_out);
  CHECK_FALSE(r.succeeded());
  CHECK_FALSE(r.strays);
  CHECK(took >= 1.5);  // not before the deadline
  // The kill itself is proved below by the processes being gone. This bound only says the
  // runner did not wait for the tree to end by itself (every member sleeps 100 s): 30 s is
  // far above deadline + grace (1.8 s) so that a loaded machine cannot fail it.
  CHECK(took < 30);
  const std::vector<int> pids = read_pids(dir / "pids");
  REQUIRE(pids.size() == 4);
  for (int pid : pids) CHECK_MESSAGE(process_gone(pid), "process " << pid << " survived");
  CHECK(platform::describe(r).rfind("timed out after 2s", 0) == 0);
}

TEST_CASE("processes a program leaves behind are stopped when it exits") {
  TempDir dir;
  write_script(dir, "daemon.sh", "#!/bin/sh\necho $$ >> \"$PIDS\"\nexec sleep 100\n");
  const std::string main = write_script(dir, "main.sh",
                                        "#!/bin/sh\nsetsid \"$DIR/daemon.sh\" &\n\"$DIR/daemon.sh\" &\n"
                                        "while [ \"$(wc -l < \"$PIDS\" 2>/dev/null)\" != 2 ]; do sleep 0.01; done\n"
                                        "echo bye\nexit 0\n");
  StringSink sink;
  ProcessSpec spec;
  spec.argv = {main};
  spec.env = base_env();
  spec.env.push_back("PIDS=" + (dir / "pids").string());
  spec.env.push_back("DIR=" + dir.path().string());
  spec.timeout = 60s;
  spec.output = &sink;
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r = run_process(spec);
  CHECK(r.succeeded());
  CHECK(sink.out == "bye\n");
  // The daemons sleep 100 s and the deadline is 60 s: returning within 30 s means the runner
  // stopped them rather than waiting for them (it needs milliseconds; 30 s is for a loaded
  // machine). That they are stopped is proved by their pids being gone, below.
  CHECK(seconds_since(start) < 30);
  const std::vector<int> pids = read_pids(dir / "pids");
  REQUIRE(pids.size() == 2);
  for (int pid : pids) CHECK_MESSAGE(process_gone(pid), "process " << pid << " survived");
}

TEST_CASE("a program that ends in time is not called timed out while its leftovers are being stopped") {
  TempDir dir;
  // The leftover ignores SIGTERM, so stopping it takes the whole grace, past the deadline.
  // main exits as soon as the leftover says its trap is set (a readiness file), not after
  // a sleep, so it ends well before the deadline however loaded the machine is.
  const std::string main = write_script(dir, "main.sh",
                                        "#!/bin/sh\n(trap '' TERM; : > \"$READY\"; exec sleep 100) &\n"
                                        "while [ ! -e \"$READY\" ]; do sleep 0.01; done\nexit 0\n");
  ProcessSpec spec;
  spec.argv = {main};
  spec.env = base_env();
  spec.env.push_back("READY=" + (dir / "ready").string());
  spec.timeout = 2000ms;
  spec.kill_grace = 3000ms;
  const ProcessResult r = run_process(spec);
  CHECK(r.succeeded());
  CHECK_FALSE(r.timed_out);
  // duration is the program's own run, to its exit: had it included stopping the leftover it
  // would be at least the 3 s grace. (Not timed out already implies it is under the deadline.)
  CHECK(r.duration < spec.kill_grace);
}

TEST_CASE("the program's tree dies with the runner") {
  TempDir dir;
  write_script(dir, "child.sh", "#!/bin/sh\ntrap '' TERM\necho $$ >> \"$PIDS\"\nexec sleep 100\n");
  const std::string main =
      write_script(dir, "main.sh", "#!/bin/sh\necho $$ >> \"$PIDS\"\n\"$DIR/child.sh\" &\nsleep 100\n");
  const pid_t runner = ::fork();
  REQUIRE(runner >= 0);
  if (runner == 0) {
    ProcessSpec spec;
    spec.argv = {main};
    spec.env = {"PIDS=" + (dir / "pids").string(), "DIR=" + dir.path().string(), "PATH=/usr/bin:/bin"};
    run_process(spec);
    ::_exit(0);
  }
  const std::vector<int> pids = wait_for_pids(dir / "pids", 2);
  REQUIRE(pids.size() == 2);
  ::kill(runner, SIGKILL);
  int st = 0;
  ::waitpid(runner, &st, 0);
  // The shepherd sees the runner go and kills the tree at once (no grace: nobody is left).
  // The loop ends as soon as all are dead; 30 s only bounds a failure (they sleep 100 s).
  const auto until = std::chrono::steady_clock::now() + 30s;
  bool all_dead = false;
  while (!all_dead && std::chrono::steady_clock::now() < until) {
    all_dead = true;
    for (int pid : pids) all_dead = all_dead && !process_alive(pid);
    std::this_thread::sleep_for(20ms);
  }
  CHECK(all_dead);
}

TEST_CASE("setting the cancel flag stops the program and says so") {
  TempDir dir;
  const std::string ready = (dir / "ready").string();
  std::atomic<bool> cancel{false};
  ProcessSpec spec;
  // The program says it is running (a readiness file) before it sleeps; the flag is set then.
  spec.argv = {"/bin/sh", "-c", ": > \"$0\"; exec /bin/sleep 100", ready};
  spec.cancel = &cancel;
  std::thread setter([&] {
    const auto until = std::chrono::steady_clock::now() + 30s;  // only if it never starts
    while (!std::filesystem::exists(ready) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(10ms);
    }
    cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r = run_process(spec);
  setter.join();
  CHECK(r.cancelled);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == SIGTERM);
  CHECK(seconds_since(start) < 30);  // a hang detector: the program would sleep 100 s
  CHECK(platform::describe(r) == "cancelled and stopped (killed by signal 15 (SIGTERM))");
}

TEST_CASE("a program that fills stderr before writing stdout never blocks") {
  StringSink sink;
  const ProcessResult r = run_sh("head -c 4194304 /dev/zero >&2; echo done", &sink, 10000ms);
  CHECK(r.succeeded());
  CHECK(sink.err.size() == 4194304);
  CHECK(sink.out == "done\n");
}

TEST_CASE("1 GiB of output is drained with bounded memory and the log is capped with a note") {
  TempDir dir;
  const std::string log = (dir / "hook.log").string();
  auto sink = platform::FileOutputSink::open_append(log);
  REQUIRE(sink);
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "head -c 1073741824 /dev/zero; head -c 1048576 /dev/zero >&2"};
  spec.env = base_env();
  spec.timeout = 60s;
  spec.output = sink->get();
  reset_vm_hwm();
  const std::uint64_t hwm_before = vm_hwm_kib();
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r = run_process(spec);
  const double took = seconds_since(start);
  const std::uint64_t growth_kib = vm_hwm_kib() - hwm_before;
  MESSAGE("1 GiB drained in " << took << " s; peak RSS grew by " << growth_kib << " KiB");

  CHECK(r.succeeded());
  CHECK(r.output_truncated);
  CHECK(r.bytes_captured == platform::k_default_output_cap);
  CHECK(r.bytes_discarded == 1073741824ULL + 1048576ULL - platform::k_default_output_cap);
  CHECK(growth_kib < 64 * 1024);
  const std::string note = platform::truncation_note(platform::k_default_output_cap, r.bytes_discarded);
  CHECK(std::filesystem::file_size(log) == platform::k_default_output_cap + note.size());
  CHECK(read_file(log).substr(platform::k_default_output_cap) == note);
  CHECK(note.find("output cut at 16.0 MiB") != std::string::npos);
}

TEST_CASE("find_on_path finds executables in absolute PATH entries only") {
  TempDir dir;
  write_script(dir, "mytool", "#!/bin/sh\n");
  dir.write("notexec", "x");
  const std::string path_value = "relative/dir::" + dir.path().string() + ":/bin";
  auto found = platform::find_on_path("mytool", path_value);
  REQUIRE(found);
  CHECK(*found == (dir / "mytool").string());
  CHECK(platform::find_on_path("notexec", path_value).status().code() == Code::not_found);
  auto missing = platform::find_on_path("no-such-tool", path_value);
  CHECK(missing.status().message().find("searched " + dir.path().string() + ", /bin") != std::string::npos);
  CHECK_FALSE(platform::find_on_path("a/b", path_value));
}

}  // TEST_SUITE
}  // namespace adrestore::testing
