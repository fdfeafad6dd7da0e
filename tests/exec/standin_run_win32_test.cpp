// The built adrestore.exe, end to end, with the win32 backend and the stand-in ntdsbcli.dll
// (doc/windows.md): a backup through DsBackupRead, a restore killed by a crash fault after a
// journal record and resumed, and the restored files compared byte for byte with the DC's
// own. The same plan on Linux (tests/exec, --api sim) restores the same bytes, because the
// simulated DC's files are a function of its name and sizes (sim/content.h).
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "../ntds/api_contract.h"
#include "sim/world.h"
#include "support.h"

using namespace adrestore;
using adrestore::testing::RunResult;

namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> files_in(const fs::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) out[e.path().filename().u8string()] = testing::read_file(e.path());
  }
  return out;
}

std::string describe(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err; }

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("win32 backend through the stand-in DLL: backup, a crash mid-restore, resume, identical bytes") {
    testing::TempDir tmp;
    const fs::path world = tmp / "world";
    const fs::path state = tmp / "state";
    const std::vector<std::string> env = {
        std::string(ntds::k_ntdsbcli_dll_env) + "=" + testing::standin_dll("ntdsbcli_standin.dll"),
        "ADRESTORE_SIM_WORLD=" + world.u8string()};

    RunResult r = testing::run_adrestore({"-q", "sim", "init", world.u8string(), "--dc", "DC01.corp.example.com",
                                          "--database-size", "1Mi", "--logs", "3", "--log-size", "64Ki"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    const auto original = files_in(world / "fs" / "C" / "Windows" / "NTDS");
    REQUIRE(original.count("ntds.dit") == 1);

    // The backup reads every file through DsBackupOpenFileW/DsBackupRead of the DLL.
    r = testing::run_adrestore({"-q", "backup", "--api", "win32", "--world", world.u8string(), "--out",
                                "D:\\Backups\\DC01", "--read-size", "64Ki"},
                               60, env);
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    r = testing::run_adrestore({"-q", "sim", "boot", world.u8string(), "--dsrm"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));

    const std::string plan = tmp.write("plan.yaml",
                                       "apiVersion: adrestore/v1\n"
                                       "kind: RestorePlan\n"
                                       "metadata:\n"
                                       "  name: standin\n"
                                       "  domainController: DC01.corp.example.com\n"
                                       "spec:\n"
                                       "  backup:\n"
                                       "    source: 'D:\\Backups\\DC01'\n"
                                       "  restore:\n"
                                       "    existingFiles: quarantine\n"
                                       "    quarantine: 'C:\\Quarantine'\n");
    {
      auto w = sim::World::open(world.u8string());
      REQUIRE(w.is_ok());
      auto crash = sim::fault_from_json(nlohmann::json::parse(R"({"crash": {"atStep": "files.copy", "afterBytes": 300000}})"),
                                        "faults[0]");
      REQUIRE_MESSAGE(crash.is_ok(), crash.status().message());
      REQUIRE((*w)->add_faults({*crash}).is_ok());
    }

    r = testing::run_adrestore({"run", plan, "--api", "win32", "--world", world.u8string(), "--state", state.u8string(), "--yes"},
                               120, env);
    INFO(describe(r));
    CHECK(r.exit_code != 0);  // killed by the crash fault in files.copy
    const RunResult resumed = testing::run_adrestore({"resume", "--state", state.u8string(), "--yes"}, 120, env);
    INFO(describe(resumed));
    REQUIRE(resumed.exit_code == 0);

    // Every file of the backup set is back, byte for byte the DC's own.
    auto set = files_in(world / "fs" / "D" / "Backups" / "DC01");
    set.erase("adrestore-backup.json");
    CHECK(set.size() == 4);  // ntds.dit and three logs
    const auto restored = files_in(world / "fs" / "C" / "Windows" / "NTDS");
    for (const auto& [name, content] : set) {
      CAPTURE(name);
      REQUIRE(restored.count(name) == 1);
      REQUIRE(original.count(name) == 1);
      CHECK(restored.at(name) == content);
      CHECK(content == original.at(name));
    }
    // Every API call went through the DLL and every buffer it handed out came back.
    auto w = sim::World::open(world.u8string());
    REQUIRE(w.is_ok());
    auto snap = (*w)->snapshot();
    REQUIRE(snap.is_ok());
    CHECK(snap->counters.double_frees == 0);
    CHECK(snap->counters.invalid_frees == 0);
    auto leaks = (*w)->leaks(true);
    REQUIRE(leaks.is_ok());
    CHECK(leaks->empty());
    REQUIRE(snap->restore_in_progress.has_value());
    CHECK(snap->restore_in_progress->restore_state == ntds::k_hr_none);
  }
}
