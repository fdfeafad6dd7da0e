#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "evidence/report_model.h"
#include "exec/journal.h"
#include "evidence/report_fixture.h"

using namespace adrestore;
using namespace adrestore::testing;

TEST_SUITE("evidence") {
  TEST_CASE("the report model of a killed and resumed run has one segment per step stretch and a dead gap") {
    TempDir dir;
    auto r = evidence::load_report(write_killed_and_resumed_run(dir));
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(r->identity.run_id == "run-1");
    CHECK(r->identity.outcome == "succeeded");
    CHECK(r->identity.exit_code == 0);
    CHECK(r->identity.processes == 2);
    // The journal's SHA-256 chain head, as events and status publish it.
    auto journal = exec::read_journal(exec::journal_path((dir / "state").string()));
    REQUIRE(journal);
    REQUIRE(exec::journal_head(*journal));
    CHECK(r->identity.journal_chain_head == exec::journal_head(*journal)->sha256);
    CHECK(r->identity.started_ms == k_t0);
    CHECK(r->identity.ended_ms == k_t0 + 12800);
    CHECK(r->identity.git_revision.empty());
    CHECK(r->steps == std::vector<std::string>{"preflight.host", "restore.register", "files.copy", "hook.post.notify",
                                                "restore.complete"});
    REQUIRE(r->segments.size() == 6);
    // The copy's first attempt ends where its process's last record was, as "died".
    const evidence::Segment& died = r->segments[2];
    CHECK(died.step == "files.copy");
    CHECK(died.outcome == "died");
    CHECK(died.process == 1);
    CHECK(died.end_ms == k_t0 + 1300);
    CHECK(r->segments[3].step == "files.copy");
    CHECK(r->segments[3].attempt == 2);
    CHECK(r->segments[3].process == 2);
    REQUIRE(r->processes.size() == 2);
    CHECK(r->processes[0].last_ms == k_t0 + 1300);
    CHECK(r->processes[1].start_ms == k_t0 + 11300);
    CHECK(r->processes[1].kind == "resume");
  }

  TEST_CASE("copy throughput comes from the file-progress records and verify's basis says it is an average") {
    TempDir dir;
    auto r = evidence::load_report(write_killed_and_resumed_run(dir));
    REQUIRE(r);
    REQUIRE(r->throughput.size() == 2);
    CHECK(r->throughput[0].step == "backup.verify");
    CHECK(contains(r->throughput[0].basis, "no per-chunk times"));
    const evidence::Throughput& copy = r->throughput[1];
    CHECK(copy.step == "files.copy");
    REQUIRE(copy.points.size() == 2);
    CHECK(copy.points[0].mib_per_s == doctest::Approx(64.0));   // 64 MiB in 1 s
    CHECK(copy.points[1].mib_per_s == doctest::Approx(128.0));  // 64 MiB in 0.5 s after the resume
    CHECK(copy.points[0].process == 1);
    CHECK(copy.points[1].process == 2);
  }

  TEST_CASE("the do-not-restart period runs from restore.register to restore.complete") {
    TempDir dir;
    auto r = evidence::load_report(write_killed_and_resumed_run(dir));
    REQUIRE(r);
    REQUIRE(r->no_restart.size() == 1);
    CHECK(r->no_restart[0].start_ms == k_t0 + 100);
    CHECK(r->no_restart[0].end_ms == k_t0 + 12600);
  }

  TEST_CASE("files, hooks, NTDS calls and warnings are in the model") {
    TempDir dir;
    auto r = evidence::load_report(write_killed_and_resumed_run(dir));
    REQUIRE(r);
    REQUIRE(r->files.size() == 1);
    CHECK(r->files[0].size == 128 * k_mib);
    CHECK(r->files[0].sha256 == std::string(64, 'b'));
    REQUIRE(r->hooks.size() == 1);
    CHECK(r->hooks[0].exit_code == 0);
    CHECK(r->hooks[0].log_bytes == k_hostile_output.size());
    REQUIRE(r->calls.size() == 2);  // the event line is not a call
    CHECK(r->calls[0].ok);
    CHECK_FALSE(r->calls[1].ok);
    CHECK(r->calls[1].injected);
    bool died = false, note = false;
    for (const evidence::Warning& w : r->warnings) {
      died = died || contains(w.text, "died during files.copy");
      note = note || contains(w.text, "with markup");
    }
    CHECK(died);
    CHECK(note);
    const nlohmann::json j = evidence::to_json(*r);
    CHECK(j["identity"]["exitCode"] == 0);
    CHECK(j["identity"]["operator"].is_null());  // the fixture's journal predates the operator field
    CHECK(r->identity.operator_account.empty());
    CHECK(j["identity"]["journalChainHead"].get<std::string>().size() == 64);
    CHECK(j["segments"].size() == 6);
    CHECK(j["ntdsCalls"]["calls"].size() == 2);
  }

  TEST_CASE("a long hook log is shown as its head and its tail, each capped") {
    TempDir dir;
    const std::string output = "FIRST" + std::string(100000, 'x') + "LAST";
    auto r = evidence::load_report(write_killed_and_resumed_run(dir, output));
    REQUIRE(r);
    REQUIRE(r->hooks.size() == 1);
    const evidence::Hook& h = r->hooks[0];
    CHECK(h.head.size() == evidence::k_hook_excerpt_bytes);
    CHECK(h.tail.size() == evidence::k_hook_excerpt_bytes);
    CHECK(h.head.substr(0, 5) == "FIRST");
    CHECK(h.tail.substr(h.tail.size() - 4) == "LAST");
  }

  TEST_CASE("sanitize_text replaces invalid UTF-8 and control characters and keeps newlines") {
    CHECK(evidence::sanitize_text("a\nb\tc", 100) == "a\nb\tc");
    CHECK(evidence::sanitize_text(std::string("a\x01z", 3), 100) == "a\xEF\xBF\xBDz");
    CHECK(evidence::sanitize_text("\xC0\xAF", 100) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    CHECK(evidence::sanitize_text("\xED\xA0\x80", 100).find("\xED") == std::string::npos);  // a surrogate
    CHECK(evidence::sanitize_text("h\xC3\xA9llo", 100) == "h\xC3\xA9llo");
    CHECK(evidence::sanitize_text("h\xC3\xA9llo", 2) == "h");  // never cuts a character in half
  }

  TEST_CASE("a state folder without a journal is not_found") {
    TempDir dir;
    auto r = evidence::load_report(dir.path().string());
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::not_found);
  }
}
