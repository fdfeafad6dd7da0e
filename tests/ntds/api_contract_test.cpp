// The ntds::Api contract: one set of test cases that every backend must pass, instantiated
// for the simulator (every platform) and, in the Windows build, for the win32 backend
// loading the stand-in ntdsbcli.dll (tests/standin/), which serves the same simulated DC
// through the real DLL ABI. Both fixtures sit on a SimFixture world, so the checks read the
// DC's side (buffers freed, registration written) the same way for both.
#include <doctest/doctest.h>

#include <vector>

#include "api_contract.h"
#include "platform/fs.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::SimContract;
#ifdef _WIN32
using adrestore::testing::Win32Contract;
#define ADRESTORE_CONTRACT_BACKENDS SimContract, Win32Contract
#else
#define ADRESTORE_CONTRACT_BACKENDS SimContract
#endif

namespace {

constexpr std::uint32_t k_read = 32768;

template <class F>
ExpiryToken backup_token(F& fx) {
  ExpiryToken token;
  ApiBuffer buf;
  Hbc hbc;
  REQUIRE(fx.api().backup_prepare("DC01", 0, k_backup_type_full, token, buf, hbc) == k_hr_none);
  fx.api().backup_free(buf);
  REQUIRE(fx.api().backup_end(hbc) == k_hr_none);
  return token;
}

template <class F>
void boot_into_dsrm(F& fx) {
  fx.sim.change([](sim::WorldState& w) {
    w.ntds_online = false;
    w.dsrm = true;
  });
}

// A token from a backup (AD DS online), then a boot into DSRM and a restore context with it.
template <class F>
Hbc restore_with_token(F& fx) {
  const ExpiryToken token = backup_token(fx);
  boot_into_dsrm(fx);
  Hbc hbc;
  REQUIRE(fx.api().restore_prepare("DC01", k_restore_type_catchup, token, hbc) == k_hr_none);
  return hbc;
}

// Nothing handed out is still held, and nothing was freed twice or made up.
template <class F>
void check_buffers_clean(F& fx) {
  const sim::WorldState s = fx.sim.state();
  CHECK(s.buffers.empty());
  CHECK(s.counters.double_frees == 0);
  CHECK(s.counters.invalid_frees == 0);
}

std::string dc_file(testing::SimFixture& sim, const std::string& windows_path) {
  auto host = sim.world->disks().host_path(*WinPath::parse(windows_path));
  REQUIRE(host.is_ok());
  auto data = platform::read_file(*host, 1 << 30);
  REQUIRE(data.is_ok());
  return *data;
}

}  // namespace

TYPE_TO_STRING(SimContract);
#ifdef _WIN32
TYPE_TO_STRING(Win32Contract);
#endif

