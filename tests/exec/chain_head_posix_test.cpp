// The journal's chain head leaves the state directory after every step: in the step-finished
// and run-finished events and in the system log (captured here through ExecEnv::system_log).
#include <doctest/doctest.h>

#include <cstdlib>
#include <vector>

#include "exec/executor.h"
#include "exec/journal.h"
#include "exec/matrix_fixture.h"
#include "graph/compile.h"
#include "plan/validate.h"
#include "sim/backend.h"

namespace adrestore::testing {
namespace {

class RecordingObserver : public exec::Observer {
 public:
  std::vector<exec::Event> events;
  void on_event(const exec::Event& e) override { events.push_back(e); }
  void on_progress(const exec::CopyProgress&) override {}
};

}  // namespace

TEST_SUITE("journal-chain") {
  TEST_CASE("every step's end publishes the journal head in its event and in the system log") {
    MatrixWorld w;
    auto load = plan::load_plan_file(w.plan.string());
    REQUIRE(load.plan.has_value());
    auto graph = graph::compile(*load.plan);
    REQUIRE(graph.is_ok());
    auto backend = sim::open_sim_backend(w.world.string(), platform::system_fs());
    REQUIRE(backend);
    RecordingObserver observer;
    exec::NoFaults faults;
    std::atomic<bool> cancel{false};
    const char* path = std::getenv("PATH");
    exec::ExecEnv env{*backend->api, *backend->host, *backend->disks, observer, faults, cancel,
                      exec::disks_program_resolver(*backend->disks, path ? path : "")};
    std::vector<std::string> log;
    env.system_log = [&log](platform::LogLevel, const std::string& line) { log.push_back(line); };
    exec::ExecOptions eo;
    eo.state_dir = w.state.string();
    eo.plan_text = load.text;
    eo.world = w.world.string();
    REQUIRE(platform::create_dirs((w.state / "logs").string()));
    const exec::ExecResult r = exec::run_plan(*load.plan, *graph, env, eo);
    REQUIRE_MESSAGE(r.outcome == exec::Outcome::succeeded, r.message);

    auto journal = exec::read_journal(exec::journal_path(w.state.string()));
    REQUIRE(journal);
    std::size_t ends = 0;
    std::uint64_t last_seq = 0;
    for (const exec::Event& e : observer.events) {
      const bool end = e.type == exec::EventType::step_finished || e.type == exec::EventType::run_finished;
      CHECK(end == e.data.contains("journalHead"));
      if (!end) continue;
      ++ends;
      const std::uint64_t seq = e.data.at("journalSeq").get<std::uint64_t>();
      CHECK(seq >= last_seq);
      last_seq = seq;
      REQUIRE(seq >= 1);
      REQUIRE(seq <= journal->chain.size());
      // Each head is the journal's hash after that record, as the reader recomputes it.
      CHECK(e.data.at("journalHead") == platform::to_hex(journal->chain[seq - 1]));
      CHECK(log.at(ends - 1).find("head after record " + std::to_string(seq) + ": sha256 " +
                                  e.data.at("journalHead").get<std::string>()) != std::string::npos);
    }
    CHECK(ends == log.size());
    CHECK(ends > 10);
    // The run's last event carries the head of the whole journal.
    CHECK(observer.events.back().type == exec::EventType::run_finished);
    CHECK(observer.events.back().data.at("journalHead") == exec::journal_head(*journal)->sha256);
    CHECK(log.back().find("run finished succeeded") != std::string::npos);
  }
}

}  // namespace adrestore::testing
