#include <doctest/doctest.h>

#include <filesystem>

#include "sim/sim_disks.h"
#include "sim_fixture.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::SimFixture;

namespace {

sim::Fault call_fault(Call call, HResult hr, std::optional<std::uint64_t> times = std::nullopt, std::uint64_t after = 0) {
  sim::CallFault c;
  c.call = call;
  c.hresult = hr;
  c.times = times;
  c.after = after;
  return sim::Fault{c};
}

sim::Fault parse_fault(const std::string& json) {
  auto f = sim::fault_from_json(nlohmann::json::parse(json), "faults[0]");
  REQUIRE_MESSAGE(f.is_ok(), f.status().message());
  return *f;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("a call fault fails the call with its HRESULT, every time by default") {
    SimFixture fx;
    REQUIRE(fx.world->add_faults({call_fault(Call::is_ntds_online, k_hr_could_not_connect)}).is_ok());
    bool online = true;
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_could_not_connect);
    CHECK_FALSE(online);
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_could_not_connect);
    const auto recs = fx.records();
    CHECK(recs.back().injected);
    CHECK(recs.back().line.find("-> hrCouldNotConnect (0xC7FF0007) fault") != std::string::npos);
  }

  TEST_CASE("times limits a call fault, and after lets calls through first") {
    SimFixture fx;
    REQUIRE(fx.world->add_faults({call_fault(Call::is_ntds_online, k_hr_could_not_connect, 1, 2)}).is_ok());
    bool online = false;
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_none);
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_none);
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_could_not_connect);
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_none);
    const sim::WorldState state = fx.state();  // a copy: state() returns a temporary
    const auto& f = std::get<sim::CallFault>(state.faults[0].kind);
    CHECK(f.seen == 4);
    CHECK(f.fired == 1);
  }

  TEST_CASE("a failed call changes nothing in the world") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    const Hbc hbc = fx.prepare_restore(token);
    REQUIRE(fx.world->add_faults({call_fault(Call::restore_register, HResult(k_rpc_s_server_unavailable), 1)}).is_ok());
    CHECK(fx.register_default(hbc) == HResult(1722));
    CHECK_FALSE(fx.state().restore_in_progress.has_value());
    CHECK(fx.register_default(hbc) == k_hr_none);
  }

  TEST_CASE("raw and HRESULT_FROM_WIN32-wrapped Win32 errors are both expressible") {
    SimFixture fx;
    const std::vector<sim::Fault> faults = {
        parse_fault(R"({"call": "DsIsNTDSOnline", "hresult": "ERROR_ACCESS_DENIED", "times": 1})"),
        parse_fault(R"({"call": "DsIsNTDSOnline", "hresult": "0x80070005", "times": 1, "after": 1})"),
        parse_fault(R"({"call": "DsIsNTDSOnline", "hresult": 5, "times": 1, "after": 2})"),
        parse_fault(R"j({"call": "DsIsNTDSOnline", "hresult": "HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)", "times": 1, "after": 3})j")};
    REQUIRE(fx.world->add_faults(faults).is_ok());
    bool online = false;
    CHECK(fx.api->is_ntds_online("DC01", online) == HResult(5));
    CHECK(fx.api->is_ntds_online("DC01", online) == HResult(0x80070005));
    CHECK(fx.api->is_ntds_online("DC01", online) == HResult(5));
    CHECK(fx.api->is_ntds_online("DC01", online) == HResult(0x80070005));
    CHECK(fx.api->is_ntds_online("DC01", online) == k_hr_none);
  }

  TEST_CASE("a fault written by name keeps its name when the world is saved") {
    SimFixture fx;
    REQUIRE(fx.world->add_faults({parse_fault(R"({"call": "DsRestoreEnd", "hresult": "hrCouldNotConnect"})")}).is_ok());
    CHECK(testing::read_file(fx.tmp / "world" / "world.json").find("\"hresult\": \"hrCouldNotConnect\"") != std::string::npos);
  }

  TEST_CASE("a crash fault is handed to its step once, with its byte count") {
    SimFixture fx;
    REQUIRE(fx.world->add_faults({parse_fault(R"({"crash": {"atStep": "files.copy", "afterBytes": "50%"}})"),
                                  parse_fault(R"({"crash": {"atStep": "restore.register"}})")})
              .is_ok());
    auto none = fx.world->take_crash_fault("files.clear");
    REQUIRE(none.is_ok());
    CHECK_FALSE(none->has_value());
    auto taken = fx.world->take_crash_fault("files.copy");
    REQUIRE(taken.is_ok());
    REQUIRE(taken->has_value());
    CHECK((*taken)->at_step == "files.copy");
    CHECK((*taken)->after_bytes.resolve(1000) == 500);
    CHECK((*taken)->after_bytes.resolve(0) == 0);
    // Taken durably: the resumed run (another process, another World) does not crash again.
    auto world2 = sim::World::open(fx.dir());
    REQUIRE(world2.is_ok());
    auto again = (*world2)->take_crash_fault("files.copy");
    CHECK_FALSE(again->has_value());
    auto reg = (*world2)->take_crash_fault("restore.register");
    REQUIRE(reg->has_value());
    CHECK((*reg)->after_bytes.resolve(12345) == 0);
  }

  TEST_CASE("byte counts read plain numbers, sizes and percentages") {
    CHECK(sim::ByteCount::from_json(4096)->resolve(10) == 4096);
    CHECK(sim::ByteCount::from_json("10Mi")->resolve(0) == 10u << 20);
    CHECK(sim::ByteCount::from_json("12.5%")->resolve(800) == 100);
    CHECK(sim::ByteCount::from_json("12.5%")->to_json() == "12.5%");
    CHECK(sim::ByteCount::from_json("100%")->resolve(7) == 7);
    CHECK_FALSE(sim::ByteCount::from_json("101%").is_ok());
    CHECK_FALSE(sim::ByteCount::from_json("-1").is_ok());
    CHECK_FALSE(sim::ByteCount::from_json(-1).is_ok());
    CHECK_FALSE(sim::ByteCount::from_json(true).is_ok());
  }

  TEST_CASE("a diskFull fault fails writes under its path past the byte count") {
    SimFixture fx;
    REQUIRE(fx.world->add_faults({parse_fault(R"({"diskFull": {"path": "E:\\NTDS", "afterBytes": 10000}})")}).is_ok());
    sim::SimDisks disks(fx.dir());
    fx.world->attach_disk_faults(disks);
    const WinPath dir = *WinPath::parse("E:\\NTDS");
    REQUIRE(disks.create_dirs(dir).is_ok());
    auto f = disks.open(dir.child("ntds.dit"), platform::File::Mode::write_truncate);
    REQUIRE(f.is_ok());
    const std::string block(6000, 'x');
    CHECK((*f)->write_all(block.data(), block.size()).is_ok());
    const Status full = (*f)->write_all(block.data(), block.size());
    CHECK(full.code() == Code::no_space);
    CHECK(full.message().find("no space left on device") != std::string::npos);
    CHECK(full.message().find("E:\\NTDS\\ntds.dit") != std::string::npos);
    // Other places still have room.
    REQUIRE(disks.create_dirs(*WinPath::parse("F:\\Logs")).is_ok());
    auto other = disks.open(*WinPath::parse("F:\\Logs\\edb00001.log"), platform::File::Mode::write_truncate);
    CHECK((*other)->write_all(block.data(), block.size()).is_ok());
    const sim::WorldState state = fx.state();
    const auto& d = std::get<sim::DiskFullFault>(state.faults[0].kind);
    CHECK(d.tripped);
    CHECK(d.written == 6000);
  }

  TEST_CASE("a corrupt fault flips one byte of the named backup-set file, once") {
    SimFixture fx;
    testing::TempDir set;
    const std::string original(8192, 'a');
    set.write("ntds.dit", original);
    set.write("logs/edb00001.log", original);
    REQUIRE(fx.world->add_faults({parse_fault(R"({"corrupt": {"backupFile": "NTDS.DIT", "atByte": 4096}})"),
                                  parse_fault(R"({"corrupt": {"backupFile": "logs\\edb00001.log", "atByte": 0}})")})
              .is_ok());
    REQUIRE(fx.world->apply_corrupt_faults(set.path().string()).is_ok());
    const std::string dit = testing::read_file(set / "ntds.dit");
    CHECK(dit[4096] == static_cast<char>('a' ^ 0xFF));
    CHECK(dit.substr(0, 4096) == original.substr(0, 4096));
    CHECK(dit.substr(4097) == original.substr(4097));
    CHECK(testing::read_file(set / "logs" / "edb00001.log")[0] == static_cast<char>('a' ^ 0xFF));
    REQUIRE(fx.world->apply_corrupt_faults(set.path().string()).is_ok());  // applied already: no second flip
    CHECK(testing::read_file(set / "ntds.dit")[4096] == static_cast<char>('a' ^ 0xFF));
  }

  TEST_CASE("a corrupt fault past the end of the file or on a missing file is an error") {
    SimFixture fx;
    testing::TempDir set;
    set.write("ntds.dit", "short");
    REQUIRE(fx.world->add_faults({parse_fault(R"({"corrupt": {"backupFile": "ntds.dit", "atByte": 4096}})")}).is_ok());
    const Status s = fx.world->apply_corrupt_faults(set.path().string());
    CHECK(s.message().find("past its end") != std::string::npos);
    SimFixture fx2;
    REQUIRE(fx2.world->add_faults({parse_fault(R"({"corrupt": {"backupFile": "nope.dit", "atByte": 1}})")}).is_ok());
    CHECK(fx2.world->apply_corrupt_faults(set.path().string()).code() == Code::not_found);
  }
}
