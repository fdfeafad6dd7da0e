#include <doctest/doctest.h>

#include <filesystem>

#include "backup/backup_driver.h"
#include "backup/verify.h"
#include "sim_fixture.h"

using namespace adrestore;
using adrestore::testing::SimFixture;

namespace {

constexpr std::int64_t k_now = 1767225600;  // 2026-01-01T00:00:00Z

// A backup of the fixture's DC (ntds.dit, edb00001..3.log) at D:\Backups\set in its world.
std::string take_backup(SimFixture& fx) {
  backup::BackupOptions o;
  o.out_dir = (std::filesystem::path(fx.dir()) / "fs" / "D" / "Backups" / "set").string();
  o.read_size = 32768;
  o.now_unix = k_now;
  auto r = backup::run_backup(*fx.api, *fx.host, o);
  REQUIRE_MESSAGE(r.is_ok(), r.status().message());
  return o.out_dir;
}

backup::VerifyResult verify(SimFixture& fx) {
  backup::VerifyOptions o;
  o.now_unix = k_now + 60;
  o.threads = 2;
  return backup::verify_backup_set(fx.world->disks(), *WinPath::parse("D:\\Backups\\set"), backup::k_default_manifest_name, o)
      .result;
}

std::string kinds(const backup::VerifyResult& r) {
  std::string s;
  for (const backup::VerifyProblem& p : r.problems) s += std::string(to_string(p.kind)) + ": " + p.message + "\n";
  return s;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("a simulated backup set has ESE headers that pass the checks") {
    SimFixture fx;
    take_backup(fx);
    const backup::VerifyResult r = verify(fx);
    INFO(kinds(r));
    CHECK(r.ok());
  }

  TEST_CASE("each ese fault produces its problem alone, the manifest re-hashed") {
    struct Case {
      const char* fault;
      backup::ProblemKind kind;
      const char* words;
    };
    const Case cases[] = {
        {R"({"ese": {"problem": "foreignLog"}})", backup::ProblemKind::ese_foreign_log,
         "edb00001.log belongs to another database"},
        {R"({"ese": {"problem": "foreignLog", "backupFile": "EDB00003.LOG"}})", backup::ProblemKind::ese_foreign_log,
         "edb00003.log belongs to another database"},
        {R"({"ese": {"problem": "dirtyWithoutLogs"}})", backup::ProblemKind::ese_logs_missing,
         "needs log generations 1..4 to recover, but the set lacks generation 4 (edb00004.log)"},
        {R"({"ese": {"problem": "logGap"}})", backup::ProblemKind::ese_log_sequence,
         "generation 2 (edb00002.log) is missing between edb00001.log and edb00003.log"},
        {R"({"ese": {"problem": "headerChecksum"}})", backup::ProblemKind::ese_header,
         "ntds.dit: the ESE database header's checksum is wrong"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.fault);
      SimFixture fx;
      const std::string set = take_backup(fx);
      auto f = sim::fault_from_json(nlohmann::json::parse(c.fault), "faults[0]");
      REQUIRE_MESSAGE(f.is_ok(), f.status().message());
      CHECK(sim::fault_from_json(sim::fault_to_json(*f), "faults[0]").is_ok());
      REQUIRE(fx.world->add_faults({*f}).is_ok());
      REQUIRE(fx.world->apply_corrupt_faults(set).is_ok());
      REQUIRE(fx.world->apply_corrupt_faults(set).is_ok());  // applied already: nothing more
      const backup::VerifyResult r = verify(fx);
      INFO(kinds(r));
      REQUIRE(r.problems.size() == 1);
      CHECK(r.problems[0].kind == c.kind);
      CHECK(r.problems[0].message.find(c.words) != std::string::npos);
      const std::vector<sim::Fault> faults = fx.state().faults;
      REQUIRE(faults.size() == 1);
      CHECK(std::get<sim::EseFault>(faults[0].kind).applied);
    }
  }

  TEST_CASE("ese faults that cannot apply, and malformed ones, are errors") {
    auto bad = [](const char* json) {
      auto f = sim::fault_from_json(nlohmann::json::parse(json), "faults[0]");
      return f ? std::string() : f.status().message();
    };
    CHECK(bad(R"({"ese": {"problem": "swapped"}})").find("not one of foreignLog") != std::string::npos);
    CHECK(bad(R"({"ese": {"problem": "logGap", "backupFile": "../x"}})").find("inside the backup set") != std::string::npos);
    CHECK(bad(R"({"ese": {}, "corrupt": {}})").find("exactly one") != std::string::npos);
    SimFixture fx;
    const std::string set = take_backup(fx);
    auto f = sim::fault_from_json(nlohmann::json::parse(R"({"ese": {"problem": "foreignLog", "backupFile": "nope.log"}})"),
                                  "faults[0]");
    REQUIRE(f.is_ok());
    REQUIRE(fx.world->add_faults({*f}).is_ok());
    CHECK(fx.world->apply_corrupt_faults(set).code() == Code::not_found);
  }
}
