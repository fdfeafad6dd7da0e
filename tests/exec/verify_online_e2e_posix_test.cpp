// Issue 13, item 6, end to end with the built adrestore and a simulated DC: a destination
// override that differs from DsRestoreGetDatabaseLocations is announced (journal note and
// warning event), the directory's identity is journaled before the restore, and
// system.verify-online, run by `resume` after the restart into normal mode, passes only
// when AD DS really came up on the restored database.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/e2e_support.h"
#include "exec/journal.h"
#include "exec/matrix_fixture.h"
#include "support.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;
using e2e::journal_now;
using e2e::lines_of;

// Every destination on C: (the fixture's quarantine is C:\Quarantine, and quarantining is a
// rename), away from the C:\Windows\NTDS the DC reports; restart into normal mode.
MatrixOptions override_options(bool override_destinations = true) {
  MatrixOptions o = e2e::quick_options();
  if (override_destinations) {
    o.plan_spec_extra = "    destinations:\n"
                        "      database: 'C:\\NTDS-Restored'\n"
                        "      logs: 'C:\\NTDS-Restored'\n"
                        "      checkpoint: 'C:\\NTDS-Restored'\n";
  }
  o.plan_spec_extra += "  afterRestore:\n"
                       "    restart: normal-mode\n";
  return o;
}

std::vector<std::string> warning_notes(const exec::JournalContents& j) {
  std::vector<std::string> out;
  for (const exec::Record& r : j.records) {
    if (const auto* n = r.as<exec::Note>(); n && n->level == exec::NoteLevel::warning) out.push_back(n->text);
  }
  return out;
}

std::string verify_online_message(const exec::JournalContents& j) {
  std::string msg;
  for (const exec::Record& r : j.records) {
    const auto* f = r.as<exec::StepFinished>();
    if (f && f->step == "system.verify-online") msg = std::string(exec::to_string(f->outcome)) + ": " + f->message;
  }
  return msg;
}

// Runs the plan (which ends with the restart), then resumes: the post-restart check.
exec::JournalContents run_then_resume(MatrixWorld& w, int expected_resume_exit, std::string* resume_err = nullptr) {
  const RunResult r = w.run();
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const RunResult again = w.resume();
  CHECK_MESSAGE(again.exit_code == expected_resume_exit, (again.out + again.err));
  if (resume_err) *resume_err = again.out + again.err;
  auto j = journal_now(w);
  REQUIRE(j.has_value());
  return std::move(*j);
}

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE(
      "an override that differs from the DC's report is a journal warning and a warning event naming the restore map") {
    MatrixWorld w(override_options());
    const fs::path events = w.tmp / "events.jsonl";
    const RunResult r = w.run({"--events", events.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto j = journal_now(w);
    REQUIRE(j.has_value());
    const std::vector<std::string> notes = warning_notes(*j);
    REQUIRE(notes.size() == 3);  // database, logs and checkpoint all moved away from C:\Windows\NTDS
    CHECK(notes[0].find(
              "spec.restore.destinations.database is C:\\NTDS-Restored, but the DC reported C:\\Windows\\NTDS") == 0);
    CHECK(notes[0].find("restore map (DsRestoreRegister's rgrstmap)") != std::string::npos);
    CHECK(notes[0].find("only the simulator verifies") != std::string::npos);
    int warnings = 0;
    for (const std::string& line : lines_of(events)) {
      const nlohmann::json ev = nlohmann::json::parse(line);
      if (ev.at("type") != "warning") continue;
      ++warnings;
      CHECK(ev.at("step") == "restore.locations");
      CHECK(ev.dump().find("DsRestoreRegister") != std::string::npos);
    }
    CHECK(warnings == 3);
    // The identity before the restore is journaled once, before DsRestoreRegister's step.
    std::size_t identities = 0;
    for (const exec::Record& rec : j->records) {
      if (const auto* id = rec.as<exec::DirectoryIdentityRecord>()) {
        ++identities;
        CHECK(id->database == "C:\\Windows\\NTDS\\ntds.dit");
        CHECK(id->restore_count == std::optional<std::uint64_t>(0));
        CHECK(id->invocation_id.has_value());
      }
    }
    CHECK(identities == 1);
  }

  TEST_CASE("without overrides no override warning is journaled") {
    MatrixWorld w(override_options(false));
    const RunResult r = w.run();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto j = journal_now(w);
    REQUIRE(j.has_value());
    CHECK(warning_notes(*j).empty());
  }

  TEST_CASE("verify-online after a real simulated restart: the restored database, a new invocation id, count +1, event "
            "1109") {
    MatrixWorld w(override_options());
    const exec::JournalContents j = run_then_resume(w, 0);
    const std::string msg = verify_online_message(j);
    CHECK(msg.find("succeeded: AD DS is online; verified: database C:\\NTDS-Restored\\ntds.dit") == 0);
    CHECK(msg.find("invocation ID ") != std::string::npos);
    CHECK(msg.find("restore count 0 -> 1") != std::string::npos);
    CHECK(msg.find("event 1109 logged") != std::string::npos);
    CHECK(msg.find("not checked") == std::string::npos);
  }

  TEST_CASE("verify-online fails loudly when AD DS comes up on the old database (the restore map was ignored)") {
    MatrixWorld w(override_options());
    w.add_faults(nlohmann::json::array({{{"boot", {{"skip", "restoreMap"}}}}}));
    std::string out;
    const exec::JournalContents j = run_then_resume(w, 3, &out);
    const std::string msg = verify_online_message(j);
    CHECK(msg.find("failed: AD DS is online but not on the restored database: AD DS opened the database "
                   "C:\\Windows\\NTDS\\ntds.dit, not the restored C:\\NTDS-Restored\\ntds.dit") == 0);
    CHECK(msg.find("Do not let this DC replicate") != std::string::npos);
    CHECK(out.find("AD DS opened the database") != std::string::npos);
  }

  TEST_CASE("verify-online fails when the invocation id did not change") {
    MatrixWorld w(override_options(false));
    w.add_faults(nlohmann::json::array({{{"boot", {{"skip", "invocationId"}}}}}));
    const std::string msg = verify_online_message(run_then_resume(w, 3));
    CHECK(msg.find("failed: AD DS is online but not on the restored database: the DSA invocation ID is still ") == 0);
    CHECK(msg.find("USN rollback") != std::string::npos);
  }

  TEST_CASE("verify-online fails when the restore count did not go up by one") {
    MatrixWorld w(override_options(false));
    w.add_faults(nlohmann::json::array({{{"boot", {{"skip", "restoreCount"}}}}}));
    const std::string msg = verify_online_message(run_then_resume(w, 3));
    CHECK(msg.find("DSA Previous Restore Count is 0, not 1 (0 before the restore, plus one)") != std::string::npos);
    CHECK(msg.find("failed: ") == 0);
  }

  TEST_CASE("verify-online fails when no event 1109 was logged") {
    MatrixWorld w(override_options(false));
    w.add_faults(nlohmann::json::array({{{"boot", {{"skip", "event1109"}}}}}));
    const std::string msg = verify_online_message(run_then_resume(w, 3));
    CHECK(msg.find("the Directory Service log has no event 1109 (invocation ID changed after a restore) since ") !=
          std::string::npos);
    CHECK(msg.find("failed: ") == 0);
  }
}

}  // namespace adrestore::testing
