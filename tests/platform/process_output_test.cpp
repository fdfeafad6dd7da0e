// The portable half of run_process(): the output cap, its note, and result descriptions.
#include <doctest/doctest.h>

#include "platform/process.h"
#include "platform/process_output.h"
#include "support.h"

namespace adrestore::platform {
namespace {

class RecordingSink : public OutputSink {
 public:
  Status write(OutputStream stream, std::string_view bytes) override {
    if (fail_after >= 0 && writes >= fail_after) return Status::error(Code::io, "disk full");
    ++writes;
    text.append(bytes);
    last_stream = stream;
    return Status::ok();
  }
  Status finish() override {
    finished = true;
    return Status::ok();
  }
  std::string text;
  OutputStream last_stream = OutputStream::out;
  int writes = 0;
  int fail_after = -1;
  bool finished = false;
};

}  // namespace

TEST_SUITE("platform") {

TEST_CASE("output under the cap passes through untouched and without a note") {
  RecordingSink sink;
  OutputCapture cap(&sink, 10);
  cap.add(OutputStream::out, "hello", 5);
  cap.add(OutputStream::err, "world", 5);
  cap.finish();
  CHECK(sink.text == "helloworld");
  CHECK_FALSE(cap.truncated());
  CHECK(cap.captured() == 10);
  CHECK(sink.finished);
}

TEST_CASE("output over the cap is cut at the cap, counted, and ends with a note") {
  RecordingSink sink;
  OutputCapture cap(&sink, 8);
  cap.add(OutputStream::out, "0123456789", 10);
  cap.add(OutputStream::err, "abcdef", 6);
  cap.finish();
  CHECK(cap.truncated());
  CHECK(cap.captured() == 8);
  CHECK(cap.discarded() == 8);
  CHECK(sink.text == "01234567" + truncation_note(8, 8));
  CHECK(sink.last_stream == OutputStream::runner);
  CHECK(truncation_note(16ULL << 20, 5) == "\n[adrestore: output cut at 16.0 MiB; 5 B (5 bytes) more was read and discarded]\n");
}

TEST_CASE("a failing sink stops the forwarding but not the counting") {
  RecordingSink sink;
  sink.fail_after = 1;
  OutputCapture cap(&sink, 100);
  cap.add(OutputStream::out, "ok", 2);
  cap.add(OutputStream::out, "lost", 4);
  cap.add(OutputStream::out, "also", 4);
  cap.finish();
  CHECK(sink.text == "ok");
  CHECK(cap.captured() == 10);
  CHECK(cap.sink_error().message() == "disk full");
  CHECK_FALSE(sink.finished);
}

TEST_CASE("the file sink appends to what is already there") {
  testing::TempDir dir;
  const std::string path = dir.write("x.log", "earlier\n");
  auto sink = FileOutputSink::open_append(path);
  REQUIRE(sink);
  CHECK((*sink)->write(OutputStream::out, "later\n"));
  CHECK((*sink)->finish());
  CHECK(testing::read_file(path) == "earlier\nlater\n");
}

TEST_CASE("results describe themselves in plain words") {
  ProcessResult r;
  r.exited = true;
  r.exit_code = 0xC0000005LL;
  CHECK(describe(r) == "exit code 0xC0000005 (access violation)");
  r.exit_code = 7;
  CHECK(describe(r) == "exit code 7");
  r.timed_out = true;
  r.duration = std::chrono::milliseconds(120400);
  CHECK(describe(r) == "timed out after 2m and was stopped (exit code 7)");
  ProcessResult stopped;  // Windows: TerminateJobObject leaves no signal
  stopped.timed_out = true;
  stopped.duration = std::chrono::milliseconds(5000);
  CHECK(describe(stopped) == "timed out after 5s and was stopped (terminated)");
  ProcessResult failed;
  failed.spawn_error = Status::error(Code::not_found, "cannot run C:\\x.exe: not found");
  CHECK(describe(failed) == "could not start: cannot run C:\\x.exe: not found");
  CHECK(signal_name(12345) == "signal 12345");
}

TEST_CASE("environment lists replace and remove variables by name") {
  std::vector<std::string> env = {"PATH=/bin", "Path2=x", "=C:=C:\\dir", "EMPTY="};
  set_env(env, "PATH", "/usr/bin", EnvNameCase::sensitive);
  CHECK(get_env(env, "PATH", EnvNameCase::sensitive) == std::string("/usr/bin"));
  CHECK(get_env(env, "EMPTY", EnvNameCase::sensitive) == std::string());
  CHECK(get_env(env, "=C:", EnvNameCase::sensitive) == std::string("C:\\dir"));
  CHECK_FALSE(get_env(env, "path", EnvNameCase::sensitive));
  CHECK(get_env(env, "path", EnvNameCase::insensitive) == std::string("/usr/bin"));
  unset_env(env, "path2", EnvNameCase::insensitive);
  CHECK(env.size() == 3);
  set_env(env, "path", "C:\\Windows", EnvNameCase::insensitive);
  CHECK(env.size() == 3);
  CHECK(get_env(env, "PATH", EnvNameCase::insensitive) == std::string("C:\\Windows"));
}

}  // TEST_SUITE
}  // namespace adrestore::platform
