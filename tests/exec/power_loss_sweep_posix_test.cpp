// The power-loss sweep (issue 14, doc/testing.md): a representative plan (a pre and a post
// hook, quarantine, a database of 8 chunks and three logs, a restart into normal mode) runs
// in this process against a simulated DC whose whole folder, and the state directory, sit on
// a PowerLossFs. The power goes at every sync point of the run, and at offsets inside the
// copy; the machine comes back (the disk as a power loss may leave it, the DC booted in the
// mode its boot configuration says), and the run is resumed until it ends, sometimes losing
// the power once more on the way. Each case must end as an uninterrupted run does.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "exec/executor.h"
#include "exec/journal.h"
#include "exec/matrix_fixture.h"
#include "graph/compile.h"
#include "platform/power_loss_fs.h"
#include "plan/validate.h"
#include "sim/backend.h"
#include "sim/sim_host.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_hook = "C:\\Tools\\hook.exe";

MatrixOptions sweep_options() {
  MatrixOptions o;
  o.read_size = "1Mi";
  o.programs[k_hook] = "#!/bin/sh\necho \"$ADRESTORE_HOOK_NAME\" >> \"$ADRESTORE_STATE_DIR/../hooks-ran.txt\"\n";
  o.plan_spec_extra = std::string("  hooks:\n"
                                  "    pre:\n"
                                  "      - {name: before, run: ['") + k_hook + "'], idempotent: true}\n"
                      "    post:\n"
                      "      - {name: after, run: ['" + k_hook + "'], when: always, idempotent: true}\n"
                      "  afterRestore:\n"
                      "    restart: normal-mode\n";
  return o;
}

// What a finished run leaves that must not depend on power cuts.
struct EndState {
  std::map<std::string, std::string> destination;
  std::multimap<std::string, std::string> quarantine;
  std::string outcome;
  bool dsrm = true;
  bool ntds_online = false;
  bool restore_in_progress = true;
  std::int64_t restore_count = 0;
  // Contexts neither ended by DsRestoreEnd nor by a boot: a process that lived to the end
  // left them open. (A process the power cut cannot owe DsRestoreEnd; its boot ends them.)
  std::size_t open_contexts = 0;
};

// Boots the simulated DC the way power coming back does: every process of the old boot is
// gone; into DSRM or normal mode as its boot configuration (world.json's dsrm) says.
Status power_on(sim::World& world) {
  return world.update([&](sim::Transaction& tx) {
    sim::WorldState& w = tx.state();
    ++w.boot_count;
    ++w.counters.restarts;
    sim::forget_dead_processes(w, sim::current_process());
    if (w.dsrm) {
      w.ntds_online = false;
    } else {
      sim::boot_world(tx, world.disks());
    }
    tx.log("# power-on boot=" + std::to_string(w.boot_count) + " dsrm=" + (w.dsrm ? "true" : "false"));
    return Status::ok();
  });
}

// The simulated host, noting the sync point at which the restart into normal mode began.
class NotingHost : public host::Host {
 public:
  NotingHost(host::Host& inner, PowerLossFs& disk, std::optional<std::uint64_t>& restart_at)
      : m_inner(inner), m_disk(disk), m_restart_at(restart_at) {}
  Result<host::MachineName> machine_name() override { return m_inner.machine_name(); }
  Result<bool> booted_in_dsrm() override { return m_inner.booted_in_dsrm(); }
  Result<std::vector<host::Privilege>> privileges() override { return m_inner.privileges(); }
  Status restart_normal_mode() override {
    if (!m_restart_at) m_restart_at = m_disk.sync_count();
    return m_inner.restart_normal_mode();
  }
  Result<host::AuthoritativeReport> mark_authoritative(const std::vector<std::string>& subtrees,
                                                       const std::vector<std::string>& objects,
                                                       const std::string& work_dir) override {
    return m_inner.mark_authoritative(subtrees, objects, work_dir);
  }
  Result<host::DirectoryIdentity> directory_identity(std::int64_t since_ms) override {
    return m_inner.directory_identity(since_ms);
  }
  Result<bool> restore_in_progress_key_exists() override { return m_inner.restore_in_progress_key_exists(); }

 private:
  host::Host& m_inner;
  PowerLossFs& m_disk;
  std::optional<std::uint64_t>& m_restart_at;
};

class SweepRun {
 public:
  explicit SweepRun(const MatrixOptions& o) : w(o), disk(platform::system_fs(), w.tmp.path().string()) {
    // calls.log is the test's evidence, as if an observer outside the machine kept it.
    disk.untracked = [](const std::string& p) { return p.size() >= 9 && p.compare(p.size() - 9, 9, "calls.log") == 0; };
    disk.pass_syncs = false;
    load = plan::load_plan_file(w.plan.string());
    REQUIRE_MESSAGE(load.plan.has_value(), w.plan.string());
    auto g = graph::compile(*load.plan);
    REQUIRE(g.is_ok());
    graph = std::move(*g);
  }

