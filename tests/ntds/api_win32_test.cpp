// The win32 backend against replies no real DLL should give, and DLLs that are missing or
// incomplete: always an error that says what is wrong, never a crash, and every buffer the
// DLL handed out still goes back through DsBackupFree. The stand-in's faults are listed in
// tests/standin/ntdsbcli_standin.cpp.
#include <doctest/doctest.h>

#include "api_contract.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::ScopedEnv;
using adrestore::testing::Win32Contract;

namespace {

Hbc restore_context(Win32Contract& fx) {
  fx.sim.change([](sim::WorldState& w) {
    w.ntds_online = false;
    w.dsrm = true;
  });
  Hbc hbc;
  REQUIRE(fx.api().restore_prepare("DC01", k_restore_type_catchup, std::nullopt, hbc) == k_hr_none);
  return hbc;
}

}  // namespace

TEST_SUITE("ntds") {
  TEST_CASE("win32: every malformed list is refused with its reason, and the DLL's buffer is still freed") {
    const struct {
      const char* fault;
      const char* reason;
    } cases[] = {
        {"list-bad-bft", "0x4144, which is not a BFT code"},
        {"list-empty-entry", "has a BFT code but no path"},
        {"list-trailing-data", "data after the terminating NUL"},
        {"list-odd-size", "odd byte count"},
        {"list-huge-size", "more than the"},
        {"list-null", "no buffer"},
        {"list-bad-utf16", "unpaired surrogate"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.fault);
      Win32Contract fx;
      const Hbc hbc = restore_context(fx);
      ScopedEnv fault("ADRESTORE_STANDIN_FAULT", c.fault);
      BftList loc;
      ApiBuffer buf;
      CHECK(fx.api().restore_get_database_locations(hbc, loc, buf) == k_hr_error);
      CHECK(loc.empty());
      CHECK(buf.is_null());
      const std::string detail = fx.api().failure_detail();
      CHECK(detail.find("DsRestoreGetDatabaseLocationsW returned a malformed file list") == 0);
      CHECK(detail.find(c.reason) != std::string::npos);
      CHECK(fx.api().restore_end(hbc) == k_hr_none);
      CHECK(fx.api().failure_detail().empty());  // cleared by the next call
      const sim::WorldState s = fx.sim.state();
      CHECK(s.buffers.empty());
      CHECK(s.counters.invalid_frees == 0);
    }
  }

  TEST_CASE("win32: a backup's malformed name list and an oversized token are refused the same way") {
    Win32Contract fx;
    {
      ScopedEnv fault("ADRESTORE_STANDIN_FAULT", "token-huge");
      ExpiryToken token;
      ApiBuffer buf;
      Hbc hbc;
      CHECK(fx.api().backup_prepare("DC01", 0, k_backup_type_full, token, buf, hbc) == k_hr_error);
      CHECK(fx.api().failure_detail().find("expiry token of 1048576 bytes") != std::string::npos);
      CHECK(token.empty());
      CHECK(buf.is_null());
      CHECK(hbc.is_null());
    }
    sim::WorldState s = fx.sim.state();
    CHECK(s.buffers.empty());
    for (const sim::Context& c : s.contexts) CHECK(c.ended == "DsBackupEnd");  // ended by the backend
    ExpiryToken token;
    ApiBuffer token_buf;
    Hbc hbc;
    REQUIRE(fx.api().backup_prepare("DC01", 0, k_backup_type_full, token, token_buf, hbc) == k_hr_none);
    fx.api().backup_free(token_buf);
    {
      ScopedEnv fault("ADRESTORE_STANDIN_FAULT", "list-trailing-data");
      BftList names;
      ApiBuffer buf;
      CHECK(fx.api().backup_get_database_names(hbc, names, buf) == k_hr_error);
      CHECK(fx.api().failure_detail().find("DsBackupGetDatabaseNamesW returned a malformed file list") == 0);
    }
    CHECK(fx.api().backup_end(hbc) == k_hr_none);
    CHECK(fx.sim.state().buffers.empty());
  }

  TEST_CASE("win32: a read count larger than the buffer is an error, not an overrun") {
    Win32Contract fx;
    std::uint64_t size = 0;
    const Hbc hbc = testing::backup_with_database_open(fx, size);
    ScopedEnv fault("ADRESTORE_STANDIN_FAULT", "read-overrun");
    std::vector<char> buf(32768);
    std::uint32_t got = 0;
    CHECK(fx.api().backup_read(hbc, buf.data(), 32768, got) == k_hr_error);
    CHECK(got == 0);
    CHECK(fx.api().failure_detail().find("32769 bytes read into a buffer of 32768") != std::string::npos);
    CHECK(fx.api().backup_end(hbc) == k_hr_none);
  }

  TEST_CASE("win32: a DLL without one of the functions is refused at load time, naming it") {
    ScopedEnv dll(k_ntdsbcli_dll_env, testing::standin_dll("ntdsbcli_partial.dll"));
    auto load = load_win32_api();
    REQUIRE_FALSE(load.is_ok());
    CHECK(load.status().code() == Code::refused);
    CHECK(load.status().message().find("ntdsbcli_partial.dll does not export DsRestoreRegisterW:") != std::string::npos);
  }

  TEST_CASE("win32: a missing DLL is refused with the system's reason") {
    ScopedEnv dll(k_ntdsbcli_dll_env, testing::standin_dll("no-such-ntdsbcli.dll"));
    auto load = load_win32_api();
    REQUIRE_FALSE(load.is_ok());
    CHECK(load.status().code() == Code::refused);
    CHECK(load.status().message().find("cannot load the NTDS backup client") == 0);
    CHECK(load.status().message().find("(error 126)") != std::string::npos);
  }

  TEST_CASE("win32: text that is not UTF-8 is refused before the DLL is called") {
    Win32Contract fx;
    bool online = true;
    CHECK(fx.api().is_ntds_online("DC\xFF", online) == k_hr_invalid_param);
    CHECK(fx.api().failure_detail().find("the server name: text is not valid UTF-8") == 0);
    CHECK_FALSE(online);
    CHECK(fx.sim.state().counters.calls == 0);  // the simulated DC never saw the call
  }
}
