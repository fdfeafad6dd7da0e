#include <doctest/doctest.h>

#include <filesystem>

#include "backup/backup_driver.h"
#include "backup/encoding.h"
#include "platform/sha256.h"
#include "sim/sim_fixture.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::SimFixture;

namespace {

namespace fs = std::filesystem;

backup::BackupOptions options(SimFixture& fx) {
  backup::BackupOptions o;
  o.out_dir = (fx.tmp / "set").string();
  o.read_size = 32768;
  o.chunk_size = 40000;  // not a multiple of the read size: chunks straddle reads
  o.now_unix = 1767225600;  // 2026-01-01T00:00:00Z
  return o;
}

std::string hex_sha(const std::string& data) { return platform::to_hex(platform::sha256(data)); }

}  // namespace

TEST_SUITE("backup") {
  TEST_CASE("a backup set holds every file, hashed whole and by chunk, and a manifest") {
    SimFixture fx;
    const backup::BackupOptions o = options(fx);
    auto r = backup::run_backup(*fx.api, *fx.host, o);
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    const backup::Manifest& m = r->manifest;
    CHECK(m.dc == "DC01.corp.example.com");
    CHECK(m.created_at == "2026-01-01T00:00:00Z");
    CHECK(m.created_at_unix == 1767225600);
    CHECK(m.gen_low == 1);
    CHECK(m.gen_high == 3);
    CHECK(m.chunk_size == 40000);
    CHECK(m.locations.database_file->str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(m.locations.log_dir->str() == "C:\\Windows\\NTDS");
    REQUIRE(m.files.size() == 4);
    CHECK(m.files[0].path == "ntds.dit");
    CHECK(m.files[0].kind == backup::FileKind::database);
    CHECK(m.files[0].original.str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(m.files[3].path == "edb00003.log");
    CHECK(m.files[3].kind == backup::FileKind::log);
    for (const backup::ManifestFile& f : m.files) {
      const std::string data = testing::read_file(fx.tmp / "set" / f.path);
      CHECK(data.size() == f.size);
      CHECK(f.sha256 == hex_sha(data));
      REQUIRE(f.chunk_sha256.size() == (f.size + 39999) / 40000);
      for (std::size_t i = 0; i < f.chunk_sha256.size(); ++i) CHECK(f.chunk_sha256[i] == hex_sha(data.substr(i * 40000, 40000)));
    }
    CHECK(fs::exists(r->manifest_path));
    CHECK_FALSE(fs::exists(fx.tmp / "set" / "ntds.dit.partial"));
    // The token is the one DsBackupPrepare gave, recording the creation time.
    CHECK(m.expiry_token_base64.size() == 44);
  }

  TEST_CASE("the backup drives the documented call sequence and frees every buffer") {
    SimFixture fx;
    REQUIRE(backup::run_backup(*fx.api, *fx.host, options(fx)).is_ok());
    std::vector<std::string> calls = fx.calls();
    std::vector<std::string> opens;
    for (const sim::CallRecord& r : fx.records()) {
      if (r.call == "DsBackupOpenFile") opens.push_back(r.args.at("name"));
    }
    CHECK(opens == std::vector<std::string>{"C:\\Windows\\NTDS\\ntds.dit", "C:\\Windows\\NTDS\\edb00001.log",
                                            "C:\\Windows\\NTDS\\edb00002.log", "C:\\Windows\\NTDS\\edb00003.log"});
    CHECK(calls.front() == "DsIsNTDSOnline");
    CHECK(calls[1] == "DsBackupPrepare");
    CHECK(calls[calls.size() - 2] == "DsBackupTruncateLogs");
    CHECK(calls.back() == "DsBackupEnd");
    auto leaks = fx.world->leaks(true);
    CHECK(leaks->empty());
    CHECK(fx.state().counters.double_frees == 0);
  }

  TEST_CASE("fragmented reads and UNC names give the same set") {
    SimFixture fx;
    fx.change([](sim::WorldState& w) {
      w.read_fragment = 10000;
      w.unc_paths = true;
    });
    auto r = backup::run_backup(*fx.api, *fx.host, options(fx));
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    CHECK(r->manifest.files[0].original.str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(r->manifest.locations.log_dir->str() == "C:\\Windows\\NTDS");
    const std::string dit = testing::read_file(fx.tmp / "set" / "ntds.dit");
    CHECK(dit == testing::read_file(fx.tmp / "world" / "fs" / "C" / "Windows" / "NTDS" / "ntds.dit"));
  }

  TEST_CASE("a backup is refused while AD DS is offline and when the folder holds a set") {
    SimFixture fx;
    fx.change([](sim::WorldState& w) { w.ntds_online = false; });
    auto offline = backup::run_backup(*fx.api, *fx.host, options(fx));
    CHECK(offline.status().code() == Code::refused);
    CHECK(offline.status().message().find("AD DS is not running") != std::string::npos);
    fx.change([](sim::WorldState& w) { w.ntds_online = true; });
    REQUIRE(backup::run_backup(*fx.api, *fx.host, options(fx)).is_ok());
    auto again = backup::run_backup(*fx.api, *fx.host, options(fx));
    CHECK(again.status().code() == Code::refused);
  }

  TEST_CASE("a failing read still ends the context and frees the buffers") {
    SimFixture fx;
    sim::CallFault c;
    c.call = Call::backup_read;
    c.hresult = k_hr_communication_error;
    c.after = 1;
    REQUIRE(fx.world->add_faults({sim::Fault{c}}).is_ok());
    auto r = backup::run_backup(*fx.api, *fx.host, options(fx));
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message().find("DsBackupRead C:\\Windows\\NTDS\\ntds.dit failed: hrCommunicationError (0xC7FF000D)") !=
          std::string::npos);
    const std::vector<std::string> calls = fx.calls();
    CHECK(calls[calls.size() - 2] == "DsBackupClose");
    CHECK(calls.back() == "DsBackupEnd");
    CHECK(fx.world->leaks(true)->empty());
    CHECK_FALSE(fs::exists(fx.tmp / "set" / "adrestore-backup.json"));
  }

  TEST_CASE("a failing DsRestoreGetDatabaseLocations at backup time is a warning, not a failure") {
    SimFixture fx;
    sim::CallFault c;
    c.call = Call::restore_get_database_locations;
    c.hresult = k_hr_could_not_connect;
    REQUIRE(fx.world->add_faults({sim::Fault{c}}).is_ok());
    auto r = backup::run_backup(*fx.api, *fx.host, options(fx));
    REQUIRE(r.is_ok());
    REQUIRE(r->warnings.size() == 1);
    CHECK(r->manifest.locations.database_file->str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(r->manifest.locations.checkpoint_dir->str() == "C:\\Windows\\NTDS");
  }

  TEST_CASE("options are checked before anything is called") {
    SimFixture fx;
    backup::BackupOptions o = options(fx);
    o.read_size = 20000;
    CHECK(backup::run_backup(*fx.api, *fx.host, o).status().code() == Code::usage);
    CHECK(fx.calls().empty());
  }

  TEST_CASE("RFC 3339 and base64 helpers") {
    CHECK(backup::format_rfc3339_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(backup::format_rfc3339_utc(951782400) == "2000-02-29T00:00:00Z");
    CHECK(backup::format_rfc3339_utc(1767225599) == "2025-12-31T23:59:59Z");
    CHECK(backup::encode_base64({}) == "");
    CHECK(backup::encode_base64({'f'}) == "Zg==");
    CHECK(backup::encode_base64({'f', 'o'}) == "Zm8=");
    CHECK(backup::encode_base64({'f', 'o', 'o', 'b', 'a', 'r'}) == "Zm9vYmFy");
  }
}
