#include <doctest/doctest.h>

#include <vector>

#include "sim/content.h"
#include "sim_fixture.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::SimFixture;

namespace {

constexpr std::uint32_t k_buf = 32768;

// Opens the database from a fresh context and returns the name used.
std::string open_database(SimFixture& fx, Hbc hbc, std::uint64_t& size) {
  BftList names;
  ApiBuffer buf;
  REQUIRE(fx.api->backup_get_database_names(hbc, names, buf) == k_hr_none);
  fx.api->backup_free(buf);
  REQUIRE(names.size() == 1);
  REQUIRE(fx.api->backup_open_file(hbc, names[0].path, k_buf, size) == k_hr_none);
  return names[0].path;
}

std::string read_all(SimFixture& fx, Hbc hbc, std::uint64_t size) {
  std::string data;
  std::vector<char> buf(k_buf);
  while (data.size() < size) {
    std::uint32_t got = 0;
    REQUIRE(fx.api->backup_read(hbc, buf.data(), k_buf, got) == k_hr_none);
    data.append(buf.data(), got);
  }
  return data;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("DsIsNTDSOnline reports the world's state and checks the server name") {
    SimFixture fx;
    bool online = false;
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_none);
    CHECK(online);
    CHECK(fx.api->is_ntds_online("\\\\dc01.corp.example.com", online) == k_hr_none);
    CHECK(fx.api->is_ntds_online("DC02", online) == k_hr_could_not_connect);
    CHECK_FALSE(online);  // outputs stay cleared on failure
    CHECK(fx.api->is_ntds_online("DC_01", online) == HResult(k_error_invalid_parameter));
    CHECK(fx.api->is_ntds_online("", online) == HResult(k_error_invalid_parameter));
    fx.change([](sim::WorldState& w) { w.ntds_online = false; });
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_none);
    CHECK_FALSE(online);
  }

  TEST_CASE("DsBackupPrepare needs AD DS online, the backup privilege and a full backup") {
    SimFixture fx;
    ExpiryToken token;
    ApiBuffer buf;
    Hbc hbc;
    CHECK(fx.api->backup_prepare("DC01", 0, k_backup_type_incremental, token, buf, hbc) == HResult(k_error_invalid_parameter));
    CHECK(fx.api->backup_prepare("DC01", 0, k_backup_type_logs_only, token, buf, hbc) == HResult(k_error_invalid_parameter));
    CHECK(hbc.is_null());
    CHECK(buf.is_null());
    CHECK(token.empty());
    fx.change([](sim::WorldState& w) { w.privileges = {{"SeBackupPrivilege", false}}; });
    CHECK(fx.api->backup_prepare("DC01", 0, k_backup_type_full, token, buf, hbc) == HResult(k_error_access_denied));
    fx.change([](sim::WorldState& w) {
      w.privileges = {{"SeBackupPrivilege", true}};
      w.ntds_online = false;
    });
    CHECK(fx.api->backup_prepare("DC01", 0, k_backup_type_full, token, buf, hbc) == k_hr_could_not_connect);
    fx.change([](sim::WorldState& w) { w.ntds_online = true; });
    REQUIRE(fx.api->backup_prepare("DC01", 0, k_backup_type_full, token, buf, hbc) == k_hr_none);
    CHECK_FALSE(hbc.is_null());
    CHECK_FALSE(buf.is_null());
    auto info = sim::read_expiry_token(token);
    REQUIRE(info.has_value());
    CHECK(info->lifetime_seconds == 180 * 86400);
    CHECK(std::llabs(info->created_unix - static_cast<long long>(std::time(nullptr))) < 60);
    // One backup at a time.
    ExpiryToken t2;
    ApiBuffer b2;
    Hbc h2;
    CHECK(fx.api->backup_prepare("DC01", 0, k_backup_type_full, t2, b2, h2) == k_hr_backup_in_progress);
    fx.api->backup_free(buf);
    CHECK(fx.api->backup_end(hbc) == k_hr_none);
  }

  TEST_CASE("the Win32 errors the simulator makes come raw or wrapped, as the world says") {
    SimFixture fx;
    fx.change([](sim::WorldState& w) { w.win32_errors = Win32Form::wrapped; });
    ExpiryToken token;
    ApiBuffer buf;
    Hbc hbc;
    CHECK(fx.api->backup_prepare("DC01", 0, k_backup_type_incremental, token, buf, hbc) == HResult(0x80070057));
  }

  TEST_CASE("a file is read through Open, Read until ERROR_HANDLE_EOF, and Close") {
    SimFixture fx;
    const Hbc hbc = fx.prepare_backup();
    std::uint64_t size = 0;
    const std::string name = open_database(fx, hbc, size);
    CHECK(name == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(size == 96 * 1024);
    const std::string data = read_all(fx, hbc, size);
    CHECK(data == testing::read_file(fx.tmp / "world" / "fs" / "C" / "Windows" / "NTDS" / "ntds.dit"));
    std::vector<char> buf(k_buf);
    std::uint32_t got = 7;
    CHECK(fx.api->backup_read(hbc, buf.data(), k_buf, got) == HResult(k_error_handle_eof));
    CHECK(got == 0);
    CHECK(fx.api->backup_close(hbc) == k_hr_none);
    CHECK(fx.api->backup_close(hbc) == k_hr_invalid_handle);  // no file open [DOC]
    CHECK(fx.api->backup_end(hbc) == k_hr_none);
  }

  TEST_CASE("read sizes must be a multiple of 8192 and at least 24576") {
    SimFixture fx;
    const Hbc hbc = fx.prepare_backup();
    BftList names;
    ApiBuffer lb;
    REQUIRE(fx.api->backup_get_database_names(hbc, names, lb) == k_hr_none);
    fx.api->backup_free(lb);
    std::uint64_t size = 0;
    CHECK(fx.api->backup_open_file(hbc, names[0].path, 16384, size) == HResult(k_error_invalid_parameter));
    CHECK(fx.api->backup_open_file(hbc, names[0].path, 30000, size) == HResult(k_error_invalid_parameter));
    REQUIRE(fx.api->backup_open_file(hbc, names[0].path, 24576, size) == k_hr_none);
    std::vector<char> buf(65536);
    std::uint32_t got = 0;
    CHECK(fx.api->backup_read(hbc, buf.data(), 16384, got) == HResult(k_error_invalid_parameter));
    CHECK(fx.api->backup_read(hbc, buf.data(), 40000, got) == HResult(k_error_invalid_parameter));
    CHECK(fx.api->backup_read(hbc, nullptr, 32768, got) == HResult(k_error_invalid_parameter));
    CHECK(fx.api->backup_read(hbc, buf.data(), 24576, got) == k_hr_none);
    CHECK(got == 24576);
    CHECK(fx.api->backup_read(hbc, buf.data(), 65536, got) == k_hr_none);
    CHECK(got == 65536);
  }

  TEST_CASE("one open file per context; reads need an open file; only listed names open") {
    SimFixture fx;
    const Hbc hbc = fx.prepare_backup();
    std::uint64_t size = 0;
    std::vector<char> buf(k_buf);
    std::uint32_t got = 0;
    CHECK(fx.api->backup_read(hbc, buf.data(), k_buf, got) == k_hr_invalid_handle);
    // Not listed yet in this context.
    CHECK(fx.api->backup_open_file(hbc, "C:\\Windows\\NTDS\\ntds.dit", k_buf, size) == HResult(k_error_file_not_found));
    const std::string name = open_database(fx, hbc, size);
    CHECK(fx.api->backup_open_file(hbc, name, k_buf, size) == k_hr_already_open);
    CHECK(fx.api->backup_close(hbc) == k_hr_none);
    // The BFT character is not part of the name.
    CHECK(fx.api->backup_open_file(hbc, std::string(1, '\x44') + name, k_buf, size) == HResult(k_error_file_not_found));
    // Case does not matter, as on Windows.
    CHECK(fx.api->backup_open_file(hbc, "c:\\windows\\ntds\\NTDS.DIT", k_buf, size) == k_hr_none);
  }

  TEST_CASE("DsBackupGetBackupLogs only after the database files were read and closed") {
    SimFixture fx;
    const Hbc hbc = fx.prepare_backup();
    BftList logs;
    ApiBuffer buf;
    CHECK(fx.api->backup_get_backup_logs(hbc, logs, buf) == k_hr_invalid_backup_sequence);
    std::uint64_t size = 0;
    open_database(fx, hbc, size);
    CHECK(fx.api->backup_get_backup_logs(hbc, logs, buf) == k_hr_invalid_backup_sequence);  // still open
    std::vector<char> part(k_buf);
    std::uint32_t got = 0;
    REQUIRE(fx.api->backup_read(hbc, part.data(), k_buf, got) == k_hr_none);
    REQUIRE(fx.api->backup_close(hbc) == k_hr_none);
    CHECK(fx.api->backup_get_backup_logs(hbc, logs, buf) == k_hr_invalid_backup_sequence);  // closed half-read
    REQUIRE(fx.api->backup_open_file(hbc, "C:\\Windows\\NTDS\\ntds.dit", k_buf, size) == k_hr_none);
    read_all(fx, hbc, size);
    REQUIRE(fx.api->backup_close(hbc) == k_hr_none);
    REQUIRE(fx.api->backup_get_backup_logs(hbc, logs, buf) == k_hr_none);
    fx.api->backup_free(buf);
    REQUIRE(logs.size() == 3);
    CHECK(logs[0].bft == k_bft_log);
    CHECK(logs[0].path == "C:\\Windows\\NTDS\\edb00001.log");
    CHECK(logs[2].path == "C:\\Windows\\NTDS\\edb00003.log");
  }

  TEST_CASE("DsBackupTruncateLogs deletes the backed-up logs but the newest") {
    SimFixture fx;
    const Hbc hbc = fx.prepare_backup();
    CHECK(fx.api->backup_truncate_logs(hbc) == k_hr_invalid_backup_sequence);  // nothing backed up yet
    std::uint64_t size = 0;
    open_database(fx, hbc, size);
    read_all(fx, hbc, size);
    REQUIRE(fx.api->backup_close(hbc) == k_hr_none);
    BftList logs;
    ApiBuffer buf;
    REQUIRE(fx.api->backup_get_backup_logs(hbc, logs, buf) == k_hr_none);
    fx.api->backup_free(buf);
    for (std::size_t i = 0; i < 2; ++i) {  // only the first two logs are read
      REQUIRE(fx.api->backup_open_file(hbc, logs[i].path, k_buf, size) == k_hr_none);
      read_all(fx, hbc, size);
      REQUIRE(fx.api->backup_close(hbc) == k_hr_none);
    }
    CHECK(fx.api->backup_truncate_logs(hbc) == k_hr_none);
    const auto dir = fx.tmp / "world" / "fs" / "C" / "Windows" / "NTDS";
    CHECK_FALSE(std::filesystem::exists(dir / "edb00001.log"));
    CHECK_FALSE(std::filesystem::exists(dir / "edb00002.log"));
    CHECK(std::filesystem::exists(dir / "edb00003.log"));
    CHECK(fx.state().counters.truncated_logs == 2);
  }

  TEST_CASE("calls on an ended context fail with hrInvalidHandle") {
    SimFixture fx;
    const Hbc hbc = fx.prepare_backup();
    REQUIRE(fx.api->backup_end(hbc) == k_hr_none);
    BftList names;
    ApiBuffer buf;
    CHECK(fx.api->backup_get_database_names(hbc, names, buf) == k_hr_invalid_handle);
    CHECK(fx.api->backup_end(hbc) == k_hr_invalid_handle);
    CHECK(fx.api->backup_end(Hbc{}) == k_hr_invalid_handle);
    CHECK(fx.api->backup_end(Hbc{999}) == k_hr_invalid_handle);
    const auto recs = fx.records();
    CHECK(recs.back().outputs.at("why") == "unknown");
    CHECK(recs[recs.size() - 3].outputs.at("why") == "ended");
  }

  TEST_CASE("a restore context cannot drive backup calls, and a backup context cannot register") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc rhbc = fx.prepare_restore(token);
    BftList names;
    ApiBuffer buf;
    CHECK(fx.api->backup_get_database_names(rhbc, names, buf) == k_hr_invalid_handle);
  }

  TEST_CASE("reads may be fragmented when the world says so") {
    SimFixture fx;
    fx.change([](sim::WorldState& w) { w.read_fragment = 10000; });
    const Hbc hbc = fx.prepare_backup();
    std::uint64_t size = 0;
    open_database(fx, hbc, size);
    std::vector<char> buf(k_buf);
    std::uint32_t got = 0;
    REQUIRE(fx.api->backup_read(hbc, buf.data(), k_buf, got) == k_hr_none);
    CHECK(got == 10000);
  }

  TEST_CASE("lists name files by UNC through the administrative share when the world says so") {
    SimFixture fx;
    fx.change([](sim::WorldState& w) { w.unc_paths = true; });
    const Hbc hbc = fx.prepare_backup();
    std::uint64_t size = 0;
    const std::string name = open_database(fx, hbc, size);
    CHECK(name == "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit");
    CHECK(size == 96 * 1024);
  }

  TEST_CASE("every buffer is tracked: frees, double frees, invalid frees and leaks") {
    SimFixture fx;
    ExpiryToken token;
    ApiBuffer tb;
    Hbc hbc;
    REQUIRE(fx.api->backup_prepare("DC01", 0, k_backup_type_full, token, tb, hbc) == k_hr_none);
    BftList names;
    ApiBuffer nb;
    REQUIRE(fx.api->backup_get_database_names(hbc, names, nb) == k_hr_none);
    CHECK(fx.world->leaks(true)->size() == 2);  // both still held by this process
    fx.api->backup_free(tb);
    fx.api->backup_free(tb);                // double free
    fx.api->backup_free(ApiBuffer{123456});  // never allocated
    fx.api->backup_free(ApiBuffer{hbc.value});  // a context is not a buffer
    fx.api->backup_free(ApiBuffer{});       // DsBackupFree(NULL) is harmless
    const sim::WorldState w = fx.state();
    CHECK(w.counters.double_frees == 1);
    CHECK(w.counters.invalid_frees == 2);
    auto live = fx.world->leaks(true);
    REQUIRE(live->size() == 1);
    CHECK((*live)[0].call == "DsBackupGetDatabaseNames");
    CHECK(fx.world->leaks(false)->empty());  // this process is alive: not a leak yet
    const auto recs = fx.records();
    CHECK(recs[recs.size() - 4].outputs.at("error") == "double-free");
    CHECK(recs[recs.size() - 1].outputs.at("error") == "null");
  }
}
