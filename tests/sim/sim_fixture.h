// A small simulated DC in a temporary directory, for the ntds, sim, host and backup tests.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ntds/hresult_doctest.h"
#include "sim/sim_api.h"
#include "sim/sim_host.h"
#include "sim/world.h"
#include "sim/world_init.h"
#include "support.h"

namespace adrestore::testing {

inline sim::WorldOptions small_world_options() {
  sim::WorldOptions o;
  o.dc = "DC01.corp.example.com";
  o.database_size = 96 * 1024;  // 96 KiB: several reads of 32 KiB
  o.logs = 3;
  o.log_size = 16 * 1024;
  return o;
}

class SimFixture {
 public:
  explicit SimFixture(const sim::WorldOptions& o = small_world_options()) {
    auto w = sim::create_world((tmp / "world").string(), o);
    REQUIRE_MESSAGE(w.is_ok(), w.status().message());
    world = *w;
    api = std::make_unique<sim::SimApi>(world);
    host = std::make_unique<sim::SimHost>(world);
  }

  std::string dir() const { return (tmp / "world").string(); }

  sim::WorldState state() {
    auto s = world->snapshot();
    REQUIRE_MESSAGE(s.is_ok(), s.status().message());
    return *s;
  }

  void change(const std::function<void(sim::WorldState&)>& fn) {
    Status s = world->update([&](sim::Transaction& tx) {
      fn(tx.state());
      return Status::ok();
    });
    REQUIRE_MESSAGE(s.is_ok(), s.message());
  }

  std::vector<sim::CallRecord> records() {
    auto r = world->calls();
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    return *r;
  }

  std::vector<std::string> calls() { return sim::call_names(records()); }

  // A full backup context with the token; frees the token buffer.
  ntds::Hbc prepare_backup(ntds::ExpiryToken* token = nullptr) {
    ntds::ExpiryToken t;
    ntds::ApiBuffer buf;
    ntds::Hbc hbc;
    REQUIRE(api->backup_prepare("DC01", 0, ntds::k_backup_type_full, t, buf, hbc) == ntds::k_hr_none);
    api->backup_free(buf);
    if (token) *token = t;
    return hbc;
  }

  // Takes a token as a backup would (AD DS online), then turns the DC into one booted in
  // DSRM with AD DS offline, ready for a restore.
  ntds::ExpiryToken token_then_dsrm() {
    ntds::ExpiryToken token;
    const ntds::Hbc hbc = prepare_backup(&token);
    REQUIRE(api->backup_end(hbc) == ntds::k_hr_none);
    change([](sim::WorldState& w) {
      w.ntds_online = false;
      w.dsrm = true;
    });
    return token;
  }

  ntds::Hbc prepare_restore(const ntds::ExpiryToken& token) {
    ntds::Hbc hbc;
    REQUIRE(api->restore_prepare("DC01", ntds::k_restore_type_catchup, token, hbc) == ntds::k_hr_none);
    return hbc;
  }

  ntds::HResult register_default(ntds::Hbc hbc, std::uint32_t low = 1, std::uint32_t high = 3) {
    return api->restore_register(hbc, "C:\\Windows\\NTDS", "C:\\Windows\\NTDS", {}, "C:\\Windows\\NTDS", low, high);
  }

  TempDir tmp;
  std::shared_ptr<sim::World> world;
  std::unique_ptr<sim::SimApi> api;
  std::unique_ptr<sim::SimHost> host;
};

}  // namespace adrestore::testing
