// adrestore sim init and adrestore backup, run as a user would.
#include <doctest/doctest.h>

#include <filesystem>

#include "sim/calls_log.h"
#include "sim/content.h"
#include "support.h"

using namespace adrestore;
using adrestore::testing::run_adrestore;

namespace {

namespace fs = std::filesystem;

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("sim init then backup makes a backup set inside the world") {
    testing::TempDir tmp;
    const std::string world = (tmp / "dc01").string();
    auto init = run_adrestore({"sim", "init", world, "--dc", "DC01.corp.example.com", "--database-size", "256Ki", "--logs", "2",
                               "--log-size", "32Ki"});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    CHECK(init.out.find("C:\\Windows\\NTDS\\ntds.dit (256.0 KiB)") != std::string::npos);
    CHECK(fs::file_size(tmp / "dc01" / "fs" / "C" / "Windows" / "NTDS" / "ntds.dit") == 256 * 1024);
    auto backup = run_adrestore({"backup", "--api", "sim", "--world", world, "--out", "D:\\Backups\\DC01", "--read-size", "64Ki"});
    REQUIRE_MESSAGE(backup.exit_code == 0, backup.err);
    CHECK(backup.out.find("3 files") != std::string::npos);
    const fs::path set = tmp / "dc01" / "fs" / "D" / "Backups" / "DC01";
    CHECK(fs::exists(set / "adrestore-backup.json"));
    CHECK(testing::read_file(set / "ntds.dit") == testing::read_file(tmp / "dc01" / "fs" / "C" / "Windows" / "NTDS" / "ntds.dit"));
    auto calls = sim::read_calls_log((tmp / "dc01" / "calls.log").string());
    REQUIRE(calls.is_ok());
    CHECK(sim::call_names(*calls).back() == "DsBackupEnd");
  }

  TEST_CASE("a second backup run in a new process works: the first run's context died with it") {
    testing::TempDir tmp;
    const std::string world = (tmp / "w").string();
    REQUIRE(run_adrestore({"-q", "sim", "init", world, "--database-size", "64Ki"}).exit_code == 0);
    REQUIRE(run_adrestore({"-q", "backup", "--world", world, "--out", "D:\\B1"}).exit_code == 0);
#ifdef _WIN32
    // A host path looks like a Windows path here, and a Windows path names a place in the world.
    const fs::path second_set = tmp / "w" / "fs" / "D" / "B2";
    const std::string out = "D:\\B2";
#else
    const fs::path second_set = tmp / "host-set";
    const std::string out = second_set.string();
#endif
    auto second = run_adrestore({"-q", "backup", "--world", world, "--out", out});
    REQUIRE_MESSAGE(second.exit_code == 0, second.err);
    CHECK(fs::exists(second_set / "adrestore-backup.json"));
    // The first run truncated logs 1..2, so the second set has only the newest log.
    CHECK_FALSE(fs::exists(second_set / "edb00001.log"));
    CHECK(fs::exists(second_set / "edb00003.log"));
  }

  TEST_CASE("a corrupt fault in the world damages the set the backup command writes") {
    testing::TempDir tmp;
    const std::string world = (tmp / "w").string();
    const std::string overrides = tmp.write("world.yaml", "faults:\n  - {corrupt: {backupFile: ntds.dit, atByte: 4096}}\n");
    REQUIRE(run_adrestore({"-q", "sim", "init", world, "--database-size", "64Ki", "--from", overrides}).exit_code == 0);
    REQUIRE(run_adrestore({"-q", "backup", "--world", world, "--out", "D:\\B"}).exit_code == 0);
    const std::string original = testing::read_file(tmp / "w" / "fs" / "C" / "Windows" / "NTDS" / "ntds.dit");
    const std::string copy = testing::read_file(tmp / "w" / "fs" / "D" / "B" / "ntds.dit");
    REQUIRE(copy.size() == original.size());
    CHECK(copy[4096] == static_cast<char>(original[4096] ^ 0xFF));
    CHECK(copy.substr(4097) == original.substr(4097));
  }

  TEST_CASE("the backup command refuses an offline DC and names a bad world clearly") {
    testing::TempDir tmp;
    const std::string world = (tmp / "w").string();
    const std::string offline = tmp.write("offline.yaml", "ntdsOnline: false\ndsrm: true\n");
    REQUIRE(run_adrestore({"-q", "sim", "init", world, "--database-size", "64Ki", "--from", offline}).exit_code == 0);
    auto refused = run_adrestore({"backup", "--world", world, "--out", "D:\\B"});
    CHECK(refused.exit_code == 5);
    CHECK(refused.err.find("AD DS is not running on DC01") != std::string::npos);

    testing::write_file(tmp / "w" / "world.json", "{\"format\": \"adrestore-sim-world/1\", \"dc\": 5}");
    auto bad = run_adrestore({"backup", "--world", world, "--out", "D:\\B"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("world.json:1:") != std::string::npos);
    CHECK(bad.err.find("dc: expected a host name") != std::string::npos);

    auto none = run_adrestore({"backup", "--world", (tmp / "nothing").string(), "--out", "D:\\B"});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("adrestore sim init") != std::string::npos);
    auto no_world = run_adrestore({"backup", "--out", "D:\\B"}, 20, {"ADRESTORE_SIM_WORLD="});
#ifdef _WIN32
    // Without a world the Windows default is the real DC, and wine has no ntdsbcli.dll.
    CHECK(no_world.exit_code == 5);
    CHECK(no_world.err.find("cannot load the NTDS backup client") != std::string::npos);
#else
    CHECK(no_world.exit_code == 2);
    CHECK(no_world.err.find("--world") != std::string::npos);
#endif
  }

  TEST_CASE("sim init refuses an existing world, bad sizes and bad overrides") {
    testing::TempDir tmp;
    const std::string world = (tmp / "w").string();
    REQUIRE(run_adrestore({"-q", "sim", "init", world, "--database-size", "64Ki"}).exit_code == 0);
    auto again = run_adrestore({"sim", "init", world});
    CHECK(again.exit_code == 5);
    CHECK(again.err.find("already holds a world") != std::string::npos);
    auto size = run_adrestore({"sim", "init", (tmp / "x").string(), "--database-size", "lots"});
    CHECK(size.exit_code == 2);
    auto tiny = run_adrestore({"sim", "init", (tmp / "y").string(), "--database-size", "100"});
    CHECK(tiny.exit_code == 1);
    const std::string bad = tmp.write("bad.yaml", "dsrm: perhaps\n");
    auto from = run_adrestore({"sim", "init", (tmp / "z").string(), "--from", bad});
    CHECK(from.exit_code == 1);
    CHECK(from.err.find("adrestore: error: ") == 0);
    CHECK(from.err.find("bad.yaml:1:7: dsrm: expected true or false") != std::string::npos);
  }
}