  // One runner process: `adrestore run` when the state directory holds no run yet, else
  // `adrestore resume`.
  exec::ExecResult start() {
    auto backend = sim::open_sim_backend(w.world.string(), disk);
    if (!backend) return {exec::Outcome::failed, {}, backend.status().message()};
    exec::NullObserver observer;
    exec::NoFaults faults;
    std::atomic<bool> cancel{false};
    const char* path = std::getenv("PATH");
    NotingHost host(*backend->host, disk, restart_at);
    exec::ExecEnv env{*backend->api, host, *backend->disks, observer, faults, cancel,
                      exec::disks_program_resolver(*backend->disks, path ? path : ""), nullptr, disk};
    env.system_log = [](platform::LogLevel, const std::string&) {};  // thousands of runs: keep syslog quiet
    exec::ExecOptions eo;
    eo.state_dir = w.state.string();
    eo.plan_text = load.text;
    eo.world = w.world.string();
    if (Status s = platform::create_dirs(disk, (w.state / "logs").string()); !s) {
      return {exec::Outcome::failed, {}, s.message()};
    }
    // As the operator does: `resume` says to `run` again when the journal holds no record.
    auto journal = exec::read_journal(exec::journal_path(w.state.string()), disk);
    const bool fresh = journal ? journal->records.empty() : journal.status().code() == Code::not_found;
    if (fresh) return exec::run_plan(*load.plan, graph, env, eo);
    exec::JournalContents found;
    auto opened = exec::JournalWriter::open(w.state.string(), &found, exec::JournalWriter::system_clock_ms, disk);
    if (!opened) return {exec::Outcome::failed, {}, opened.status().message()};
    return exec::resume_plan(*load.plan, graph, env, eo, std::move(*opened), found.warnings);
  }

  // Runs until the run succeeds, bringing the power back after each cut; `second_cut` arms
  // one more cut (at that sync point) in the first process after the first cut. The trace
  // names every process's outcome, for the failure message.
  bool drive(PowerLossFs::Mode mode, std::uint64_t second_cut, std::string& trace) {
    bool armed_second = second_cut == 0;
    for (int process = 0; process < 10; ++process) {
      const exec::ExecResult r = start();
      trace += std::string(exec::to_string(r.outcome)) + (disk.dead() ? " (power cut)" : "") +
               (r.message.empty() ? "" : ": " + r.message) + "\n";
      if (disk.dead()) {
        if (Status s = disk.power_cut(mode); !s) {
          trace += "power cut failed: " + s.message() + "\n";
          return false;
        }
        auto world = sim::World::open(w.world.string(), disk);
        if (!world) {
          trace += "the world does not open after the power cut: " + world.status().message() + "\n";
          return false;
        }
        if (Status s = power_on(**world); !s) {
          trace += "power on failed: " + s.message() + "\n";
          return false;
        }
        if (!armed_second) {
          disk.cut_at_sync(second_cut);
          armed_second = true;
        }
        continue;
      }
      if (r.outcome == exec::Outcome::restarting) continue;
      return r.outcome == exec::Outcome::succeeded;
    }
    trace += "no end after 10 processes\n";
    return false;
  }

  EndState end_state() const {
    EndState e;
    e.destination = w.destination();
    e.quarantine = w.quarantine();
    auto j = exec::read_journal(exec::journal_path(w.state.string()));
    REQUIRE_MESSAGE(j.is_ok(), j.status().message());
    const auto& finished = j->state.finished;
    e.outcome = finished ? exec::to_string(*finished) : "none";
    auto world = sim::World::open(w.world.string());
    REQUIRE(world.is_ok());
    auto snap = (*world)->snapshot();
    REQUIRE(snap.is_ok());
    e.dsrm = snap->dsrm;
    e.ntds_online = snap->ntds_online;
    e.restore_in_progress = snap->restore_in_progress.has_value();
    e.restore_count = static_cast<std::int64_t>(snap->restore_count);
    for (const sim::Context& c : snap->contexts) e.open_contexts += c.ended.empty() ? 1 : 0;
    return e;
  }

  MatrixWorld w;
  PowerLossFs disk;
  std::optional<std::uint64_t> restart_at;  // sync points passed when the restart began
  plan::PlanLoad load;
  graph::StepGraph graph;
};

// The calls the DC received honour the API's obligations: the last successful
// DsRestoreRegister is followed by a successful DsRestoreRegisterComplete (DsRestoreEnd is
// checked on the DC's side: EndState::open_contexts).
std::string obligations_broken(const std::vector<sim::CallRecord>& calls) {
  std::size_t last_register = calls.size();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].call == "DsRestoreRegister" && calls[i].hresult.ok()) last_register = i;
  }
  if (last_register == calls.size()) return "no successful DsRestoreRegister";
  for (std::size_t i = last_register + 1; i < calls.size(); ++i) {
    if (calls[i].call == "DsRestoreRegisterComplete" && calls[i].hresult.ok()) return {};
  }
  return "no DsRestoreRegisterComplete after the last DsRestoreRegister";
}

