#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "journal_fixture.h"
#include "support.h"

using adrestore::testing::run_adrestore;
using adrestore::testing::TempDir;

TEST_SUITE("journal") {
  TEST_CASE("journal dump prints one line per record for humans") {
    TempDir t;
    adrestore::testing::write_sample_journal(t.path().string());
    auto r = run_adrestore({"journal", "dump", "--state", t.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("#1 @16 ") != std::string::npos);
    CHECK(r.out.find("run-started plan=\"dc01-corp\"") != std::string::npos);
    CHECK(r.out.find("host=\"DC01\" operator=\"CORP\\alice\"") != std::string::npos);
    CHECK(r.out.find("step-finished step=restore.end outcome=failed hresult=0x80070005") != std::string::npos);
    CHECK(r.out.find("24 record(s)") != std::string::npos);
    CHECK(r.out.find("directory-identity database=\"C:\\Windows\\NTDS\\ntds.dit\" invocation_id=") !=
          std::string::npos);
    CHECK(r.err.empty());
  }

  TEST_CASE("journal dump --format json is one document with every record") {
    TempDir t;
    adrestore::testing::write_sample_journal(t.path().string());
    auto r = run_adrestore({"journal", "dump", "--state", t.path().string(), "--format", "json"});
    CHECK(r.exit_code == 0);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["records"].size() == 24);
    CHECK(doc["records"][0]["type"] == "run-started");
    CHECK(doc["records"][0]["seq"] == 1);
    CHECK(doc["records"][0]["offset"] == 16);
    CHECK(doc["records"][0]["operator"] == "CORP\\alice");
    CHECK(doc["error"].is_null());
  }

  TEST_CASE("journal dump shows the good records, then the damage, and exits 1") {
    TempDir t;
    adrestore::testing::write_sample_journal(t.path().string());
    std::string b = adrestore::testing::read_file(t / "journal");
    b[60] ^= 0x10;  // inside the first record
    adrestore::testing::write_file(t / "journal", b);
    auto r = run_adrestore({"journal", "dump", "--state", t.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("0 record(s)") != std::string::npos);
    CHECK(r.err.find("record 1 at offset 16 is damaged") != std::string::npos);
  }

  TEST_CASE("journal dump warns about a torn tail and leaves the file alone") {
    TempDir t;
    adrestore::testing::write_sample_journal(t.path().string());
    std::string b = adrestore::testing::read_file(t / "journal");
    b.resize(b.size() - 3);
    adrestore::testing::write_file(t / "journal", b);
    auto r = run_adrestore({"journal", "dump", "--state", t.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning:") != std::string::npos);
    CHECK(r.out.find("23 record(s)") != std::string::npos);
    CHECK(adrestore::testing::read_file(t / "journal") == b);
  }

  TEST_CASE("journal dump without a journal is a usage error") {
    TempDir t;
    auto r = run_adrestore({"journal", "dump", "--state", t.path().string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no journal at") != std::string::npos);
  }
}