TEST_SUITE("ntds") {
  TEST_CASE_TEMPLATE("contract: DsIsNTDSOnline reports the DC's state and refuses another server", F,
                     ADRESTORE_CONTRACT_BACKENDS) {
    F fx;
    bool online = false;
    CHECK(fx.api().is_ntds_online("DC01", online) == k_hr_none);
    CHECK(online);
    CHECK(fx.api().is_ntds_online("DC02", online) == k_hr_could_not_connect);
    CHECK_FALSE(online);
    boot_into_dsrm(fx);
    CHECK(fx.api().is_ntds_online("\\\\DC01", online) == k_hr_none);
    CHECK_FALSE(online);
  }

  TEST_CASE_TEMPLATE("contract: a full backup reads every file byte for byte and every buffer is freed once", F,
                     ADRESTORE_CONTRACT_BACKENDS) {
    F fx;
    ExpiryToken token;
    ApiBuffer token_buf;
    Hbc hbc;
    REQUIRE(fx.api().backup_prepare("DC01", 0, k_backup_type_full, token, token_buf, hbc) == k_hr_none);
    CHECK_FALSE(hbc.is_null());
    CHECK_FALSE(token_buf.is_null());
    CHECK(token == sim::make_expiry_token(sim::read_expiry_token(token)->created_unix,
                                          sim::read_expiry_token(token)->lifetime_seconds));
    BftList names;
    ApiBuffer names_buf;
    REQUIRE(fx.api().backup_get_database_names(hbc, names, names_buf) == k_hr_none);
    REQUIRE(names.size() == 1);
    CHECK(names[0] == BftEntry{k_bft_ntds_database, "C:\\Windows\\NTDS\\ntds.dit"});
    std::uint64_t size = 0;
    REQUIRE(fx.api().backup_open_file(hbc, names[0].path, k_read, size) == k_hr_none);
    CHECK(size == 96 * 1024);
    std::string data;
    std::vector<char> buf(k_read);
    for (int guard = 0; data.size() < size && guard < 100; ++guard) {
      std::uint32_t got = 0;
      REQUIRE(fx.api().backup_read(hbc, buf.data(), k_read, got) == k_hr_none);
      data.append(buf.data(), got);
    }
    CHECK(data == dc_file(fx.sim, names[0].path));
    std::uint32_t got = 7;
    CHECK_FALSE(fx.api().backup_read(hbc, buf.data(), k_read, got).ok());  // ERROR_HANDLE_EOF
    CHECK(got == 0);
    REQUIRE(fx.api().backup_close(hbc) == k_hr_none);
    BftList logs;
    ApiBuffer logs_buf;
    REQUIRE(fx.api().backup_get_backup_logs(hbc, logs, logs_buf) == k_hr_none);
    CHECK(logs.size() >= 3);
    for (const BftEntry& e : logs) CHECK((e.bft == k_bft_log || e.bft == k_bft_patch_file));
    CHECK(fx.api().backup_truncate_logs(hbc) == k_hr_none);
    fx.api().backup_free(logs_buf);
    fx.api().backup_free(names_buf);
    fx.api().backup_free(token_buf);
    CHECK(fx.api().backup_end(hbc) == k_hr_none);
    check_buffers_clean(fx);
  }

  TEST_CASE_TEMPLATE("contract: a read buffer smaller than the API allows is refused, not passed on", F,
                     ADRESTORE_CONTRACT_BACKENDS) {
    F fx;
    std::uint64_t size = 0;
    const Hbc hbc = testing::backup_with_database_open(fx, size, k_read);
    std::vector<char> buf(k_read);
    std::uint32_t got = 0;
    CHECK_FALSE(fx.api().backup_read(hbc, buf.data(), 4096, got).ok());
    CHECK_FALSE(fx.api().backup_read(hbc, buf.data(), 24576 + 100, got).ok());
    CHECK(got == 0);
    CHECK(fx.api().backup_end(hbc) == k_hr_none);
    check_buffers_clean(fx);
  }

  TEST_CASE_TEMPLATE("contract: a restore prepares with the token, registers, completes and ends", F,
                     ADRESTORE_CONTRACT_BACKENDS) {
    F fx;
    const Hbc hbc = restore_with_token(fx);
    const BftList loc = testing::restore_locations(fx, hbc);
    REQUIRE(loc.size() == 3);
    CHECK(loc[0] == BftEntry{k_bft_ntds_database, "C:\\Windows\\NTDS\\ntds.dit"});
    CHECK(loc[1].bft == k_bft_log_dir);
    CHECK(loc[2].bft == k_bft_checkpoint_dir);
    const std::vector<RestoreMapEntry> map = {{"C:\\Windows\\NTDS\\ntds.dit", "C:\\Windows\\NTDS\\ntds.dit"}};
    REQUIRE(fx.api().restore_register(hbc, "C:\\Windows\\NTDS", "C:\\Windows\\NTDS", map, "C:\\Windows\\NTDS", 1, 3) ==
            k_hr_none);
    CHECK(fx.api().restore_register_complete(hbc, k_hr_none) == k_hr_none);
    CHECK(fx.api().restore_end(hbc) == k_hr_none);
    const sim::WorldState s = fx.sim.state();
    REQUIRE(s.restore_in_progress.has_value());
    CHECK(s.restore_in_progress->low_log == 1);
    CHECK(s.restore_in_progress->high_log == 3);
    REQUIRE(s.restore_in_progress->restore_map.size() == 1);
    CHECK(s.restore_in_progress->restore_map[0].to == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(s.restore_in_progress->restore_state == k_hr_none);
    check_buffers_clean(fx);
  }

  TEST_CASE_TEMPLATE("contract: without a token the context lists locations but cannot register", F,
                     ADRESTORE_CONTRACT_BACKENDS) {
    F fx;
    boot_into_dsrm(fx);
    Hbc hbc;
    REQUIRE(fx.api().restore_prepare("DC01", k_restore_type_catchup, std::nullopt, hbc) == k_hr_none);
    CHECK(testing::restore_locations(fx, hbc).size() == 3);
    CHECK(fx.api().restore_register(hbc, "C:\\Windows\\NTDS", "C:\\Windows\\NTDS", {}, "C:\\Windows\\NTDS", 1, 3) ==
          k_hr_missing_expiry_token);
    CHECK(fx.api().restore_register(hbc, "", "C:\\Windows\\NTDS", {}, "C:\\Windows\\NTDS", 1, 3) !=
          k_hr_none);  // an empty path is the C API's NULL
    CHECK(fx.api().restore_end(hbc) == k_hr_none);
    // After End the handle is dead.
    BftList loc;
    ApiBuffer loc_buf;
    CHECK(fx.api().restore_get_database_locations(hbc, loc, loc_buf) == k_hr_invalid_handle);
    CHECK(loc.empty());
    CHECK(loc_buf.is_null());
    check_buffers_clean(fx);
  }

  TEST_CASE_TEMPLATE("contract: expired and garbage tokens are refused with the backup facility's codes", F,
                     ADRESTORE_CONTRACT_BACKENDS) {
    F fx;
    const ExpiryToken token = backup_token(fx);
    boot_into_dsrm(fx);
    Hbc hbc;
    CHECK(fx.api().restore_prepare("DC01", k_restore_type_catchup, ExpiryToken{1, 2, 3}, hbc) ==
          k_hr_unknown_expiry_token_format);
    CHECK(hbc.is_null());
    fx.sim.change([](sim::WorldState& w) { w.clock_offset = 181 * 86400; });
    CHECK(fx.api().restore_prepare("DC01", k_restore_type_catchup, token, hbc) == k_hr_contents_expired);
  }

  TEST_CASE_TEMPLATE("contract: non-ASCII paths cross the boundary intact, both ways", F, ADRESTORE_CONTRACT_BACKENDS) {
    sim::WorldOptions o = testing::small_world_options();
    o.ntds.database = *WinPath::parse("D:\\Donn\xC3\xA9" "es\\\xE6\x97\xA5\\ntds.dit");
    o.ntds.logs = *WinPath::parse("D:\\Donn\xC3\xA9" "es\\Logs");
    o.ntds.checkpoint = *WinPath::parse("D:\\Donn\xC3\xA9" "es\\Logs");
    F fx(o);
    const Hbc hbc = restore_with_token(fx);
    const BftList loc = testing::restore_locations(fx, hbc);
    REQUIRE(loc.size() == 3);
    CHECK(loc[0].path == "D:\\Donn\xC3\xA9" "es\\\xE6\x97\xA5\\ntds.dit");
    const std::string logs = "D:\\Donn\xC3\xA9" "es\\Logs";
    REQUIRE(fx.api().restore_register(hbc, logs, logs, {}, logs, 1, 3) == k_hr_none);
    CHECK(fx.sim.state().restore_in_progress->log_path.str() == logs);
    CHECK(fx.api().restore_end(hbc) == k_hr_none);
  }

  TEST_CASE_TEMPLATE("contract: freeing NULL is allowed and a second free of a buffer is caught, not a crash", F,
                     ADRESTORE_CONTRACT_BACKENDS) {
    F fx;
    boot_into_dsrm(fx);
    Hbc hbc;
    REQUIRE(fx.api().restore_prepare("DC01", k_restore_type_catchup, std::nullopt, hbc) == k_hr_none);
    BftList loc;
    ApiBuffer loc_buf;
    REQUIRE(fx.api().restore_get_database_locations(hbc, loc, loc_buf) == k_hr_none);
    fx.api().backup_free(ApiBuffer{});
    fx.api().backup_free(loc_buf);
    fx.api().backup_free(loc_buf);
    CHECK(fx.api().restore_end(hbc) == k_hr_none);
    const sim::WorldState s = fx.sim.state();
    CHECK(s.buffers.empty());
    CHECK(s.counters.double_frees == 1);
  }
}
