// The built adrestore against a simulated DC whose replies are awkward (issue 13, "Safe on a
// real DC"): locations in the administrative-share UNC form a real DC reports, which
// DsRestoreRegister must get back as given; codes the locations reply should not hold; a
// database location that is no .dit, a reported folder that does not exist; and a
// DsRestoreRegister that returns S_OK without writing the Restore In Progress key.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "exec/e2e_support.h"
#include "exec/matrix_fixture.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::testing;
using namespace adrestore::testing::e2e;

namespace {

namespace fs = std::filesystem;

// Changes world.json as a hand edit would (the world is not in use).
void edit_world(const MatrixWorld& w, const std::function<void(nlohmann::json&)>& fn) {
  const fs::path file = w.world / "world.json";
  nlohmann::json j = nlohmann::json::parse(read_file(file));
  fn(j);
  write_file(file, j.dump(2));
}

// The calls of the restore run (after the fixture's backup), in order.
std::vector<sim::CallRecord> restore_records(const MatrixWorld& w) {
  const auto calls = w.calls();
  std::size_t from = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].call == "DsBackupEnd") from = i + 1;
  }
  return {calls.begin() + static_cast<std::ptrdiff_t>(from), calls.end()};
}

const sim::CallRecord* find_call(const std::vector<sim::CallRecord>& calls, const std::string& name) {
  for (const sim::CallRecord& c : calls) {
    if (c.call == name) return &c;
  }
  return nullptr;
}

