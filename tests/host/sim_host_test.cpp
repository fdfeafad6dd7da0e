#include <doctest/doctest.h>

#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "sim/content.h"
#include "sim/sim_fixture.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::SimFixture;

namespace {

namespace fs = std::filesystem;

fs::path ntds_dir(SimFixture& fx) { return fx.tmp / "world" / "fs" / "C" / "Windows" / "NTDS"; }

// Runs a restore of the DC's own files (already in place) up to RegisterComplete(state).
void restore_in_place(SimFixture& fx, HResult state) {
  const ExpiryToken token = fx.token_then_dsrm();
  const Hbc hbc = fx.prepare_restore(token);
  REQUIRE(fx.register_default(hbc) == k_hr_none);
  REQUIRE(fx.api->restore_register_complete(hbc, state) == k_hr_none);
  REQUIRE(fx.api->restore_end(hbc) == k_hr_none);
}

}  // namespace

TEST_SUITE("host") {
  TEST_CASE("the simulated host reports the world's name, DSRM state and privileges") {
    SimFixture fx;
    auto name = fx.host->machine_name();
    REQUIRE(name.is_ok());
    CHECK(name->netbios == "DC01");
    CHECK(name->dns_fqdn == "DC01.corp.example.com");
    CHECK(name->display() == "DC01.corp.example.com");
    CHECK(name->matches("dc01"));
    CHECK(name->matches("DC01.CORP.example.com"));
    CHECK_FALSE(name->matches("DC02"));
    CHECK_FALSE(*fx.host->booted_in_dsrm());
    CHECK(fx.host->has_enabled("SeRestorePrivilege"));
    CHECK(fx.host->has_enabled("serestoreprivilege"));
    fx.change([](sim::WorldState& w) {
      w.dsrm = true;
      w.privileges = {{"SeRestorePrivilege", false}, {"SeBackupPrivilege", true}};
    });
    CHECK(*fx.host->booted_in_dsrm());
    CHECK_FALSE(fx.host->has_enabled("SeRestorePrivilege"));
    CHECK(fx.host->privileges()->size() == 2);
  }

  TEST_CASE("restart after a completed restore: AD DS online, new invocation id, restore count +1, key removed") {
    SimFixture fx;
    const std::string old_id = fx.state().invocation_id;
    restore_in_place(fx, k_hr_none);
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    const sim::WorldState w = fx.state();
    CHECK(w.ntds_online);
    CHECK_FALSE(w.dsrm);
    CHECK(w.invocation_id != old_id);
    CHECK(w.restore_count == 1);
    CHECK_FALSE(w.restore_in_progress.has_value());
    REQUIRE(w.last_boot.has_value());
    CHECK(w.last_boot->ntds_started);
    CHECK(w.last_boot->events == std::vector<int>{1109});
    CHECK(w.boot_count == 2);
    CHECK(w.counters.restarts == 1);
    CHECK(testing::read_file(fx.tmp / "world" / "calls.log").find("# restart boot=2 dsrm=false ntdsStarted=true events=1109") !=
          std::string::npos);
    bool online = false;
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_none);
    CHECK(online);
  }

  TEST_CASE("the Restore In Progress key: created by DsRestoreRegister, kept by RegisterComplete, removed by the boot "
            "that applies it") {
    SimFixture fx;
    auto before = fx.host->restore_in_progress_key_exists();
    REQUIRE(before.is_ok());
    CHECK_FALSE(*before);
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc hbc = fx.prepare_restore(token);
    CHECK_FALSE(*fx.host->restore_in_progress_key_exists());
    REQUIRE(fx.register_default(hbc) == k_hr_none);
    CHECK(*fx.host->restore_in_progress_key_exists());
    REQUIRE(fx.api->restore_register_complete(hbc, k_hr_none) == k_hr_none);
    REQUIRE(fx.api->restore_end(hbc) == k_hr_none);
    CHECK(*fx.host->restore_in_progress_key_exists());  // until the next boot recovers the database
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    REQUIRE(fx.state().ntds_online);
    CHECK_FALSE(*fx.host->restore_in_progress_key_exists());
  }

  TEST_CASE("the Restore In Progress key stays after a restore completed with a failure, and is never made with "
            "restoreKeyOnRegister false") {
    SimFixture fx;
    restore_in_place(fx, k_hr_error);
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    CHECK(*fx.host->restore_in_progress_key_exists());

    SimFixture off;
    off.change([](sim::WorldState& w) { w.restore_key_on_register = false; });
    const ExpiryToken token = off.token_then_dsrm();
    const Hbc hbc = off.prepare_restore(token);
    REQUIRE(off.register_default(hbc) == k_hr_none);
    CHECK(off.records().back().outputs.count("no-restore-key") == 1);
    CHECK_FALSE(*off.host->restore_in_progress_key_exists());
    // The registration still holds the interlock and can be completed (with a failure) and ended.
    CHECK(off.state().interlock == hbc.value);
    CHECK(off.api->restore_register_complete(hbc, k_hr_error) == k_hr_none);
    CHECK(off.api->restore_end(hbc) == k_hr_none);
  }

  TEST_CASE("restart after a restore completed with a failure: AD DS stays down and says why") {
    SimFixture fx;
    restore_in_place(fx, hresult_from_win32(k_error_disk_full));
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    const sim::WorldState w = fx.state();
    CHECK_FALSE(w.ntds_online);
    CHECK_FALSE(w.dsrm);
    CHECK(w.restore_count == 0);
    CHECK(w.restore_in_progress.has_value());
    CHECK(w.last_boot->reason.find("HRESULT_FROM_WIN32(ERROR_DISK_FULL)") != std::string::npos);
  }

  TEST_CASE("restart fails when a log of genLow..genHigh is missing or damaged") {
    SimFixture fx;
    restore_in_place(fx, k_hr_none);
    fs::remove(ntds_dir(fx) / "edb00002.log");
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    CHECK_FALSE(fx.state().ntds_online);
    CHECK(fx.state().last_boot->reason.find("log generation 2") != std::string::npos);
    CHECK(fx.state().last_boot->reason.find("hrMissingRestoreLogFiles") != std::string::npos);
  }

  TEST_CASE("restart fails when the restored database is not this DC's intact DIT") {
    SimFixture fx;
    restore_in_place(fx, k_hr_none);
    // One flipped byte, as a damaged copy would leave.
    std::string dit = testing::read_file(ntds_dir(fx) / "ntds.dit");
    dit[50000] = static_cast<char>(dit[50000] ^ 0x01);
    testing::write_file(ntds_dir(fx) / "ntds.dit", dit);
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    const sim::WorldState w = fx.state();
    CHECK_FALSE(w.ntds_online);
    CHECK(w.last_boot->reason.find("byte 50000") != std::string::npos);
    CHECK(w.last_boot->reason.find("hrBadDbSignature") != std::string::npos);
  }

  TEST_CASE("restart without a pending restore brings AD DS up when the database is intact") {
    SimFixture fx;
    fx.change([](sim::WorldState& w) {
      w.ntds_online = false;
      w.dsrm = true;
    });
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    CHECK(fx.state().ntds_online);
    CHECK(fx.state().restore_count == 0);
    fs::remove(ntds_dir(fx) / "ntds.dit");
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    CHECK_FALSE(fx.state().ntds_online);
  }

  TEST_CASE("a restore map moves the database the boot checks and the DC uses") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc hbc = fx.prepare_restore(token);
    fs::create_directories(fx.tmp / "world" / "fs" / "E" / "NTDS");
    fs::copy_file(ntds_dir(fx) / "ntds.dit", fx.tmp / "world" / "fs" / "E" / "NTDS" / "ntds.dit");
    fs::remove(ntds_dir(fx) / "ntds.dit");
    REQUIRE(fx.api->restore_register(hbc, "C:\\Windows\\NTDS", "C:\\Windows\\NTDS",
                                     {{"C:\\Windows\\NTDS\\ntds.dit", "E:\\NTDS\\ntds.dit"}}, "C:\\Windows\\NTDS", 1, 3) == k_hr_none);
    REQUIRE(fx.api->restore_register_complete(hbc, k_hr_none) == k_hr_none);
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    CHECK_MESSAGE(fx.state().ntds_online, fx.state().last_boot->reason);
    CHECK(fx.state().ntds.database->str() == "E:\\NTDS\\ntds.dit");
  }

  TEST_CASE("directory identity: database in use, invocation id, restore count and event 1109 since a time") {
    SimFixture fx;
    const std::int64_t before_ms = static_cast<std::int64_t>(std::time(nullptr)) * 1000;
    auto before = fx.host->directory_identity(before_ms);
    REQUIRE(before.is_ok());
    REQUIRE(before->database.has_value());
    CHECK(before->database->str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(before->restore_count == std::optional<std::uint64_t>(0));
    CHECK(before->event_1109 == std::optional<bool>(false));
    restore_in_place(fx, k_hr_none);
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    auto after = fx.host->directory_identity(before_ms);
    REQUIRE(after.is_ok());
    CHECK(after->restore_count == std::optional<std::uint64_t>(1));
    CHECK(after->invocation_id != before->invocation_id);
    CHECK(after->event_1109 == std::optional<bool>(true));
    CHECK(fx.state().event_log.size() == 1);
    // An event logged before `since` does not count.
    CHECK(fx.host->directory_identity(before_ms + 3600 * 1000)->event_1109 == std::optional<bool>(false));
  }

  TEST_CASE(
      "boot faults make the post-restore boot skip the restore map, the new invocation id, the count or event 1109") {
    for (const char* skip : {"restoreMap", "invocationId", "restoreCount", "event1109"}) {
      CAPTURE(skip);
      SimFixture fx;
      const std::string old_id = fx.state().invocation_id;
      auto fault = sim::fault_from_json(nlohmann::json{{"boot", {{"skip", skip}}}}, "faults[0]");
      REQUIRE(fault.is_ok());
      REQUIRE(fx.world->add_faults({*fault}).is_ok());
      const ExpiryToken token = fx.token_then_dsrm();
      const Hbc hbc = fx.prepare_restore(token);
      fs::create_directories(fx.tmp / "world" / "fs" / "E" / "NTDS");
      fs::copy_file(ntds_dir(fx) / "ntds.dit", fx.tmp / "world" / "fs" / "E" / "NTDS" / "ntds.dit");
      REQUIRE(fx.api->restore_register(hbc, "C:\\Windows\\NTDS", "C:\\Windows\\NTDS",
                                       {{"C:\\Windows\\NTDS\\ntds.dit", "E:\\NTDS\\ntds.dit"}}, "C:\\Windows\\NTDS", 1,
                                       3) == k_hr_none);
      REQUIRE(fx.api->restore_register_complete(hbc, k_hr_none) == k_hr_none);
      REQUIRE(fx.host->restart_normal_mode().is_ok());
      const sim::WorldState w = fx.state();
      CHECK_MESSAGE(w.ntds_online, w.last_boot->reason);  // the boot itself succeeds
      const std::string s = skip;
      CHECK((w.ntds.database->str() == "C:\\Windows\\NTDS\\ntds.dit") == (s == "restoreMap"));
      CHECK((w.invocation_id == old_id) == (s == "invocationId"));
      CHECK((w.restore_count == 0) == (s == "restoreCount"));
      CHECK(w.event_log.empty() == (s == "event1109"));
      CHECK(testing::read_file(fx.tmp / "world" / "calls.log").find("# boot fault skip=" + s) != std::string::npos);
      REQUIRE(w.faults.size() == 1);
      CHECK(std::get<sim::BootFault>(w.faults[0].kind).applied);
    }
  }

  TEST_CASE("restart ends every context of the previous boot") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc hbc = fx.prepare_restore(token);
    REQUIRE(fx.register_default(hbc) == k_hr_none);
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    CHECK(fx.api->restore_end(hbc) == k_hr_invalid_handle);
    CHECK(fx.records().back().outputs.at("why") == "restarted");
    CHECK_FALSE(fx.state().interlock.has_value());
  }

  TEST_CASE("authoritative marks are recorded in DSRM and refused outside it") {
    SimFixture fx;
    CHECK(fx.host->mark_authoritative({"OU=Finance,DC=corp,DC=example,DC=com"}, {}, "").status().code() ==
          Code::refused);
    fx.change([](sim::WorldState& w) {
      w.ntds_online = false;
      w.dsrm = true;
    });
    REQUIRE(
        fx.host->mark_authoritative({"OU=Finance,DC=corp,DC=example,DC=com"}, {"CN=x,DC=corp,DC=example,DC=com"}, "")
            .is_ok());
    const sim::WorldState w = fx.state();
    REQUIRE(w.authoritative.size() == 1);
    CHECK(w.authoritative[0].subtrees == std::vector<std::string>{"OU=Finance,DC=corp,DC=example,DC=com"});
    CHECK(w.authoritative[0].objects.size() == 1);
  }
}
