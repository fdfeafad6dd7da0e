// The fault matrix of issue 5: every NTDS call a restore makes, failed with every HRESULT
// the reference documents for it and a few generic ones, through the world's fault list.
// Each case must stop safely: failed (exit 3) with the step and the HRESULT's name in the
// message and the journal, DsRestoreEnd after every successful DsRestorePrepare, the
// destination untouched when the restore stopped before files.clear and nothing lost when
// it stopped after the copy; and a resume, once the fault is gone, completes the restore.
// Beside it: the onLocationsFailure fallback, a damaged backup set, and a full disk.
#include <doctest/doctest.h>

#include <set>

#include "exec/matrix_fixture.h"
#include "ntds/hresult.h"

using namespace adrestore;
using namespace adrestore::testing;
namespace fs = std::filesystem;

namespace {

// How far the restore got when the call failed, and so what the destination must look like.
enum class Reach {
  untouched,  // stopped before files.clear: the destination exactly as before, nothing quarantined
  restored,   // stopped after files.copy: every file restored, the old ones in the quarantine
};

const char* const k_password_env = "ADRESTORE_DSRM_PASSWORD=matrix-Passw0rd";
const char* const k_credentials = "  credentials:\n"
                                  "    user: Administrator\n"
                                  "    domain: DC01\n"
                                  "    passwordFrom: env:ADRESTORE_DSRM_PASSWORD\n";
const char* const k_locations_fail = "    onLocationsFailure: fail\n";  // under spec.restore

struct CallRow {
  const char* call;
  const char* step;  // the step that makes the call, and fails
  int exit_code;     // cli.md: 3 the restore failed safely
  Reach reach;
  std::vector<const char*> documented;  // the HRESULTs the reference lists for the call
  const char* source;                   // where: shared/reference/ntds-api.md section, doc/simulator.md
  const char* plan_extra;
};

// Every restore-side call of a run, in call order. The run makes no backup-side call but
// DsBackupFree (after DsRestoreGetDatabaseLocations), which returns nothing and cannot fail.
// DsSetAuthIdentity is made only with spec.credentials, so its row adds them.
const std::vector<CallRow>& call_table() {
  // clang-format off
  static const std::vector<CallRow> rows = {
      // call                          step                      exit reach              documented HRESULTs
      {"DsSetAuthIdentity",             "preflight.credentials",  3, Reach::untouched,   {},
       "3.2: returns a standard HRESULT; none named", k_credentials},
      {"DsIsNTDSOnline",                "preflight.ntds-offline", 3, Reach::untouched,
       {"ERROR_ACCESS_DENIED", "hrCouldNotConnect", "RPC_S_INVALID_BINDING"},
       "3.1", ""},
      {"DsRestorePrepare",              "restore.prepare",        3, Reach::untouched,
       {"hrContentsExpired", "hrUnknownExpiryTokenFormat", "ERROR_ACCESS_DENIED", "ERROR_INVALID_PARAMETER",
        "ERROR_NOT_ENOUGH_MEMORY"},
       "3.12 and 5.3: expired and malformed token, AD DS online, rtFlag; simulator.md: context limit", ""},
      {"DsRestoreGetDatabaseLocations", "restore.locations",      3, Reach::untouched,
       {"ERROR_ACCESS_DENIED", "ERROR_INVALID_PARAMETER", "ERROR_NOT_ENOUGH_MEMORY"},
       "3.13 (with onLocationsFailure: fail; the fallback has its own test)", k_locations_fail},
      {"DsRestoreRegister",             "restore.register",       3, Reach::untouched,
       {"ERROR_ACCESS_DENIED", "ERROR_INVALID_PARAMETER", "hrMissingExpiryToken", "hrRestoreInProgress"},
       "3.14; 5.3: the interlock", ""},
      {"DsRestoreRegisterComplete",     "restore.complete",       3, Reach::restored,
       {"ERROR_ACCESS_DENIED", "hrInvalidParam"},
       "3.15; 5.3: without Register", ""},
      {"DsRestoreEnd",                  "restore.end",            3, Reach::restored,
       {"ERROR_INVALID_PARAMETER", "hrInvalidHandle"},
       "3.16; simulator.md: an unknown or ended handle", ""},
  };
  // clang-format on
  return rows;
}

// Failures any RPC call can meet, whatever its page documents.
const std::vector<const char*> k_generic = {"E_ACCESSDENIED",
                                            "E_OUTOFMEMORY",
                                            "RPC_S_SERVER_UNAVAILABLE",
                                            "HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)",
                                            "HRESULT_FROM_WIN32(ERROR_DISK_FULL)",
                                            "hrError"};

ntds::HResult parse(const std::string& text) {
  auto hr = ntds::parse_hresult(text);
  REQUIRE_MESSAGE(hr, text << ": " << hr.status().message());
  return *hr;
}

// The documented codes, each Win32 or RPC one raw and wrapped by HRESULT_FROM_WIN32 (which
// of the two the DLL returns is unverified, ntds-api.md section 4), then the generic ones;
// the same value only once.
std::vector<std::string> codes_for(const CallRow& row) {
  std::vector<std::string> out;
  std::set<std::uint32_t> seen;
  auto add = [&](const std::string& text) {
    if (seen.insert(parse(text).value()).second) out.push_back(text);
  };
  for (const std::string d : row.documented) {
    add(d);
    if (d.rfind("ERROR_", 0) == 0 || d.rfind("RPC_S_", 0) == 0) add("HRESULT_FROM_WIN32(" + d + ")");
  }
  for (const char* g : k_generic) add(g);
  return out;
}

MatrixOptions options_for(const CallRow& row) {
  MatrixOptions o;
  o.plan_spec_extra = row.plan_extra;
  return o;
}

std::size_t count_calls(const std::vector<sim::CallRecord>& calls, const std::string& name) {
  return static_cast<std::size_t>(
      std::count_if(calls.begin(), calls.end(), [&](const sim::CallRecord& c) { return c.call == name; }));
}

void check_untouched(const MatrixWorld& w) {
  CHECK_MESSAGE(w.destination() == w.destination_before,
                "the destination changed although the restore stopped before files.clear");
  CHECK(w.quarantine().empty());
}

// The run stopped at `step` with `exit_code` (cli.md: 3, failed safely), and says so on
// stderr (each of `said`) and in the journal, where status reads it.
exec::RunState check_stopped_at(const MatrixWorld& w, const RunResult& r, int exit_code, const std::string& step,
                                const std::vector<std::string>& said) {
  CHECK_MESSAGE(r.exit_code == exit_code, "exit " << r.exit_code << ": " << r.err);
  for (const std::string& text : said)
    CHECK_MESSAGE(r.err.find(text) != std::string::npos, text << " not in: " << r.err);
  const exec::RunState rs = w.run_state();
  REQUIRE(rs.finished.has_value());
  CHECK(*rs.finished == exec::RunOutcome::failed);
  REQUIRE(rs.failed_step.has_value());
  CHECK(*rs.failed_step == step);
  CHECK(rs.step(step).status == exec::StepStatus::failed);
  return rs;
}

enum class ThenResume { no, yes };

void check_fault_case(const CallRow& row, const std::string& code, ThenResume then_resume) {
  const ntds::HResult hr = parse(code);
  const std::string name = ntds::hresult_name(hr);
  MatrixWorld w(options_for(row));
  w.add_faults(nlohmann::json::array({{{"call", row.call}, {"hresult", code}}}));
  const std::vector<std::string> env{k_password_env};
  const RunResult r = w.run({}, env);
  // The step and the HRESULT, where the operator reads them and where status reads them.
  const exec::RunState rs = check_stopped_at(w, r, row.exit_code, row.step, {row.step, name});
  CHECK(rs.step(row.step).hresult == hr.value());
  CHECK_MESSAGE(rs.step(row.step).message.find(name) != std::string::npos, rs.step(row.step).message);

  // The fault fired, and the calls kept their order: End after every successful Prepare.
  const auto calls = w.calls();
  const auto failed = std::find_if(calls.begin(), calls.end(), [&](const sim::CallRecord& c) { return c.injected; });
  REQUIRE(failed != calls.end());
  CHECK(failed->call == row.call);
  CHECK(failed->hresult == hr);
  check_call_invariants(calls);
  if (row.reach == Reach::untouched) {
    check_untouched(w);
    CHECK(count_calls(calls, "DsRestoreRegisterComplete") == 0);
  } else {
    CHECK(w.lost_files().empty());
    CHECK(w.destination() == w.backup_set());
  }

  // Failed safely means resumable: without the fault, resume completes the restore.
  if (then_resume == ThenResume::no) return;
  w.clear_faults();
  const RunResult again = w.resume({}, env);
  REQUIRE_MESSAGE(again.exit_code == 0, "resume after the fault: exit " << again.exit_code << ": " << again.err);
  check_restored(w);
  check_call_invariants(w.calls());
}

}  // namespace

