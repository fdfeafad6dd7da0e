// The backends of the Api contract (api_contract_test.cpp). Each owns a simulated DC
// (SimFixture `sim`, for setting the DC up and reading its side) and exposes the backend
// under test as api().
#pragma once

#include <cstdint>
#include <memory>

#include "../sim/sim_fixture.h"
#include "ntds/api.h"

#ifdef _WIN32
#include <optional>
#include <string>

#include "ntds/api_win32.h"
#endif

namespace adrestore::testing {

// The simulator itself.
struct SimContract {
  explicit SimContract(const sim::WorldOptions& o = small_world_options()) : sim(o) {}
  ntds::Api& api() { return *sim.api; }
  SimFixture sim;
};

#ifdef _WIN32
// Sets an environment variable for the process (the OS block, which the stand-in DLL and
// the backend read) and puts the old value back when destroyed, so later tests and the
// processes they start never see it.
class ScopedEnv {
 public:
  ScopedEnv(const std::string& name, const std::string& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::wstring m_name;
  std::optional<std::wstring> m_old;
};

// The full path of a stand-in DLL built next to the test executable (ntdsbcli_standin.dll,
// ntdsbcli_partial.dll).
std::string standin_dll(const std::string& file_name);

// The win32 backend, loading the stand-in ntdsbcli.dll that serves `sim`'s world.
struct Win32Contract {
  explicit Win32Contract(const sim::WorldOptions& o = small_world_options());
  ntds::Api& api() { return *backend; }
  SimFixture sim;
  ScopedEnv world_env;
  ScopedEnv dll_env;
  std::unique_ptr<ntds::Api> backend;
};
#endif

// A backup context with the DC's database open for reading (its size in `size`); the token
// and the name list are already freed.
template <class F>
ntds::Hbc backup_with_database_open(F& fx, std::uint64_t& size, std::uint32_t read_hint = 32768) {
  ntds::ExpiryToken token;
  ntds::ApiBuffer token_buf;
  ntds::Hbc hbc;
  REQUIRE(fx.api().backup_prepare("DC01", 0, ntds::k_backup_type_full, token, token_buf, hbc) == ntds::k_hr_none);
  fx.api().backup_free(token_buf);
  ntds::BftList names;
  ntds::ApiBuffer names_buf;
  REQUIRE(fx.api().backup_get_database_names(hbc, names, names_buf) == ntds::k_hr_none);
  fx.api().backup_free(names_buf);
  REQUIRE(fx.api().backup_open_file(hbc, names.at(0).path, read_hint, size) == ntds::k_hr_none);
  return hbc;
}

// DsRestoreGetDatabaseLocations on `hbc`, required to succeed; the buffer is freed.
template <class F>
ntds::BftList restore_locations(F& fx, ntds::Hbc hbc) {
  ntds::BftList loc;
  ntds::ApiBuffer loc_buf;
  REQUIRE(fx.api().restore_get_database_locations(hbc, loc, loc_buf) == ntds::k_hr_none);
  fx.api().backup_free(loc_buf);
  return loc;
}

}  // namespace adrestore::testing