std::vector<nlohmann::json> events_of(const fs::path& file) {
  std::vector<nlohmann::json> out;
  for (const std::string& line : lines_of(file)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// A run that stopped in restore.locations before DsRestoreRegister, with `why` in its message.
void check_stopped_before_register(const MatrixWorld& w, const RunResult& r, const std::string& why) {
  CHECK_MESSAGE(r.exit_code == 3, (r.out + r.err));
  CHECK_MESSAGE(r.err.find(why) != std::string::npos, r.err);
  CHECK(w.run_state().failed_step == std::optional<std::string>("restore.locations"));
  CHECK(restore_calls(w) == "DsRestorePrepare DsRestoreGetDatabaseLocations DsRestoreEnd");
  CHECK(w.destination() == w.destination_before);
}

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("a DC that reports UNC paths gets them back in DsRestoreRegister, and the restore succeeds") {
    MatrixOptions o = quick_options();
    o.world_overrides = "uncPaths: true\n";
    MatrixWorld w(o);
    const RunResult r = w.run();
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    check_restored(w);
    const auto calls = restore_records(w);
    const sim::CallRecord* reg = find_call(calls, "DsRestoreRegister");
    REQUIRE(reg != nullptr);
    CHECK(reg->hresult.ok());
    CHECK(reg->args.at("checkpoint") == "\\\\DC01\\C$\\Windows\\NTDS");
    CHECK(reg->args.at("logPath") == "\\\\DC01\\C$\\Windows\\NTDS");
    CHECK(reg->args.at("backupLogPath") == "\\\\DC01\\C$\\Windows\\NTDS");
    CHECK(reg->args.at("map0") == "C:\\Windows\\NTDS\\ntds.dit=>\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit");
    // The files themselves went through the local form.
    CHECK(w.destination().count("ntds.dit") == 1);
  }

  TEST_CASE("a plan's own destination is passed as the plan wrote it, next to the DC's UNC paths") {
    MatrixOptions o = quick_options();
    o.world_overrides = "uncPaths: true\n";
    o.plan_spec_extra = "    destinations:\n      logs: 'C:\\Restored\\Logs'\n";
    MatrixWorld w(o);
    fs::create_directories(w.host("C/Restored/Logs"));
    const RunResult r = w.run();
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    const auto calls = restore_records(w);
    const sim::CallRecord* reg = find_call(calls, "DsRestoreRegister");
    REQUIRE(reg != nullptr);
    CHECK(reg->args.at("logPath") == "C:\\Restored\\Logs");
    CHECK(reg->args.at("backupLogPath") == "C:\\Restored\\Logs");
    CHECK(reg->args.at("checkpoint") == "\\\\DC01\\C$\\Windows\\NTDS");
  }

  TEST_CASE("an unknown BFT code in the locations reply is named in a warning, the journal and the events") {
    MatrixWorld w(quick_options());
    edit_world(w, [](nlohmann::json& j) {
      j["extraLocations"] = nlohmann::json::parse(R"([{"bft": 34, "path": "C:\\Windows\\NTDS\\Elsewhere"}])");
    });
    const fs::path events = w.tmp / "events.jsonl";
    const RunResult r = w.run({"--events", events.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    const std::string named = "'C:\\Windows\\NTDS\\Elsewhere' as BFT 0x22";
    CHECK_MESSAGE(r.err.find(named) != std::string::npos, r.err);
    bool event = false;
    for (const nlohmann::json& e : events_of(events)) {
      const std::string text = e.dump();
      if (text.find(R"("type":"warning")") != std::string::npos &&
          text.find(R"("step":"restore.locations")") != std::string::npos &&
          text.find("'C:\\\\Windows\\\\NTDS\\\\Elsewhere' as BFT 0x22") != std::string::npos) {
        event = true;
      }
    }
    CHECK(event);
    auto journal = journal_now(w);
    REQUIRE(journal.has_value());
    bool noted = false;
    for (const exec::Record& rec : journal->records) {
      if (const auto* n = rec.as<exec::Note>()) noted = noted || n->text.find(named) != std::string::npos;
    }
    CHECK(noted);
    check_restored(w);
  }

  TEST_CASE("a database location that is not a .dit file stops restore.locations before DsRestoreRegister") {
    MatrixWorld w(quick_options());
    edit_world(w, [](nlohmann::json& j) {
      j["locations"] = nlohmann::json::parse(
          R"({"database": "C:\\Windows\\NTDS\\ntds.txt", "logs": "C:\\Windows\\NTDS", "checkpoint": "C:\\Windows\\NTDS"})");
    });
    const RunResult r = w.run();
    check_stopped_before_register(w, r, "C:\\Windows\\NTDS\\ntds.txt, which does not name a .dit file");
  }

  TEST_CASE("a reported folder that does not exist stops restore.locations before DsRestoreRegister") {
    MatrixWorld w(quick_options());
    edit_world(w, [](nlohmann::json& j) {
      j["locations"] = nlohmann::json::parse(
          R"({"database": "C:\\Windows\\NTDS\\ntds.dit", "logs": "C:\\Missing\\Logs", "checkpoint": "C:\\Windows\\NTDS"})");
    });
    const RunResult r = w.run();
    check_stopped_before_register(
        w, r, "the logs folder C:\\Missing\\Logs that DsRestoreGetDatabaseLocations reported does not exist");
  }

  TEST_CASE(
      "a DsRestoreRegister that leaves no Restore In Progress key fails restore.register; complete and end still run") {
    MatrixWorld w(quick_options());
    edit_world(w, [](nlohmann::json& j) { j["restoreKeyOnRegister"] = false; });
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 3, (r.out + r.err));
    CHECK_MESSAGE(r.err.find("Restore In Progress does not exist: the restore registration did not take") !=
                      std::string::npos,
                  r.err);
    CHECK(w.run_state().failed_step == std::optional<std::string>("restore.register"));
    CHECK(restore_calls(w) ==
          "DsRestorePrepare DsRestoreGetDatabaseLocations DsRestoreRegister DsRestoreRegisterComplete DsRestoreEnd");
    const auto calls = restore_records(w);
    const sim::CallRecord* complete = find_call(calls, "DsRestoreRegisterComplete");
    REQUIRE(complete != nullptr);
    CHECK(complete->hresult.ok());
    CHECK(complete->args.at("state") != "hrNone");  // the failure was reported, so AD DS stays down
    const sim::CallRecord* end = find_call(calls, "DsRestoreEnd");
    REQUIRE(end != nullptr);
    CHECK(end->hresult.ok());
    CHECK(w.destination() == w.destination_before);  // files.clear never ran
  }
}
