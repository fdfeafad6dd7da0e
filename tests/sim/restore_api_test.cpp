#include <doctest/doctest.h>

#include "sim_fixture.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::SimFixture;

TEST_SUITE("sim") {
  TEST_CASE("DsRestorePrepare fails while AD DS is online and without the restore privilege") {
    SimFixture fx;
    ExpiryToken token;
    const Hbc b = fx.prepare_backup(&token);
    REQUIRE(fx.api->backup_end(b) == k_hr_none);
    Hbc hbc;
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, token, hbc) == HResult(k_error_access_denied));
    CHECK(fx.records().back().outputs.at("why") == "ntds-online");
    fx.change([](sim::WorldState& w) {
      w.ntds_online = false;
      w.privileges = {{"SeRestorePrivilege", false}, {"SeBackupPrivilege", true}};
    });
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, token, hbc) == HResult(k_error_access_denied));
    fx.change([](sim::WorldState& w) { w.privileges = {{"SeRestorePrivilege", true}}; });
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, token, hbc) == k_hr_none);
    CHECK(fx.records().back().line.find("DsRestorePrepare server=DC01 rtFlag=0x4 token=32B -> hrNone (0x00000000)") == 0);
  }

  TEST_CASE("DsRestorePrepare takes rtFlag 0 or CATCHUP and refuses the unsupported types") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    Hbc hbc;
    CHECK(fx.api->restore_prepare("DC01", 0, token, hbc) == k_hr_none);
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_authoritative, token, hbc) == HResult(k_error_invalid_parameter));
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_online | k_restore_type_catchup, token, hbc) ==
          HResult(k_error_invalid_parameter));
  }

  TEST_CASE("expiry tokens: garbage is refused, and a backup older than the tombstone lifetime expires") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    Hbc hbc;
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, ExpiryToken{1, 2, 3}, hbc) == k_hr_unknown_expiry_token_format);
    ExpiryToken flipped = token;
    flipped[9] ^= 1;  // the creation time changed: the check value no longer matches
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, flipped, hbc) == k_hr_unknown_expiry_token_format);
    // 179 days later the token is still good; 181 days later it has expired.
    fx.change([](sim::WorldState& w) { w.clock_offset = 179 * 86400; });
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, token, hbc) == k_hr_none);
    fx.change([](sim::WorldState& w) { w.clock_offset = 181 * 86400; });
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, token, hbc) == k_hr_contents_expired);
    // The lifetime is the one recorded at backup time, not today's.
    fx.change([](sim::WorldState& w) { w.tombstone_lifetime = 365 * 86400; });
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, token, hbc) == k_hr_contents_expired);
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, sim::make_expiry_token(std::time(nullptr) + 181 * 86400, 60 * 86400), hbc) ==
          k_hr_none);
  }

  TEST_CASE("without a token the context only allows GetDatabaseLocations and End") {
    SimFixture fx;
    fx.token_then_dsrm();
    Hbc hbc;
    REQUIRE(fx.api->restore_prepare("DC01", k_restore_type_catchup, std::nullopt, hbc) == k_hr_none);
    BftList loc;
    ApiBuffer buf;
    CHECK(fx.api->restore_get_database_locations(hbc, loc, buf) == k_hr_none);
    fx.api->backup_free(buf);
    CHECK(fx.register_default(hbc) == k_hr_missing_expiry_token);
    CHECK(fx.api->restore_end(hbc) == k_hr_none);
  }

  TEST_CASE("DsRestoreGetDatabaseLocations reports the configured locations with their BFT codes") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc hbc = fx.prepare_restore(token);
    BftList loc;
    ApiBuffer buf;
    REQUIRE(fx.api->restore_get_database_locations(hbc, loc, buf) == k_hr_none);
    fx.api->backup_free(buf);
    REQUIRE(loc.size() == 3);
    CHECK(loc[0] == BftEntry{k_bft_ntds_database, "C:\\Windows\\NTDS\\ntds.dit"});
    CHECK(loc[1] == BftEntry{k_bft_log_dir, "C:\\Windows\\NTDS"});
    CHECK(loc[2] == BftEntry{k_bft_checkpoint_dir, "C:\\Windows\\NTDS"});
    fx.change([](sim::WorldState& w) {
      w.locations = sim::NtdsPaths{WinPath::parse("E:\\NTDS\\ntds.dit").value(), WinPath::parse("F:\\Logs").value(), std::nullopt};
    });
    REQUIRE(fx.api->restore_get_database_locations(hbc, loc, buf) == k_hr_none);
    fx.api->backup_free(buf);
    REQUIRE(loc.size() == 2);
    CHECK(loc[0].path == "E:\\NTDS\\ntds.dit");
    CHECK(loc[1] == BftEntry{k_bft_log_dir, "F:\\Logs"});
  }

  TEST_CASE("with uncPaths the DC reports \\\\DC01\\C$ paths and refuses their local form in DsRestoreRegister") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    fx.change([](sim::WorldState& w) { w.unc_paths = true; });
    const Hbc hbc = fx.prepare_restore(token);
    BftList loc;
    ApiBuffer buf;
    REQUIRE(fx.api->restore_get_database_locations(hbc, loc, buf) == k_hr_none);
    fx.api->backup_free(buf);
    REQUIRE(loc.size() == 3);
    CHECK(loc[0] == BftEntry{k_bft_ntds_database, "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"});
    CHECK(loc[1] == BftEntry{k_bft_log_dir, "\\\\DC01\\C$\\Windows\\NTDS"});
    const HResult bad(k_error_invalid_parameter);
    // The local form of a reported directory, in any of the three path arguments, is refused.
    CHECK(fx.register_default(hbc) == bad);
    CHECK(fx.records().back().outputs.at("why") == "local-form-of-reported-path");
    const std::string unc = "\\\\DC01\\C$\\Windows\\NTDS";
    CHECK(fx.api->restore_register(hbc, unc, unc, {}, "c:\\windows\\ntds", 1, 3) == bad);
    // So is the local form of the reported DIT as the restore map's target.
    CHECK(fx.api->restore_register(hbc, unc, unc, {{"C:\\Windows\\NTDS\\ntds.dit", "C:\\Windows\\NTDS\\ntds.dit"}}, unc,
                                   1, 3) == bad);
    CHECK_FALSE(fx.state().restore_in_progress.has_value());
    // A drive path the DC never reported (a plan's own folder) is accepted; the paths as given are too.
    REQUIRE(fx.api->restore_register(hbc, unc, "E:\\Logs", {{"C:\\Windows\\NTDS\\ntds.dit", unc + "\\ntds.dit"}}, unc,
                                     1, 3) == k_hr_none);
    const sim::WorldState w = fx.state();
    REQUIRE(w.restore_in_progress.has_value());
    CHECK(w.restore_in_progress->checkpoint_file_path.str() == "C:\\Windows\\NTDS");
    CHECK(w.restore_in_progress->restore_map[0].to == unc + "\\ntds.dit");
    // A context that was never given the locations (their call failed: the fallback to the
    // backed-up folders) may name them by drive letter.
    REQUIRE(fx.api->restore_register_complete(hbc, k_hr_none) == k_hr_none);
    const Hbc other = fx.prepare_restore(token);
    CHECK(fx.register_default(other) == k_hr_none);
  }

  TEST_CASE("extraLocations adds entries with other BFT codes to the DsRestoreGetDatabaseLocations reply") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    fx.change([](sim::WorldState& w) { w.extra_locations = {{0x22, "C:\\Windows\\NTDS\\Other"}}; });
    const Hbc hbc = fx.prepare_restore(token);
    BftList loc;
    ApiBuffer buf;
    REQUIRE(fx.api->restore_get_database_locations(hbc, loc, buf) == k_hr_none);
    fx.api->backup_free(buf);
    REQUIRE(loc.size() == 4);
    CHECK(loc[3] == BftEntry{0x22, "C:\\Windows\\NTDS\\Other"});
    // world.json keeps the option.
    auto again = sim::World::open(fx.dir());
    REQUIRE(again.is_ok());
    auto snap = (*again)->snapshot();
    REQUIRE(snap.is_ok());
    REQUIRE(snap->extra_locations.size() == 1);
    CHECK(snap->extra_locations[0].bft == 0x22);
  }

  TEST_CASE("DsRestoreRegister checks its parameters") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc hbc = fx.prepare_restore(token);
    const HResult bad(k_error_invalid_parameter);
    CHECK(fx.api->restore_register(hbc, "", "C:\\NTDS", {}, "C:\\NTDS", 1, 3) == bad);
    CHECK(fx.api->restore_register(hbc, "C:\\NTDS", "", {}, "C:\\NTDS", 1, 3) == bad);
    CHECK(fx.api->restore_register(hbc, "C:\\NTDS", "C:\\NTDS", {}, "", 1, 3) == bad);
    CHECK(fx.api->restore_register(hbc, "NTDS", "C:\\NTDS", {}, "C:\\NTDS", 1, 3) == bad);
    CHECK(fx.register_default(hbc, 4, 3) == bad);
    CHECK(fx.register_default(hbc, 1, 0x100000) == bad);
    CHECK(fx.api->restore_register(hbc, "C:\\NTDS", "C:\\NTDS", {{"", "x"}}, "C:\\NTDS", 1, 3) == bad);
    CHECK_FALSE(fx.state().restore_in_progress.has_value());
    CHECK(fx.register_default(hbc, 0, 0xFFFFF) == k_hr_none);
  }

  TEST_CASE("DsRestoreRegister writes the Restore in Progress values and takes the interlock") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc a = fx.prepare_restore(token);
    const Hbc b = fx.prepare_restore(token);
    REQUIRE(fx.api->restore_register(a, "C:\\Windows\\NTDS", "D:\\Logs", {{"C:\\Windows\\NTDS\\ntds.dit", "E:\\NTDS\\ntds.dit"}},
                                     "D:\\Restored", 1, 3) == k_hr_none);
    const sim::WorldState w = fx.state();
    REQUIRE(w.restore_in_progress.has_value());
    CHECK(w.restore_in_progress->checkpoint_file_path.str() == "C:\\Windows\\NTDS");
    CHECK(w.restore_in_progress->log_path.str() == "D:\\Logs");
    CHECK(w.restore_in_progress->backup_log_path.str() == "D:\\Restored");
    CHECK(w.restore_in_progress->low_log == 1);
    CHECK(w.restore_in_progress->high_log == 3);
    REQUIRE(w.restore_in_progress->restore_map.size() == 1);
    CHECK(w.restore_in_progress->restore_map[0].to == "E:\\NTDS\\ntds.dit");
    CHECK_FALSE(w.restore_in_progress->restore_state.has_value());
    CHECK(w.interlock == a.value);
    // A second restore from another live context is refused while the first holds it.
    CHECK(fx.register_default(b) == k_hr_restore_in_progress);
    CHECK(fx.register_default(a) == k_hr_restore_in_progress);
    // RegisterComplete records the state and ends the interlock.
    REQUIRE(fx.api->restore_register_complete(a, k_hr_none) == k_hr_none);
    CHECK(fx.state().restore_in_progress->restore_state == k_hr_none);
    CHECK_FALSE(fx.state().interlock.has_value());
    CHECK(fx.register_default(b) == k_hr_none);
    CHECK(fx.records().back().outputs.count("replaced-registration") == 1);
  }

  TEST_CASE("DsRestoreEnd releases the interlock but the registry values stay, pending") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc a = fx.prepare_restore(token);
    REQUIRE(fx.register_default(a) == k_hr_none);
    REQUIRE(fx.api->restore_end(a) == k_hr_none);
    const sim::WorldState w = fx.state();
    CHECK_FALSE(w.interlock.has_value());
    REQUIRE(w.restore_in_progress.has_value());
    CHECK_FALSE(w.restore_in_progress->restore_state.has_value());
    CHECK(fx.api->restore_register_complete(a, k_hr_none) == k_hr_invalid_handle);
  }

  TEST_CASE("DsRestoreRegisterComplete needs a registration by the same context, once, and records failures") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc a = fx.prepare_restore(token);
    CHECK(fx.api->restore_register_complete(a, k_hr_none) == k_hr_invalid_param);
    REQUIRE(fx.register_default(a) == k_hr_none);
    const Hbc other = fx.prepare_restore(token);
    CHECK(fx.api->restore_register_complete(other, k_hr_none) == k_hr_invalid_param);
    REQUIRE(fx.api->restore_register_complete(a, hresult_from_win32(k_error_disk_full)) == k_hr_none);
    CHECK(fx.api->restore_register_complete(a, k_hr_none) == k_hr_invalid_param);
    CHECK(fx.state().restore_in_progress->restore_state == HResult(0x80070070));
    CHECK(fx.records().back().outputs.at("why") == "already-completed");
  }

  TEST_CASE("calls.log records the restore sequence in order with its results") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    bool online = true;
    REQUIRE(fx.api->is_ntds_online("DC01", online) == k_hr_none);
    const Hbc hbc = fx.prepare_restore(token);
    BftList loc;
    ApiBuffer buf;
    REQUIRE(fx.api->restore_get_database_locations(hbc, loc, buf) == k_hr_none);
    fx.api->backup_free(buf);
    REQUIRE(fx.register_default(hbc) == k_hr_none);
    REQUIRE(fx.api->restore_register_complete(hbc, k_hr_none) == k_hr_none);
    REQUIRE(fx.api->restore_end(hbc) == k_hr_none);
    std::vector<std::string> calls = fx.calls();
    calls.erase(calls.begin(), calls.begin() + 3);  // the backup that made the token
    CHECK(calls == std::vector<std::string>{"DsIsNTDSOnline", "DsRestorePrepare", "DsRestoreGetDatabaseLocations", "DsBackupFree",
                                            "DsRestoreRegister", "DsRestoreRegisterComplete", "DsRestoreEnd"});
    for (const sim::CallRecord& r : fx.records()) CHECK_MESSAGE(r.hresult == k_hr_none, r.line);
  }

  TEST_CASE("DsSetAuthIdentity records the user, never the password") {
    SimFixture fx;
    CHECK(fx.api->set_auth_identity("Administrator", "DC01", "s3cret-Pa55") == k_hr_none);
    const sim::WorldState w = fx.state();
    REQUIRE(w.auth_identity.has_value());
    CHECK(w.auth_identity->user == "Administrator");
    CHECK(testing::read_file(fx.tmp / "world" / "world.json").find("s3cret") == std::string::npos);
    CHECK(testing::read_file(fx.tmp / "world" / "calls.log").find("s3cret") == std::string::npos);
    CHECK(fx.records().back().args.at("password") == "set");
  }
}

