// run_process() on Windows with real processes (cmd.exe and ping.exe, which wine has too):
// exit codes, both output streams, the environment, deadlines that end the whole tree, and
// spawn errors.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>

#include "platform/process.h"
#include "platform/win32.h"

namespace {

using namespace std::chrono_literals;
using adrestore::Status;
using adrestore::platform::OutputSink;
using adrestore::platform::OutputStream;
using adrestore::platform::ProcessResult;
using adrestore::platform::ProcessSpec;
namespace platform = adrestore::platform;

class Collect : public OutputSink {
 public:
  Status write(OutputStream stream, std::string_view bytes) override {
    (stream == OutputStream::err ? err : out).append(bytes);
    return Status::ok();
  }
  std::string out, err;
};

std::string system_program(const char* name) {
  wchar_t dir[MAX_PATH] = {};
  const UINT n = ::GetSystemDirectoryW(dir, MAX_PATH);
  REQUIRE(n > 0);
  return platform::win32::to_utf8(std::wstring_view(dir, n)) + "\\" + name;
}

ProcessResult run_cmd(const std::string& command, Collect* sink = nullptr,
                      std::chrono::milliseconds timeout = 20000ms, const std::vector<std::string>& env_extra = {}) {
  ProcessSpec spec;
  spec.argv = {system_program("cmd.exe"), "/c", command};
  spec.env = platform::current_environment();
  for (const std::string& e : env_extra) spec.env.push_back(e);
  spec.timeout = timeout;
  spec.output = sink;
  return platform::run_process(spec);
}

}  // namespace

TEST_SUITE("platform") {
  TEST_CASE("a Windows program's exit code comes back exactly") {
    for (int code : {0, 7, 255}) {
      const ProcessResult r = run_cmd("exit " + std::to_string(code));
      REQUIRE_MESSAGE(r.started(), r.spawn_error.message());
      CHECK(r.exited);
      CHECK(r.exit_code == code);
      CHECK(r.succeeded() == (code == 0));
      CHECK(platform::describe(r) == "exit code " + std::to_string(code));
    }
  }

  TEST_CASE("stdout and stderr of a Windows program arrive on their own streams") {
    Collect sink;
    const ProcessResult r = run_cmd("echo to-out& echo to-err 1>&2", &sink);
    REQUIRE(r.started());
    CHECK(r.exit_code == 0);
    CHECK(sink.out.find("to-out") != std::string::npos);
    CHECK(sink.err.find("to-err") != std::string::npos);
    CHECK(sink.out.find("to-err") == std::string::npos);
  }

  TEST_CASE("a Windows program sees exactly the environment it was given") {
    Collect sink;
    const ProcessResult r = run_cmd("echo [%ADRESTORE_PROBE%]", &sink, 20000ms, {"ADRESTORE_PROBE=h\xC3\xA9llo"});
    REQUIRE(r.started());
    CHECK(sink.out.find("[h") != std::string::npos);
    CHECK(sink.out.find("llo]") != std::string::npos);
  }

  TEST_CASE("a Windows program past its deadline is ended with its children") {
    const auto start = std::chrono::steady_clock::now();
    // cmd.exe starts ping.exe: the job object has to end both for run_process to return.
    const ProcessResult r = run_cmd("ping -n 30 127.0.0.1 >NUL", nullptr, 500ms);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(r.started());
    CHECK(r.timed_out);
    CHECK_FALSE(r.succeeded());
    CHECK(took < 10.0);
  }

  TEST_CASE("a cancelled Windows program is stopped and reported as cancelled") {
    std::atomic<bool> cancel{true};
    ProcessSpec spec;
    spec.argv = {system_program("cmd.exe"), "/c", "ping -n 30 127.0.0.1 >NUL"};
    spec.env = platform::current_environment();
    spec.cancel = &cancel;
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = platform::run_process(spec);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(r.started());
    CHECK(r.cancelled);
    CHECK(took < 10.0);
  }

  TEST_CASE("a missing Windows program is a spawn error that names it") {
    ProcessSpec spec;
    spec.argv = {"C:\\no-such-folder\\tool.exe"};
    spec.env = platform::current_environment();
    const ProcessResult r = platform::run_process(spec);
    CHECK_FALSE(r.started());
    CHECK(r.spawn_error.message().find("C:\\no-such-folder\\tool.exe") != std::string::npos);
  }
}
