// The built adrestore.exe, end to end, with the win32 backend and the stand-in ntdsbcli.dll
// (doc/windows.md): a backup through DsBackupRead, a restore killed by a crash fault after a
// journal record and resumed, and the restored files compared byte for byte with the DC's
// own. The same plan on Linux (tests/exec, --api sim) restores the same bytes, because the
// simulated DC's files are a function of its name and sizes (sim/content.h). Also a hook past
// its timeout, whose whole process tree has to die, and junctions in a quarantine's way.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

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

// A simulated DC01 in DSRM with a backup set at D:\Backups\DC01, restored by adrestore.exe
// through the win32 backend and the stand-in DLL.
struct StandinWorld {
  testing::TempDir tmp;
  fs::path world = tmp / "world";
  fs::path state = tmp / "state";
  std::vector<std::string> env = {
      std::string(ntds::k_ntdsbcli_dll_env) + "=" + testing::standin_dll("ntdsbcli_standin.dll"),
      "ADRESTORE_SIM_WORLD=" + world.u8string()};

  // `spec_extra` follows spec.backup in the plan: the restore and hooks sections.
  std::string plan(const std::string& spec_extra) const {
    return tmp.write("plan.yaml",
                     "apiVersion: adrestore/v1\n"
                     "kind: RestorePlan\n"
                     "metadata:\n"
                     "  name: standin\n"
                     "  domainController: DC01.corp.example.com\n"
                     "spec:\n"
                     "  backup:\n"
                     "    source: 'D:\\Backups\\DC01'\n" +
                         spec_extra);
  }
  RunResult adrestore(const std::vector<std::string>& args, double timeout = 120) const {
    return testing::run_adrestore(args, timeout, env);
  }
  RunResult run(const std::string& plan_path, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"run",   plan_path,          "--api",   "win32", "--world",
                                     world.u8string(), "--state", state.u8string(), "--yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    return adrestore(args);
  }
  // The world, a backup of it (through the DLL when `backup_api` is win32), and a DSRM boot.
  // `original` keeps the DC's files as they were before the backup truncated its logs.
  void init(const std::string& backup_api = "sim") {
    RunResult r = adrestore({"-q", "sim", "init", world.u8string(), "--dc", "DC01.corp.example.com",
                             "--database-size", "1Mi", "--logs", "3", "--log-size", "64Ki"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    original = files_in(host("C/Windows/NTDS"));
    r = adrestore({"-q", "backup", "--api", backup_api, "--world", world.u8string(), "--out", "D:\\Backups\\DC01",
                   "--read-size", "64Ki"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    r = adrestore({"-q", "sim", "boot", world.u8string(), "--dsrm"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
  }
  fs::path host(const std::string& rel) const { return world / "fs" / fs::u8path(rel); }
  std::map<std::string, std::string> original;
};

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("win32 backend through the stand-in DLL: backup, a crash mid-restore, resume, identical bytes") {
    StandinWorld sw;
    const fs::path& world = sw.world;
    const fs::path& state = sw.state;
    // The backup reads every file through DsBackupOpenFileW/DsBackupRead of the DLL.
    sw.init("win32");
    const auto& original = sw.original;
    REQUIRE(original.count("ntds.dit") == 1);
    const std::string plan = sw.plan(
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

    const RunResult r = sw.run(plan);
    INFO(describe(r));
    CHECK(r.exit_code != 0);  // killed by the crash fault in files.copy
    const RunResult resumed = sw.adrestore({"resume", "--state", state.u8string(), "--yes"});
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

  TEST_CASE("a pre hook past its timeout is ended with its whole process tree, and the run goes on") {
    StandinWorld sw;
    sw.init();
    // The hook is cmd.exe running outer.cmd, which starts a second cmd.exe (inner.cmd), which
    // starts ping.exe and, when ping ends after ~2 s, writes survived.txt. Only a kill of the
    // whole tree at the 1 s timeout keeps survived.txt from appearing: ending just the
    // hook's own process would leave inner.cmd to write it. The post hook keeps adrestore.exe
    // running for 4 s more, so a survivor has the time to write it before the run ends.
    const fs::path marker = sw.tmp / "survived.txt";
    const std::string inner = sw.tmp.write("inner.cmd", "@ping -n 3 127.0.0.1 >NUL\r\n@echo survived> \"" +
                                                            marker.u8string() + "\"\r\n");
    const std::string outer = sw.tmp.write("outer.cmd", "@cmd.exe /c \"" + inner + "\"\r\n");

    // The control: run to its end, the tree does write the marker.
    RunResult control = testing::run_process({"cmd.exe", "/c", outer}, 30);
    REQUIRE_MESSAGE(control.exit_code == 0, describe(control));
    REQUIRE_MESSAGE(fs::exists(marker), "the tree did not write its marker even when left to finish");
    fs::remove(marker);

    const std::string plan = sw.plan(
        "  restore:\n"
        "    existingFiles: delete\n"
        "  hooks:\n"
        "    pre:\n"
        "      - {name: tree, run: ['cmd.exe', '/c', '" + outer + "'], timeout: 1s, onError: continue}\n"
        "    post:\n"
        "      - {name: settle, run: ['cmd.exe', '/c', 'ping -n 5 127.0.0.1 >NUL']}\n");
    const fs::path events = sw.tmp / "events.jsonl";
    const RunResult r = sw.run(plan, {"--events", events.u8string()});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK_MESSAGE(!fs::exists(marker), "a process of the timed-out hook's tree outlived the timeout");

    std::map<std::string, nlohmann::json> hooks;
    std::istringstream lines(testing::read_file(events));
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json e = nlohmann::json::parse(line);
      if (e.at("type") == "hook-finished") hooks[e.at("step").get<std::string>()] = e.at("data");
    }
    REQUIRE(hooks.count("hook.pre.tree") == 1);
    CHECK(hooks.at("hook.pre.tree").at("timedOut") == true);
    CHECK(hooks.at("hook.pre.tree").at("exitCode").is_null());
    CHECK(hooks.at("hook.pre.tree").at("durationMs").get<std::int64_t>() >= 1000);
    CHECK(hooks.at("hook.post.settle").at("exitCode") == 0);
    const std::string log = testing::read_file(sw.state / "logs" / "hooks" / "tree.log");
    CHECK_MESSAGE(testing::contains(log, "timed out after 1s and was stopped"), log);
    // The restore itself went on (onError: continue) and finished.
    const auto restored = files_in(sw.host("C/Windows/NTDS"));
    CHECK(restored.count("ntds.dit") == 1);
  }

  // Wine 8 cannot make a junction: FSCTL_SET_REPARSE_POINT fails with ERROR_NOT_SUPPORTED and
  // CreateSymbolicLinkW is a stub that makes nothing (doc/windows.md). This case runs on real
  // Windows; under wine the refusal is covered by tests/exec/file_clear_test.cpp on Linux, with
  // symbolic links, through the same clear_destinations().
  TEST_CASE("a junction in a quarantine's way, or in a destination, is refused and nothing moves" *
            doctest::skip(testing::under_wine())) {
    for (const bool quarantine_is_junction : {true, false}) {
      CAPTURE(quarantine_is_junction);
      StandinWorld sw;
      sw.init();
      const fs::path elsewhere = sw.host("C/Elsewhere");
      testing::write_file(elsewhere / "precious.txt", "not to be touched");
      const fs::path link = quarantine_is_junction ? sw.host("C/Quarantine") : sw.host("C/Windows/NTDS/linked");
      const std::string why = testing::make_junction(link, elsewhere);
      REQUIRE_MESSAGE(why.empty(), why);
      const auto before = files_in(sw.host("C/Windows/NTDS"));
      REQUIRE(before.count("ntds.dit") == 1);

      const std::string plan = sw.plan(
          "  restore:\n"
          "    existingFiles: quarantine\n"
          "    quarantine: 'C:\\Quarantine'\n");
      const RunResult r = sw.run(plan);
      INFO(describe(r));
      CHECK(r.exit_code == 3);
      if (quarantine_is_junction) {
        CHECK(testing::contains(r.err, "would be reached through C:\\Quarantine, a symbolic link or junction"));
      } else {
        CHECK(testing::contains(r.err, "C:\\Windows\\NTDS\\linked is a symbolic link"));
      }
      CHECK(files_in(sw.host("C/Windows/NTDS")) == before);
      CHECK(testing::read_file(elsewhere / "precious.txt") == "not to be touched");
      CHECK(files_in(elsewhere).size() == 1);
    }
  }
}
