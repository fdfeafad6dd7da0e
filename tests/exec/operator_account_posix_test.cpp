// Who ran the restore: the executor journals the account its environment names in
// run-started, and status, journal dump and the report show it.
#include <doctest/doctest.h>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "evidence/report_model.h"
#include "exec/executor.h"
#include "exec/journal.h"
#include "exec/matrix_fixture.h"
#include "graph/compile.h"
#include "platform/account.h"
#include "plan/validate.h"
#include "sim/backend.h"
#include "support.h"

namespace adrestore::testing {
namespace {

class QuietObserver : public exec::Observer {
 public:
  void on_event(const exec::Event&) override {}
  void on_progress(const exec::CopyProgress&) override {}
};

// Runs the matrix world's plan in-process; `account` replaces the process's account when set.
exec::ExecResult run_as(MatrixWorld& w, const std::function<std::string()>& account) {
  auto load = plan::load_plan_file(w.plan.string());
  REQUIRE(load.plan.has_value());
  auto graph = graph::compile(*load.plan);
  REQUIRE(graph.is_ok());
  auto backend = sim::open_sim_backend(w.world.string(), platform::system_fs());
  REQUIRE(backend);
  QuietObserver observer;
  exec::NoFaults faults;
  std::atomic<bool> cancel{false};
  const char* path = std::getenv("PATH");
  exec::ExecEnv env{*backend->api, *backend->host, *backend->disks, observer, faults, cancel,
                    exec::disks_program_resolver(*backend->disks, path ? path : "")};
  env.system_log = [](platform::LogLevel, const std::string&) {};
  env.operator_account = account;
  exec::ExecOptions eo;
  eo.state_dir = w.state.string();
  eo.plan_text = load.text;
  eo.world = w.world.string();
  REQUIRE(platform::create_dirs((w.state / "logs").string()));
  return exec::run_plan(*load.plan, *graph, env, eo);
}

}  // namespace

TEST_SUITE("journal") {
  TEST_CASE("the operator account from the executor's environment reaches the journal, status and the report") {
    MatrixWorld w;
    const exec::ExecResult r = run_as(w, [] { return std::string("CORP\\alice"); });
    REQUIRE_MESSAGE(r.outcome == exec::Outcome::succeeded, r.message);
    auto journal = exec::read_journal(exec::journal_path(w.state.string()));
    REQUIRE(journal);
    CHECK(journal->state.run.operator_account == "CORP\\alice");
    auto report = evidence::load_report(w.state.string());
    REQUIRE(report);
    CHECK(report->identity.operator_account == "CORP\\alice");
    CHECK(evidence::to_json(*report)["identity"]["operator"] == "CORP\\alice");

    auto text = run_adrestore({"status", "--state", w.state.string()});
    CHECK(text.out.find("Operator: CORP\\alice\n") != std::string::npos);
    auto json = run_adrestore({"status", "--state", w.state.string(), "--format", "json"});
    CHECK(nlohmann::json::parse(json.out)["operator"] == "CORP\\alice");
  }

  TEST_CASE("by default the journal names the effective user, and an unusable name becomes unknown") {
    const passwd* pw = ::getpwuid(::geteuid());
    REQUIRE(pw != nullptr);
    CHECK(platform::current_account() == pw->pw_name);
    {
      MatrixWorld w;
      REQUIRE(run_as(w, nullptr).outcome == exec::Outcome::succeeded);
      auto journal = exec::read_journal(exec::journal_path(w.state.string()));
      REQUIRE(journal);
      CHECK(journal->state.run.operator_account == pw->pw_name);
    }
    MatrixWorld w;
    REQUIRE(run_as(w, [] { return std::string("bad \xff name"); }).outcome == exec::Outcome::succeeded);
    auto journal = exec::read_journal(exec::journal_path(w.state.string()));
    REQUIRE(journal);
    CHECK(journal->state.run.operator_account == "unknown");
  }

  TEST_CASE("status of a journal written before the operator was recorded says unknown") {
    TempDir t;
    auto writer = exec::JournalWriter::create(t.path().string());
    REQUIRE(writer);
    REQUIRE((*writer)->append(exec::RunStarted{"p", "", std::string(64, 'a'), "0.1.0", "r", "sim", "", "DC01", ""}));
    writer->reset();
    auto text = run_adrestore({"status", "--state", t.path().string()});
    CHECK(text.out.find("Operator: unknown\n") != std::string::npos);
    auto dump = run_adrestore({"journal", "dump", "--state", t.path().string(), "--format", "json"});
    CHECK_FALSE(nlohmann::json::parse(dump.out)["records"][0].contains("operator"));
  }
}

}  // namespace adrestore::testing
