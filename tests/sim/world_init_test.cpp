#include <doctest/doctest.h>

#include <filesystem>

#include "input/guard.h"
#include "sim/content.h"
#include "sim_fixture.h"

using namespace adrestore;
using namespace adrestore::sim;

namespace {

namespace fs = std::filesystem;

Status apply_yaml(const std::string& yaml, WorldOptions& o) {
  testing::TempDir tmp;
  const std::string path = tmp.write("world.yaml", yaml);
  return load_world_overrides(path, o);
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("create_world makes a plausible DC: DIT, logs, checkpoint, online, not in DSRM") {
    testing::TempDir tmp;
    WorldOptions o = testing::small_world_options();
    o.logs = 4;
    auto w = create_world((tmp / "w").string(), o);
    REQUIRE(w.is_ok());
    const fs::path ntds = tmp / "w" / "fs" / "C" / "Windows" / "NTDS";
    CHECK(fs::file_size(ntds / "ntds.dit") == 96 * 1024);
    for (const char* n : {"edb00001.log", "edb00002.log", "edb00003.log", "edb00004.log", "edb.chk"}) {
      CHECK_MESSAGE(fs::exists(ntds / n), n);
    }
    CHECK(check_sim_file((ntds / "ntds.dit").string(), {SimFileKind::database, o.dc, 0, 0}).is_ok());
    CHECK(check_sim_file((ntds / "edb00004.log").string(), {SimFileKind::log, o.dc, 4, 0}).is_ok());
    auto state = (*w)->snapshot();
    CHECK(state->ntds_online);
    CHECK_FALSE(state->dsrm);
    CHECK(state->privileges.size() == 2);
    // A second create in the same place is refused.
    CHECK(create_world((tmp / "w").string(), o).status().code() == Code::refused);
  }

  TEST_CASE("create_world honours locations, tombstone lifetime, existing files and faults") {
    testing::TempDir tmp;
    WorldOptions o = testing::small_world_options();
    o.ntds.database = *WinPath::parse("E:\\NTDS\\ntds.dit");
    o.ntds.logs = *WinPath::parse("F:\\Logs");
    o.locations = NtdsPaths{*WinPath::parse("G:\\DB\\ntds.dit"), std::nullopt, std::nullopt};
    o.tombstone_lifetime = 60 * 86400;
    o.existing_files = {{*WinPath::parse("G:\\DB\\old.txt"), "old", std::nullopt},
                        {*WinPath::parse("G:\\DB\\big.bin"), {}, 20000}};
    o.ntds_online = false;
    o.dsrm = true;
    auto w = create_world((tmp / "w").string(), o);
    REQUIRE_MESSAGE(w.is_ok(), w.status().message());
    CHECK(fs::exists(tmp / "w" / "fs" / "E" / "NTDS" / "ntds.dit"));
    CHECK(fs::exists(tmp / "w" / "fs" / "F" / "Logs" / "edb00003.log"));
    CHECK(fs::exists(tmp / "w" / "fs" / "F" / "Logs" / "edb.chk"));  // checkpoint defaults to the log folder
    CHECK(testing::read_file(tmp / "w" / "fs" / "G" / "DB" / "old.txt") == "old");
    CHECK(fs::file_size(tmp / "w" / "fs" / "G" / "DB" / "big.bin") == 20000);
    auto s = (*w)->snapshot();
    CHECK(s->tombstone_lifetime == 60 * 86400);
    CHECK(s->reported_locations().database->str() == "G:\\DB\\ntds.dit");
    CHECK(s->dsrm);
  }

  TEST_CASE("world overrides from YAML set every key") {
    WorldOptions o;
    const std::string yaml = R"(dc: DC07.example.org
ntdsOnline: false
dsrm: true
privileges: [SeRestorePrivilege, {name: SeBackupPrivilege, enabled: false}]
tombstoneLifetime: 60d
clockOffset: -86400
ntds: {database: 'E:\NTDS\ntds.dit', logs: 'F:\Logs'}
locations: {database: 'E:\NTDS\ntds.dit'}
databaseSize: 1Mi
logs: 5
logSize: 64Ki
existingFiles: ['E:\NTDS\stale.log', {path: 'F:\Logs\x.bin', size: 9000}]
faults:
  - {call: DsRestoreGetDatabaseLocations, hresult: hrCouldNotConnect, times: 1}
  - {crash: {atStep: files.copy, afterBytes: 50%}}
  - {diskFull: {path: 'E:\NTDS', afterBytes: 10Mi}}
  - {corrupt: {backupFile: ntds.dit, atByte: 4096}}
win32Errors: wrapped
uncPaths: true
readFragment: 10000
)";
    const Status s = apply_yaml(yaml, o);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    CHECK(o.dc == "DC07.example.org");
    CHECK_FALSE(o.ntds_online);
    CHECK(o.dsrm);
    REQUIRE(o.privileges.size() == 2);
    CHECK(o.privileges[0].enabled);
    CHECK_FALSE(o.privileges[1].enabled);
    CHECK(o.tombstone_lifetime == 60 * 86400);
    CHECK(o.clock_offset == -86400);
    CHECK(o.ntds.logs->str() == "F:\\Logs");
    CHECK(o.database_size == 1u << 20);
    CHECK(o.logs == 5);
    CHECK(o.log_size == 64u << 10);
    REQUIRE(o.existing_files.size() == 2);
    CHECK(*o.existing_files[1].size == 9000);
    CHECK(o.faults.size() == 4);
    CHECK(o.win32_errors == ntds::Win32Form::wrapped);
    CHECK(o.unc_paths);
    CHECK(o.read_fragment == 10000);
  }

  TEST_CASE("bad world overrides are reported with line, column and field") {
    WorldOptions o;
    const Status s = apply_yaml("dc: DC01\ndsrm: maybe\nfautls: []\n", o);
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.code() == Code::invalid_input);
    CHECK(s.message().find(":2:7: dsrm: expected true or false") != std::string::npos);
    CHECK(s.message().find("unknown field 'fautls'; did you mean 'faults'?") != std::string::npos);
    const Status f = apply_yaml("faults:\n  - {call: DsRestorePrepare, hresult: hrNope}\n", o);
    CHECK(f.message().find(":2:5: faults[0].hresult: 'hrNope' is not a known HRESULT") != std::string::npos);
    const Status p = apply_yaml("ntds: {database: 'E:\\NTDS\\..\\x.dit'}\n", o);
    CHECK(p.message().find("ntds.database") != std::string::npos);
    const Status alias = apply_yaml("a: &x 1\nb: *x\n", o);
    CHECK_FALSE(alias.is_ok());
    testing::TempDir tmp;
    CHECK(load_world_overrides((tmp / "missing.yaml").string(), o).code() == Code::usage);
  }
}