TEST_SUITE("fault-matrix") {
  TEST_CASE("every restore call failed with each documented and generic HRESULT stops safely and resumes") {
    std::size_t cases = 0;
    for (const CallRow& row : call_table()) {
      // What resume does after a failed step does not depend on the HRESULT: resumed once a call.
      ThenResume then_resume = ThenResume::yes;
      for (const std::string& code : codes_for(row)) {
        CAPTURE(row.call);
        CAPTURE(code);
        check_fault_case(row, code, then_resume);
        then_resume = ThenResume::no;
        ++cases;
      }
    }
    MESSAGE(cases << " fault cases");
  }

  TEST_CASE("a raw Win32 error, positive like a success code, is still a failure") {
    // ERROR_ACCESS_DENIED is 5: a FAILED() sign test would take it for success.
    const CallRow& row = call_table()[2];
    REQUIRE(std::string(row.call) == "DsRestorePrepare");
    check_fault_case(row, "5", ThenResume::yes);
  }

  TEST_CASE("a failure of DsRestoreGetDatabaseLocations restores to the original locations with a warning by default") {
    const CallRow& row = call_table()[3];
    REQUIRE(std::string(row.call) == "DsRestoreGetDatabaseLocations");
    for (const std::string& code : codes_for(row)) {
      CAPTURE(code);
      MatrixWorld w;
      w.add_faults(nlohmann::json::array({{{"call", row.call}, {"hresult", code}}}));
      const RunResult r = w.run();
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      CHECK_MESSAGE(r.err.find("DsRestoreGetDatabaseLocations returned " + ntds::hresult_name(parse(code))) !=
                        std::string::npos,
                    r.err);
      check_restored(w);
      check_call_invariants(w.calls());
    }
  }

  TEST_CASE("a damaged backup set fails backup.verify and touches nothing, and the repaired set is restored") {
    MatrixWorld w;
    const fs::path dit = w.host("D/Backups/DC01/ntds.dit");
    std::string bytes = read_file(dit);
    REQUIRE(bytes.size() > 300000);
    bytes[300000] = static_cast<char>(bytes[300000] ^ 0xFF);
    write_file(dit, bytes);
    const std::size_t calls_before = w.calls().size();
    const RunResult r = w.run();
    check_stopped_at(w, r, 3, "backup.verify", {"backup.verify", "ntds.dit"});
    check_untouched(w);
    // Nothing but the read-only check of step 4 reached the DC.
    const auto calls = w.calls();
    REQUIRE(calls.size() == calls_before + 1);
    CHECK(calls.back().call == "DsIsNTDSOnline");

    bytes[300000] = static_cast<char>(bytes[300000] ^ 0xFF);
    write_file(dit, bytes);
    const RunResult again = w.resume();
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    check_restored(w);
  }

  TEST_CASE("a full disk in the middle of the copy fails files.copy, reports ERROR_DISK_FULL to the DC, and resumes") {
    MatrixWorld w;
    w.add_faults(nlohmann::json::array(
        {{{"diskFull", {{"path", "C:\\Windows\\NTDS"}, {"afterBytes", "1Mi"}, {"hidden", true}}}}}));
    const RunResult r = w.run();
    const exec::RunState rs = check_stopped_at(w, r, 3, "files.copy", {"files.copy", "no space left on device"});
    CHECK(rs.verified_bytes().size() == 1);  // the DIT, part copied
    CHECK(w.lost_files().empty());
    // DsRestoreRegisterComplete tells the DC the copy failed, with the cause, so AD DS stays down.
    const auto calls = w.calls();
    const auto complete = std::find_if(calls.begin(), calls.end(),
                                       [](const sim::CallRecord& c) { return c.call == "DsRestoreRegisterComplete"; });
    REQUIRE(complete != calls.end());
    CHECK(complete->args.at("state") == ntds::hresult_name(ntds::hresult_from_win32(ntds::k_error_disk_full)));
    check_call_invariants(calls);

    w.clear_faults();
    const RunResult again = w.resume();
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    check_restored(w);
    check_call_invariants(w.calls());
  }
}
