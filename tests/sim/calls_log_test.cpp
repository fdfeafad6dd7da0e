#include <doctest/doctest.h>

#include "ntds/hresult_doctest.h"
#include "sim/calls_log.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::sim;

TEST_SUITE("sim") {
  TEST_CASE("a calls.log line reads back as call, arguments, result and outputs") {
    CallLine line("DsRestorePrepare");
    line.arg("server", "DC01").arg("rtFlag", "0x4").arg("token", "32B").out("hbc", "#5");
    const std::string text = line.finish(ntds::k_hr_none);
    CHECK(text == "DsRestorePrepare server=DC01 rtFlag=0x4 token=32B -> hrNone (0x00000000) hbc=#5");
    auto r = parse_call_line(text);
    REQUIRE(r.is_ok());
    CHECK(r->call == "DsRestorePrepare");
    CHECK(r->hresult == ntds::k_hr_none);
    CHECK(r->args.at("token") == "32B");
    CHECK(r->outputs.at("hbc") == "#5");
    CHECK_FALSE(r->injected);
  }

  TEST_CASE("values with spaces, percent signs, quotes, control characters or nothing survive the log") {
    for (const std::string v : {"C:\\Program Files\\x", "50%", "a\"b", "line\nbreak", "", "x=>y", "#1"}) {
      CallLine line("DsRestoreRegister");
      line.arg("logPath", v);
      const std::string text = line.finish(ntds::k_hr_restore_in_progress);
      CHECK(text.find('\n') == std::string::npos);
      auto r = parse_call_line(text);
      REQUIRE(r.is_ok());
      CHECK(r->args.at("logPath") == v);
      CHECK(r->hresult == ntds::k_hr_restore_in_progress);
    }
  }

  TEST_CASE("void calls and injected faults are marked") {
    CallLine f("DsBackupFree");
    f.arg("buffer", "#7").out("error", "double-free");
    auto r = parse_call_line(f.finish_void());
    REQUIRE(r.is_ok());
    CHECK(r->is_void);
    CHECK(r->outputs.at("error") == "double-free");
    CallLine g("DsIsNTDSOnline");
    g.arg("server", "DC01").note("fault");
    auto q = parse_call_line(g.finish(ntds::k_hr_could_not_connect));
    REQUIRE(q.is_ok());
    CHECK(q->injected);
  }

  TEST_CASE("read_calls_log skips event lines and rejects damaged lines") {
    testing::TempDir tmp;
    const std::string path = tmp.write("calls.log",
                                       "DsIsNTDSOnline server=DC01 -> hrNone (0x00000000) online=false\n"
                                       "# restart boot=2\n"
                                       "DsRestorePrepare server=DC01 rtFlag=0x4 token=none -> 0x12345678 (0x12345678)\n");
    auto calls = read_calls_log(path);
    REQUIRE(calls.is_ok());
    CHECK(call_names(*calls) == std::vector<std::string>{"DsIsNTDSOnline", "DsRestorePrepare"});
    tmp.write("free.log", "DsBackupFree buffer=#3 -> void\nDsRestoreEnd hbc=#2 -> hrNone (0x00000000)\n");
    auto frees = read_calls_log((tmp / "free.log").string());
    CHECK(call_names(*frees).size() == 2);
    CHECK(call_names(*frees, FreeCalls::exclude) == std::vector<std::string>{"DsRestoreEnd"});
    CHECK((*calls)[1].hresult == ntds::HResult(0x12345678));
    CHECK(read_calls_log((tmp / "missing.log").string())->empty());
    tmp.write("bad.log", "DsIsNTDSOnline server=DC01 hrNone\n");
    CHECK_FALSE(read_calls_log((tmp / "bad.log").string()).is_ok());
    CHECK_FALSE(parse_call_line("DsX -> hrNone (0x0)").is_ok());
  }
}
