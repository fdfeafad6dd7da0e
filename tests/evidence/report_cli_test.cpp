#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "evidence/report_fixture.h"

using namespace adrestore::testing;

TEST_SUITE("evidence") {
  TEST_CASE("adrestore report writes the HTML page to --out and the model as JSON to stdout") {
    TempDir dir;
    const std::string state = write_killed_and_resumed_run(dir);
    const std::string out = (dir / "report.html").string();
    RunResult r = run_adrestore({"report", "--state", state, "--out", out});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string page = read_file(out);
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(contains(page, "id=\"timeline\""));
    r = run_adrestore({"report", "--state", state, "--format", "json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["identity"]["runId"] == "run-1");
    CHECK(doc["segments"].size() == 6);
  }

  TEST_CASE("adrestore report exits 2 without a journal and 1 for a damaged one, and writes no --out") {
    TempDir dir;
    const std::string out = (dir / "report.html").string();
    RunResult r = run_adrestore({"report", "--state", dir.path().string(), "--out", out});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "journal"));
    const std::string state = write_killed_and_resumed_run(dir);
    std::string bytes = read_file(dir / "state/journal");
    bytes[bytes.size() / 2] ^= 0x55;  // damage in the middle, valid records after it
    write_file(dir / "state/journal", bytes);
    r = run_adrestore({"report", "--state", state, "--out", out});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(std::filesystem::exists(out));
  }

  TEST_CASE("adrestore report --help shows an example") {
    const RunResult r = run_adrestore({"report", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "Example"));
  }
}
