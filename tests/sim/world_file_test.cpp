#include <doctest/doctest.h>

#include <fstream>

#include "base/embedded.h"
#include "input/schema_check.h"
#include "sim/world.h"
#include "sim/world_state.h"
#include "sim_fixture.h"

using namespace adrestore;
using namespace adrestore::sim;

namespace {

std::string minimal_world() {
  return R"({
  "format": "adrestore-sim-world/1",
  "dc": "DC01",
  "ntds": {"database": "C:\\Windows\\NTDS\\ntds.dit", "logs": "C:\\Windows\\NTDS", "checkpoint": "C:\\Windows\\NTDS"}
}
)";
}

std::string error_of(const std::string& text) {
  auto r = parse_world_text(text, "world.json");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == Code::invalid_input);
  return r.status().message();
}

bool has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("message was: " << text);
  return false;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("the built-in world schemas load") {
    for (const char* name : {"schema/world.schema.json", "schema/world-options.schema.json"}) {
      auto c = input::SchemaChecker::create(embedded_file(name));
      CHECK_MESSAGE(c.is_ok(), name << ": " << c.status().message());
    }
  }

  TEST_CASE("a minimal world file loads with defaults") {
    auto w = parse_world_text(minimal_world(), "world.json");
    REQUIRE_MESSAGE(w.is_ok(), w.status().message());
    CHECK(w->dc == "DC01");
    CHECK(w->ntds_online);
    CHECK_FALSE(w->dsrm);
    CHECK(w->tombstone_lifetime == 180 * 86400);
    CHECK(w->ntds.database->str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK_FALSE(w->locations.has_value());
  }

  TEST_CASE("a world survives a round trip through world.json") {
    testing::SimFixture fx;
    const WorldState before = fx.state();
    auto again = parse_world_text(world_to_json(before).dump(2), "world.json");
    REQUIRE_MESSAGE(again.is_ok(), again.status().message());
    CHECK(world_to_json(*again) == world_to_json(before));
  }

  TEST_CASE("garbage is refused with its position, not a crash") {
    CHECK(has(error_of("this is not json"), "world.json:1:"));
    CHECK(has(error_of("this is not json"), "not valid JSON"));
    CHECK(has(error_of("{\"format\": "), "not valid JSON"));
    CHECK(has(error_of(std::string("\xff\xfe{}", 4)), "not valid JSON"));
    CHECK(has(error_of("[1, 2]"), "a world file is a JSON object"));
    CHECK(has(error_of(""), "not valid JSON"));
  }

  TEST_CASE("wrong types are reported like plan errors, with line and column") {
    std::string text = minimal_world();
    text.replace(text.find("\"DC01\""), 6, "5");
    const std::string msg = error_of(text);
    CHECK(has(msg, "world.json:3:9: dc: expected a host name such as DC01"));
    CHECK(has(msg, "found the number 5"));

    std::string t2 = minimal_world();
    t2.insert(t2.find("\"ntds\""), "\"ntdsOnline\": \"yes\",\n  ");
    CHECK(has(error_of(t2), "ntdsOnline: expected true or false"));
  }

  TEST_CASE("unknown keys are refused with a suggestion") {
    std::string text = minimal_world();
    text.insert(text.find("\"ntds\""), "\"dsrn\": true,\n  ");
    const std::string msg = error_of(text);
    CHECK(has(msg, "unknown field 'dsrn'; did you mean 'dsrm'?"));
  }

  TEST_CASE("required fields, the format version and bad paths are reported") {
    CHECK(has(error_of(R"({"format": "adrestore-sim-world/1", "dc": "DC01"})"), "required field 'ntds' is missing"));
    std::string v2 = minimal_world();
    v2.replace(v2.find("world/1"), 7, "world/2");
    CHECK(has(error_of(v2), "format: expected adrestore-sim-world/1"));
    std::string bad_path = minimal_world();
    bad_path.replace(bad_path.find("C:\\\\Windows\\\\NTDS\\\\ntds.dit"), 27, "C:\\\\Windows\\\\..\\\\ntds.dit");
    CHECK(has(error_of(bad_path), "ntds.database"));
  }

  TEST_CASE("an oversized world file is refused before parsing") {
    std::string big = minimal_world();
    big.insert(big.size() - 3, ",\n  \"invocationId\": \"" + std::string(k_max_world_bytes, 'x') + "\"");
    CHECK(has(error_of(big), "at most 1.0 MiB"));
  }

  TEST_CASE("faults are checked: one kind each, known HRESULTs, known calls") {
    auto with_faults = [](const std::string& faults) {
      std::string t = minimal_world();
      t.insert(t.rfind('}'), ",\n  \"faults\": " + faults + "\n");
      return t;
    };
    CHECK(has(error_of(with_faults(R"([{"call": "DsRestorePrepare", "hresult": "hrCouldNotConect"}])")),
              "did you mean 'hrCouldNotConnect'"));
    CHECK(has(error_of(with_faults(R"([{"call": "DsRestorPrepare", "hresult": 5}])")), "did you mean 'DsRestorePrepare'"));
    CHECK(has(error_of(with_faults(R"([{"call": "DsRestorePrepare", "hresult": 5, "crash": {"atStep": "files.copy"}}])")),
              "exactly one of"));
    CHECK(has(error_of(with_faults(R"([{"call": "DsRestorePrepare"}])")), "needs 'hresult'"));
    CHECK(has(error_of(with_faults(R"([{"call": "DsRestorePrepare", "hresult": "S_OK"}])")), "must fail the call"));
    CHECK(has(error_of(with_faults(R"([{"diskFull": {"path": "E:\\NTDS", "afterBytes": "50%"}}])")), "no total"));
    CHECK(has(error_of(with_faults(R"([{"crash": {"atStep": "files.copy", "afterBytes": "lots"}}])")), "afterBytes"));
    CHECK(has(error_of(with_faults(R"([{"corrupt": {"backupFile": "../x", "atByte": 1}}])")), "inside the backup set"));
    auto ok = parse_world_text(with_faults(R"([{"call": "DsRestorePrepare", "hresult": "0x80070005", "times": 1},
      {"crash": {"atStep": "files.copy", "afterBytes": "50%"}}, {"diskFull": {"path": "E:\\NTDS", "afterBytes": "10Mi"}},
      {"corrupt": {"backupFile": "ntds.dit", "atByte": 4096}}])"),
                               "world.json");
    REQUIRE_MESSAGE(ok.is_ok(), ok.status().message());
    CHECK(ok->faults.size() == 4);
  }

  TEST_CASE("World::open names a missing world and reports a damaged world.json") {
    testing::TempDir tmp;
    auto missing = World::open((tmp / "nope").string());
    REQUIRE_FALSE(missing.is_ok());
    CHECK(has(missing.status().message(), "adrestore sim init"));

    testing::SimFixture fx;
    testing::write_file(fx.tmp / "world" / "world.json", "{\"format\": 1}");
    auto damaged = World::open(fx.dir());
    REQUIRE_FALSE(damaged.is_ok());
    CHECK(damaged.status().code() == Code::invalid_input);
    // And an API call on the damaged world fails instead of crashing, saying why.
    bool online = true;
    CHECK(fx.api->is_ntds_online("DC01", online) == ntds::k_hr_error);
    CHECK_FALSE(online);
    CHECK(has(fx.api->last_error().message(), "format"));
  }
}