TEST_SUITE("sim") {
  TEST_CASE("hostile arguments get ERROR_INVALID_PARAMETER and never reach world.json") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc hbc = fx.prepare_restore(token);
    const std::string bad_utf8 = "C:\\NTDS\\\xff\xfe";
    const HResult bad(k_error_invalid_parameter);
    CHECK(fx.api->restore_register(hbc, bad_utf8, "C:\\NTDS", {}, "C:\\NTDS", 1, 3) == bad);
    CHECK(fx.api->restore_register(hbc, "C:\\NTDS", "C:\\NTDS", {{"C:\\a.dit", bad_utf8}}, "C:\\NTDS", 1, 3) == bad);
    const std::vector<RestoreMapEntry> big_map(17, RestoreMapEntry{"C:\\a.dit", "D:\\a.dit"});
    CHECK(fx.api->restore_register(hbc, "C:\\NTDS", "C:\\NTDS", big_map, "C:\\NTDS", 1, 3) == bad);
    CHECK(fx.api->set_auth_identity(std::string(300, 'u'), "DC01", "pw") == bad);
    CHECK(fx.api->set_auth_identity("Administrator", "\xc3", "pw") == bad);
    bool online = false;
    CHECK(fx.api->is_ntds_online("\xff", online) == bad);
    // calls.log stays UTF-8: the bad bytes are escaped.
    const std::string log = testing::read_file(fx.tmp / "world" / "calls.log");
    CHECK(log.find("\xff") == std::string::npos);
    CHECK(log.find("%FF%FE") != std::string::npos);
    CHECK(fx.world->snapshot().is_ok());
  }

  TEST_CASE("a DC out of contexts or buffers answers ERROR_NOT_ENOUGH_MEMORY") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    fx.change([](sim::WorldState& w) {
      const sim::Owner me{sim::current_process().pid, sim::current_process().nonce, w.boot_count};
      for (std::size_t i = 0; i < sim::k_max_open_contexts; ++i) {
        sim::Context c;
        c.id = w.next_id++;
        c.kind = sim::ContextKind::restore_limited;
        c.owner = me;
        w.contexts.push_back(c);
      }
    });
    Hbc hbc;
    CHECK(fx.api->restore_prepare("DC01", k_restore_type_catchup, token, hbc) == HResult(k_error_not_enough_memory));
    const Hbc one{fx.state().contexts.back().id};
    fx.change([](sim::WorldState& w) {
      const sim::Owner me{sim::current_process().pid, sim::current_process().nonce, w.boot_count};
      for (std::size_t i = 0; i < sim::k_max_buffers; ++i) w.buffers.push_back({w.next_id++, "DsBackupGetDatabaseNames", 10, me});
    });
    BftList loc;
    ApiBuffer buf;
    CHECK(fx.api->restore_get_database_locations(one, loc, buf) == HResult(k_error_not_enough_memory));
    CHECK(buf.is_null());
  }
}
