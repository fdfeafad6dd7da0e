// End to end (issue 13, item 1): a backup set restores only onto the DC it was taken from.
// The world is the matrix fixture's DC01 with its backup set, renamed to DC02 after the
// backup, and a plan for DC02 whose backup.source is DC01's set: `run` refuses at
// backup.verify (exit 5) before any state-changing call; --allow-foreign-backup lets it
// run, loudly (warning event, journal record, status); a resume remembers the override.
#include <doctest/doctest.h>
#include <signal.h>

#include "base/text.h"
#include "exec/e2e_support.h"
#include "exec/matrix_fixture.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;
using namespace e2e;

const std::string k_dc01 = "DC01.corp.example.com";
const std::string k_dc02 = "DC02.corp.example.com";

// The world's machine becomes `dc`, and the plan restores `plan_dc` (empty: unchanged) from
// DC01's set.
void make_foreign(const MatrixWorld& w, const std::string& dc, const std::string& plan_dc) {
  const fs::path world_json = w.world / "world.json";
  nlohmann::json j = nlohmann::json::parse(read_file(world_json));
  j["dc"] = dc;
  write_file(world_json, j.dump(2));
  if (plan_dc.empty()) return;
  std::string plan = read_file(w.plan);
  const std::string from = "domainController: " + k_dc01;
  const std::size_t at = plan.find(from);
  REQUIRE(at != std::string::npos);
  plan.replace(at, from.size(), "domainController: " + plan_dc);
  write_file(w.plan, plan);
}