void check_same_end(SweepRun& run, const EndState& want, const std::string& what, const std::string& trace) {
  CAPTURE(what);
  CAPTURE(trace);
  const EndState got = run.end_state();
  CHECK_MESSAGE(got.destination == want.destination, "restored bytes differ");
  CHECK_MESSAGE(got.quarantine == want.quarantine, "quarantine differs");
  CHECK(run.w.lost_files().empty());
  CHECK(got.outcome == want.outcome);
  CHECK(got.dsrm == want.dsrm);
  CHECK(got.ntds_online == want.ntds_online);
  CHECK(got.restore_in_progress == want.restore_in_progress);
  CHECK(got.restore_count == want.restore_count);
  CHECK(got.open_contexts == 0);
  CHECK(obligations_broken(run.w.calls()).empty());
}

// An uninterrupted run: its end state and the sync points it passes, made once.
struct Baseline {
  EndState end;
  std::vector<std::string> syncs;
  std::uint64_t restart_at = 0;
};

const Baseline& baseline() {
  static const Baseline b = [] {
    SweepRun run(sweep_options());
    std::string trace;
    REQUIRE_MESSAGE(run.drive(PowerLossFs::Mode::lose, 0, trace), trace);
    Baseline out;
    out.syncs = run.disk.sync_log();
    REQUIRE(run.restart_at.has_value());
    out.restart_at = *run.restart_at;
    out.end = run.end_state();
    REQUIRE(out.end.outcome == "succeeded");
    REQUIRE(out.end.destination == run.w.backup_set());
    return out;
  }();
  return b;
}

// ADRESTORE_SWEEP_STRIDE=N cuts at every N-th sync point only (a quicker look while working).
std::uint64_t stride() {
  const char* s = std::getenv("ADRESTORE_SWEEP_STRIDE");
  const long v = s ? std::strtol(s, nullptr, 10) : 1;
  return v > 0 ? static_cast<std::uint64_t>(v) : 1;
}

}  // namespace

TEST_SUITE("power-loss") {
  TEST_CASE("an uninterrupted run on the power-loss file system restores the backup set and passes sync points") {
    const Baseline& b = baseline();
    CHECK(b.syncs.size() > 50);
    CHECK(b.end.ntds_online);
    CHECK_FALSE(b.end.dsrm);
    CHECK(b.end.open_contexts == 0);
    // The sweep cuts inside the restart too: after it began and before the journal recorded it.
    CHECK(b.restart_at + 4 <= b.syncs.size());
  }

  TEST_CASE("a power cut at any sync point, then resumes, ends as the uninterrupted run does") {
    const Baseline& b = baseline();
    const std::uint64_t n = b.syncs.size();
    for (std::uint64_t k = 1; k <= n; k += stride()) {
      // Every fifth case loses the power once more, in the first resume; every other case
      // tears unsynced writes instead of losing them.
      const std::uint64_t second = k % 5 == 0 ? 1 + (k * 7) % (n / 2) : 0;
      const auto mode = k % 2 == 0 ? PowerLossFs::Mode::torn : PowerLossFs::Mode::lose;
      SweepRun run(sweep_options());
      run.disk.cut_at_sync(k);
      std::string trace;
      const std::string what = "cut at sync point " + std::to_string(k) + " of " + std::to_string(n) + " (" +
                               b.syncs[k - 1] + ")" + (second ? ", again at " + std::to_string(second) : "") +
                               (mode == PowerLossFs::Mode::torn ? ", torn writes" : ", lost writes");
      const bool ended = run.drive(mode, second, trace);
      CHECK_MESSAGE(ended, what << "\n" << trace);
      if (ended) check_same_end(run, b.end, what, trace);
    }
  }

  TEST_CASE("a power cut inside the copy, then resumes, ends as the uninterrupted run does") {
    const Baseline& b = baseline();
    for (const std::uint64_t offset : {std::uint64_t{1}, std::uint64_t{4096}, std::uint64_t{100} << 10,
                                       std::uint64_t{256} << 10, (std::uint64_t{256} << 10) + 512,
                                       std::uint64_t{1} << 20, (std::uint64_t{2} << 20) - 1}) {
      for (const auto mode : {PowerLossFs::Mode::lose, PowerLossFs::Mode::torn}) {
        SweepRun run(sweep_options());
        run.disk.cut_at_write("ntds.dit.adrestore-partial", offset);
        std::string trace;
        const std::string what = "cut at byte " + std::to_string(offset) + " of the partial ntds.dit" +
                                 (mode == PowerLossFs::Mode::torn ? ", torn writes" : ", lost writes");
        const bool ended = run.drive(mode, 0, trace);
        CHECK_MESSAGE(ended, what << "\n" << trace);
        if (ended) check_same_end(run, b.end, what, trace);
      }
    }
  }
}

}  // namespace adrestore::testing