std::vector<nlohmann::json> events_of(const fs::path& file) {
  std::vector<nlohmann::json> out;
  for (const std::string& line : lines_of(file)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// A string field of an event, or "". Not json::value(): GCC 12 at -O2 reports a false
// "potential null pointer dereference" inside it (-Werror in the ci build).
std::string text_of(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return {};
  const std::string* s = it->get_ptr<const std::string*>();
  return s ? *s : std::string();
}

std::vector<nlohmann::json> warnings_about_foreign_backup(const fs::path& file) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& e : events_of(file)) {
    if (text_of(e, "type") == "warning" && text_of(e, "step") == "backup.verify" && e.contains("data") &&
        text_of(e["data"], "override") == "allow-foreign-backup") {
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("DC02's plan with DC01's backup set is refused at backup.verify, exit 5, before anything is touched") {
    MatrixWorld w(quick_options());
    std::string plan_dc = k_dc02;
    SUBCASE("the plan names the DC by its DNS name") {}
    SUBCASE("the plan names the DC by its NetBIOS name, in another letter case") { plan_dc = "dc02"; }
    make_foreign(w, k_dc02, plan_dc);
    const fs::path events = w.tmp / "events.jsonl";
    const RunResult r = w.run({"--events", events.string()});
    const std::string all = r.out + r.err;
    CHECK_MESSAGE(r.exit_code == 5, all);
    CHECK_MESSAGE(contains(all, "the backup set D:\\Backups\\DC01 was taken on " + k_dc01 + ", not on " + plan_dc),
                  all);
    CHECK_MESSAGE(contains(all, "--allow-foreign-backup"), all);
    CHECK(w.destination() == w.destination_before);
    CHECK(w.quarantine().empty());
    CHECK(restore_calls(w).empty());  // no DsRestorePrepare, nor any other DsRestore* call
    const exec::RunState rs = w.run_state();
    CHECK(rs.step("backup.verify").status == exec::StepStatus::failed);
    CHECK(rs.step("restore.prepare").status == exec::StepStatus::not_started);
    CHECK(rs.finished == exec::RunOutcome::refused);
    CHECK_FALSE(rs.foreign_backup.has_value());
    CHECK(warnings_about_foreign_backup(events).empty());
  }

  TEST_CASE("the set's own DC in NetBIOS form and another letter case is not foreign") {
    MatrixWorld w(quick_options());
    make_foreign(w, k_dc01, "dc01");
    const RunResult r = w.run();
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK_FALSE(w.run_state().foreign_backup.has_value());
  }

  TEST_CASE("a plan for DC01 run on DC02 with --allow-other-dc still refuses DC01's set on DC02: the overrides are "
            "distinct") {
    MatrixWorld w(quick_options());
    make_foreign(w, k_dc02, k_dc01);
    const RunResult r = w.run({"--allow-other-dc"});
    const std::string all = r.out + r.err;
    CHECK_MESSAGE(r.exit_code == 5, all);
    CHECK_MESSAGE(contains(all, "was taken on " + k_dc01 + ", not on this machine, " + k_dc02), all);
    CHECK(restore_calls(w).empty());
    CHECK(w.destination() == w.destination_before);
  }

  TEST_CASE("--allow-foreign-backup restores DC01's set onto DC02, with a warning event, a journal record and status") {
    MatrixWorld w(quick_options());
    make_foreign(w, k_dc02, k_dc02);
    const fs::path events = w.tmp / "events.jsonl";
    const RunResult r = w.run({"--events", events.string(), "--allow-foreign-backup"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    check_restored(w);

    const auto warnings = warnings_about_foreign_backup(events);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0]["data"]["backupDc"] == k_dc01);
    CHECK(warnings[0]["data"]["planDc"] == k_dc02);
    CHECK(warnings[0]["data"]["host"] == k_dc02);
    CHECK(contains(text_of(warnings[0], "message"), "takes the directory identity of " + k_dc01));

    const auto journal = journal_now(w);
    REQUIRE(journal);
    CHECK(journal->format_version == exec::k_journal_format_version);
    REQUIRE(records_of<exec::ForeignBackupAllowed>(*journal) == 1);
    for (std::size_t i = 0; i < journal->records.size(); ++i) {
      if (const auto* fb = journal->records[i].as<exec::ForeignBackupAllowed>()) {
        CHECK(fb->backup_dc == k_dc01);
        CHECK(fb->plan_dc == k_dc02);
        CHECK(fb->host == k_dc02);
        // Inside backup.verify: its step-started comes just before.
        const auto* started = journal->records[i - 1].as<exec::StepStarted>();
        REQUIRE(started);
        CHECK(started->step == "backup.verify");
      }
    }

    const RunResult text = run_adrestore({"status", "--state", w.state.string()});
    REQUIRE(text.exit_code == 0);
    CHECK_MESSAGE(contains(text.out, "FOREIGN BACKUP: --allow-foreign-backup"), text.out);
    CHECK_MESSAGE(contains(text.out, "taken on " + k_dc01 + " onto " + k_dc02), text.out);
    const RunResult json = run_adrestore({"status", "--state", w.state.string(), "--format", "json"});
    REQUIRE(json.exit_code == 0);
    const nlohmann::json j = nlohmann::json::parse(json.out);
    CHECK(j["foreignBackup"]["backupDc"] == k_dc01);
    CHECK(j["foreignBackup"]["planDc"] == k_dc02);
    CHECK(j["foreignBackup"]["host"] == k_dc02);
    CHECK(j["foreignBackup"]["override"] == "allow-foreign-backup");

    const RunResult dump = run_adrestore({"journal", "dump", "--state", w.state.string()});
    CHECK_MESSAGE(contains(dump.out, "foreign-backup-allowed backup_dc=\"" + k_dc01 + "\""), dump.out);
  }

  TEST_CASE("status of an ordinary run shows no foreign backup") {
    MatrixWorld w(quick_options());
    REQUIRE(w.run().exit_code == 0);
    const RunResult json = run_adrestore({"status", "--state", w.state.string(), "--format", "json"});
    CHECK(nlohmann::json::parse(json.out)["foreignBackup"].is_null());
    CHECK_FALSE(contains(run_adrestore({"status", "--state", w.state.string()}).out, "FOREIGN BACKUP"));
  }

  TEST_CASE("a resume remembers --allow-foreign-backup from the journal for the same set, and warns again") {
    MatrixWorld w(quick_options());
    make_foreign(w, k_dc02, k_dc02);
    w.add_faults(nlohmann::json::parse(R"([{"crash": {"atStep": "files.copy"}}])"));
    const RunResult killed = w.run({"--allow-foreign-backup"});
    REQUIRE_MESSAGE(killed.signal == SIGKILL, (killed.out + killed.err));
    w.clear_faults();

    const fs::path events = w.tmp / "resume-events.jsonl";
    const RunResult r = w.resume({"--events", events.string()});  // without the option
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    check_restored(w);
    const auto warnings = warnings_about_foreign_backup(events);
    REQUIRE(warnings.size() == 1);
    CHECK(contains(text_of(warnings[0], "message"), "journaled by this run at"));
    const auto journal = journal_now(w);
    REQUIRE(journal);
    CHECK(records_of<exec::ForeignBackupAllowed>(*journal) == 1);  // not written twice
  }

  TEST_CASE("a run refused for another DC's set continues with resume --allow-foreign-backup, and not without it") {
    MatrixWorld w(quick_options());
    make_foreign(w, k_dc02, k_dc02);
    REQUIRE(w.run().exit_code == 5);
    const RunResult again = w.resume();
    CHECK_MESSAGE(again.exit_code == 5, (again.out + again.err));
    CHECK(restore_calls(w).empty());
    const RunResult r = w.resume({"--allow-foreign-backup"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    check_restored(w);
    const auto journal = journal_now(w);
    REQUIRE(journal);
    CHECK(records_of<exec::ForeignBackupAllowed>(*journal) == 1);
  }

  TEST_CASE("a remembered override does not cover another machine: resume on a third DC is refused again") {
    MatrixWorld w(quick_options());
    make_foreign(w, k_dc02, k_dc02);
    w.add_faults(nlohmann::json::parse(R"([{"crash": {"atStep": "files.copy"}}])"));
    REQUIRE(w.run({"--allow-foreign-backup"}).signal == SIGKILL);
    w.clear_faults();
    make_foreign(w, "DC03.corp.example.com", "");  // the plan keeps DC02; the machine is now DC03
    const RunResult r = w.resume({"--allow-other-dc"});
    const std::string all = r.out + r.err;
    CHECK_MESSAGE(r.exit_code == 5, all);
    CHECK_MESSAGE(contains(all, "was taken on " + k_dc01), all);
  }
}

}  // namespace adrestore::testing
