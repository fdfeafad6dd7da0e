// One plan test, end to end: world, backup set, stand-ins, faults, child runs, evidence.
#include "plantest/runner.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

#include "backup/backup_driver.h"
#include "base/text.h"
#include "base/winpath.h"
#include "exec/journal.h"
#include "exec/resume_rules.h"
#include "platform/fs.h"
#include "platform/process.h"
#include "platform/sha256.h"
#include "input/guard.h"
#include "plan/validate.h"
#include "platform/key_files.h"
#include "sim/backend.h"
#include "sim/content.h"
#include "sim/world_init.h"

namespace adrestore::plantest {
namespace {

constexpr std::size_t k_max_compared_file = 1ULL << 30;
constexpr std::size_t k_max_child_output = 1ULL << 20;

// Keeps the first MiB of a child's output, for the message of a test that went wrong.
class StringSink : public platform::OutputSink {
 public:
  Status write(platform::OutputStream, std::string_view bytes) override {
    if (m_text.size() < k_max_child_output) m_text.append(bytes.substr(0, k_max_child_output - m_text.size()));
    return Status::ok();
  }
  const std::string& text() const { return m_text; }

 private:
  std::string m_text;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// A stand-in program: a /bin/sh script that prints, sleeps and exits as the test says.
std::string stand_in_script(const ProgramStandIn& p) {
  std::string s = "#!/bin/sh\n";
  if (!p.out.empty()) s += "printf '%s\\n' " + shell_quote(p.out) + "\n";
  if (!p.err.empty()) s += "printf '%s\\n' " + shell_quote(p.err) + " >&2\n";
  if (p.sleep_seconds > 0) s += "sleep " + std::to_string(p.sleep_seconds) + "\n";
  s += "exit " + std::to_string(p.exit_code) + "\n";
  return s;
}


Result<WinPath> win(const std::string& text, const std::string& what) {
  auto p = WinPath::parse(text);
  if (!p) return p.status().with_context(what);
  return p;
}

std::vector<std::string> child_env() {
  const platform::EnvNameCase c = platform::native_env_name_case();
  std::vector<std::string> env = platform::current_environment();
  platform::unset_env(env, "ADRESTORE_SIM_WORLD", c);  // the test names its world explicitly
  if (!platform::get_env(env, "ADRESTORE_DSRM_PASSWORD", c)) platform::set_env(env, "ADRESTORE_DSRM_PASSWORD", k_test_password, c);
  return env;
}

struct Child {
  platform::ProcessResult result;
  std::string output;
};

Child run_child(const RunnerOptions& o, std::vector<std::string> args) {
  StringSink sink;
  platform::ProcessSpec spec;
  spec.argv.push_back(o.adrestore_exe);
  for (std::string& a : args) spec.argv.push_back(std::move(a));
  spec.env = child_env();
  spec.timeout = o.timeout;
  spec.output = &sink;
  Child c;
  c.result = platform::run_process(spec);
  c.output = sink.text();
  return c;
}

int exit_code_of(const platform::ProcessResult& r) {
  if (!r.started()) return -1;
  if (r.exited) return static_cast<int>(r.exit_code);
  return 128 + r.signal;
}

std::optional<std::string> file_sha256(const std::string& host_path) {
  auto bytes = platform::read_file(host_path, k_max_compared_file);
  if (!bytes) return std::nullopt;
  return platform::to_hex(platform::sha256(*bytes));
}

std::string lower_win(const std::string& p) { return to_lower_ascii(p); }

std::string file_name_of(const std::string& win_path) {
  const auto cut = win_path.find_last_of("\\/");
  return cut == std::string::npos ? win_path : win_path.substr(cut + 1);
}

// Everything the test needs to remember between setting the world up and reading it back.
struct Setup {
  std::shared_ptr<sim::World> world;
  std::unique_ptr<sim::SimDisks> disks;
  backup::Manifest manifest;
  std::size_t calls_before = 0;
  std::map<std::string, std::optional<std::string>> before;  // expected path -> sha256 before the run
  std::vector<sim::ExistingFile> existing;                     // world.existingFiles
};

Status make_world(const PlanTest& t, const plan::Plan& plan, const std::string& world_dir, Setup& s) {
  const WorldSpec& w = t.world;
  sim::WorldOptions o;
  // A backup set of another DC (world.backup.dc): the world is that DC while it takes the
  // set, and becomes the test's DC afterwards (prepare).
  o.dc = w.backup_dc ? *w.backup_dc : w.dc ? *w.dc : plan.domain_controller.value;
  o.ntds_online = true;  // online and not in DSRM first, to take the backup
  o.dsrm = false;
  if (w.privileges) {
    o.privileges.clear();
    for (const std::string& p : *w.privileges) o.privileges.push_back({p, true});
  }
  if (w.tombstone_seconds) o.tombstone_lifetime = *w.tombstone_seconds;
  o.database_size = w.database_size;
  o.logs = static_cast<std::uint32_t>(w.logs);
  o.clock_offset = -w.backup_age_days * 86400;
  if (w.loc_database || w.loc_logs || w.loc_checkpoint) {
    sim::NtdsPaths loc;
    if (w.loc_database) {
      auto p = win(*w.loc_database, "world.locations.database");
      if (!p) return p.status();
      loc.database = *p;
    }
    if (w.loc_logs) {
      auto p = win(*w.loc_logs, "world.locations.logs");
      if (!p) return p.status();
      loc.logs = *p;
    }
    if (w.loc_checkpoint) {
      auto p = win(*w.loc_checkpoint, "world.locations.checkpoint");
      if (!p) return p.status();
      loc.checkpoint = *p;
    }
    o.locations = loc;
  }
  // Written after the backup (write_existing): they are what the DC holds at the test's
  // time, and a text file at the DIT's or a log's path must not end up in the set as one.
  for (const std::string& f : w.existing_files) {
    auto p = win(f, "world.existingFiles");
    if (!p) return p.status();
    s.existing.push_back({*p, "existing file " + f + "\n", std::nullopt});
  }
  auto world = sim::create_world(world_dir, o);
  if (!world) return world.status().with_context("creating the world");
  s.world = *world;
  return Status::ok();
}

// world.backup.signWith: the key file is the test's input, read as hostile as keygen's.
Result<std::optional<platform::Ed25519KeyPair>> signing_key(const PlanTest& t) {
  if (!t.world.backup_sign_key) return std::optional<platform::Ed25519KeyPair>();
  const std::string& path = *t.world.backup_sign_key;
  auto text = input::read_capped_file(path, platform::k_max_key_file_bytes);
  if (!text) return text.status().with_context("world.backup.signWith " + path);
  auto kp = platform::parse_private_key_file(*text);
  if (!kp) return kp.status().with_context("world.backup.signWith " + path);
  return std::optional<platform::Ed25519KeyPair>(*kp);
}

Status take_backup(const PlanTest& t, const plan::Plan& plan, Setup& s) {
  auto key = signing_key(t);
  if (!key) return key.status();
  auto backend = sim::open_sim_backend(s.world->dir());
  if (!backend) return backend.status();
  auto out = backend->disks->host_path(plan.backup_source.value);
  if (!out) return out.status().with_context("spec.backup.source");
  backup::BackupOptions bo;
  bo.out_dir = *out;
  bo.signing_key = *key;
  if (auto snap = backend->world->snapshot()) bo.now_unix = static_cast<std::int64_t>(std::time(nullptr)) + snap->clock_offset;
  auto made = backup::run_backup(*backend->api, *backend->host, bo);
  if (!made) return made.status().with_context("taking the backup set");
  s.manifest = made->manifest;
  return Status::ok();
}

// The DC kept working after its backup: its live database is rewritten as the next
// generation, so that a DIT the run restored and one it left alone are told apart (the
// logs differ already: the backup truncated them).
Status dc_moves_on(Setup& s) {
  auto snap = s.world->snapshot();
  if (!snap) return snap.status();
  if (!snap->ntds.database) return Status::ok();
  auto host = s.world->disks().host_path(*snap->ntds.database);
  if (!host) return host.status();
  auto header = sim::read_sim_header(*host);
  if (!header) return Status::ok();  // no simulated database there: nothing to move on
  sim::SimFileSpec next = *header;
  next.generation += 1;
  return sim::write_sim_file(*host, next).with_context("the DC's database after the backup");
}

Status write_programs(const PlanTest& t, Setup& s) {
  for (const auto& [path, prog] : t.world.programs) {
    auto p = win(path, "world.programs");
    if (!p) return p.status();
    auto host = s.world->disks().host_path(*p);
    if (!host) return host.status().with_context("world.programs");
    if (Status st = platform::create_dirs(platform::parent_dir(*host)); !st) return st;
    if (Status st = platform::write_file_durable(*host, stand_in_script(prog)); !st) return st;
    std::error_code ec;
    std::filesystem::permissions(*host, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                            std::filesystem::perms::group_exec, ec);
    if (ec) return Status::error(Code::io, "cannot make " + *host + " executable: " + ec.message());
  }
  return Status::ok();
}

Status prepare(const PlanTest& t, const plan::Plan& plan, const std::string& world_dir, Setup& s) {
  if (Status st = make_world(t, plan, world_dir, s); !st) return st;
  if (Status st = take_backup(t, plan, s); !st) return st;
  if (Status st = dc_moves_on(s); !st) return st;
  if (Status st = sim::write_existing_files(*s.world, s.existing); !st) return st;
  // Now the DC as the test wants it: the clock back to today, the DC in DSRM (or not).
  const bool online = t.world.ntds_online.value_or(false);
  const bool dsrm = t.world.dsrm.value_or(true);
  const std::string dc = t.world.dc ? *t.world.dc : plan.domain_controller.value;
  Status st = s.world->update([&](sim::Transaction& tx) {
    tx.state().dc = dc;
    tx.state().clock_offset = 0;
    tx.state().ntds_online = online;
    tx.state().dsrm = dsrm;
    return Status::ok();
  });
  if (!st) return st.with_context("switching the world to the test's state");
  if (Status ps = write_programs(t, s); !ps) return ps;
  std::vector<sim::Fault> faults;
  for (std::size_t i = 0; i < t.faults.size(); ++i) {
    auto f = sim::fault_from_json(t.faults[i], "faults[" + std::to_string(i) + "]");
    if (!f) return f.status();
    faults.push_back(*f);
  }
  if (Status fs = s.world->add_faults(faults); !fs) return fs.with_context("adding the faults");
  auto set_dir = s.world->disks().host_path(plan.backup_source.value);
  if (!set_dir) return set_dir.status();
  if (Status cs = s.world->apply_corrupt_faults(*set_dir); !cs) return cs.with_context("corrupting the backup set");
  auto calls = s.world->calls();
  if (!calls) return calls.status();
  s.calls_before = calls->size();
  for (const auto& [path, want] : t.expect.files) {
    (void)want;
    auto p = win(path, "expect.files");
    if (!p) return p.status();
    auto host = s.world->disks().host_path(*p);
    s.before[path] = host ? file_sha256(*host) : std::nullopt;
  }
  return Status::ok();
}

std::string hook_result(exec::StepOutcome outcome, bool timed_out) {
  if (timed_out) return "timed-out";
  switch (outcome) {
    case exec::StepOutcome::succeeded: return "succeeded";
    case exec::StepOutcome::skipped: return "skipped";
    case exec::StepOutcome::interrupted: return "interrupted";
    case exec::StepOutcome::failed:
    case exec::StepOutcome::refused: return "failed";
  }
  return "failed";
}

void observe_journal(const std::string& state_dir, Observed& seen, std::map<std::string, std::string>& quarantined_to) {
  auto journal = exec::read_journal(exec::journal_path(state_dir));
  if (!journal) {
    // No journal: the run stopped before it started (refused by a check that comes first,
    // or the plan did not load).
    seen.outcome = seen.exit_code == 5 ? "refused" : "not-started";
    return;
  }
  const exec::RunState& rs = journal->state;
  seen.outcome = rs.finished ? exec::to_string(*rs.finished) : "unfinished";
  seen.failed_step = rs.failed_step;
  seen.message = rs.failure_message;
  for (const auto& [id, st] : rs.steps) {
    const std::string hook = exec::hook_name_of(id);
    if (hook.empty() || !st.outcome) continue;
    auto record = rs.hooks.find(hook);  // the hook's last run
    seen.hooks[hook] = hook_result(*st.outcome, record != rs.hooks.end() && record->second.timed_out);
  }
  for (const exec::FileCleared& c : rs.cleared) {
    if (!c.to.empty()) quarantined_to[lower_win(c.file)] = c.to;
  }
}

void observe_files(const PlanTest& t, Setup& s, const std::map<std::string, std::string>& quarantined_to, Observed& seen) {
  for (const auto& [path, want] : t.expect.files) {
    auto p = WinPath::parse(path);
    if (!p) continue;
    auto host = s.world->disks().host_path(*p);
    const std::optional<std::string> now = host ? file_sha256(*host) : std::nullopt;
    std::optional<std::string> backup_sha;
    for (const backup::ManifestFile& f : s.manifest.files) {
      if (lower_win(file_name_of(f.path)) == lower_win(file_name_of(path))) backup_sha = f.sha256;
    }
    std::vector<std::string> holds;
    if (now && backup_sha && *now == *backup_sha) holds.push_back("restored");
    if (now == s.before[path]) holds.push_back("unchanged");
    if (!now) {
      auto q = quarantined_to.find(lower_win(path));
      bool in_quarantine = false;
      if (q != quarantined_to.end()) {
        if (auto qp = WinPath::parse(q->second)) {
          auto qh = s.world->disks().host_path(*qp);
          in_quarantine = qh && platform::stat_nofollow(*qh).is_ok();
        }
      }
      holds.push_back(in_quarantine ? "quarantined" : "absent");
    }
    std::string state = holds.empty() ? (now ? "other (neither the backup's file nor the old one)" : "absent") : holds[0];
    if (std::find(holds.begin(), holds.end(), want.value) != holds.end()) state = want.value;
    seen.files[path] = state;
  }
}

}  // namespace

TestResult run_plan_test(const PlanTest& test, const RunnerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  TestResult r;
  r.name = test.name;
  r.file = test.file;
  r.world_dir = platform::join_path(options.work_dir, "world");
  r.state_dir = platform::join_path(options.work_dir, "state");
  const std::string events = platform::join_path(options.work_dir, "events.jsonl");
  auto finish = [&](Status st) {
    r.setup = std::move(st);
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return r;
  };

  plan::PlanLoad load = plan::load_plan_file(test.plan_path);
  if (!load.plan) return finish(Status::error(Code::invalid_input, "the plan " + test.plan_path + " does not load (run adrestore validate on it)"));
  const plan::Plan& plan = *load.plan;
  if (Status st = platform::create_dirs(options.work_dir); !st) return finish(st);
  Setup s;
  if (Status st = prepare(test, plan, r.world_dir, s); !st) return finish(st.with_context("setting up the world"));

  Child run = run_child(options, {"run", test.plan_path, "--api", "sim", "--world", r.world_dir, "--state", r.state_dir,
                                  "--yes", "--events", events});
  if (!run.result.started()) return finish(run.result.spawn_error.with_context("starting " + options.adrestore_exe));
  Child last = run;
  std::string transcript = "$ adrestore run\n" + run.output;
  auto resume = [&]() {
    std::vector<std::string> args = {"resume", "--state", r.state_dir, "--api", "sim", "--world", r.world_dir, "--yes",
                                     "--events", events};
    for (const std::string& h : test.rerun_hooks) args.insert(args.end(), {"--rerun-hook", h});
    for (const std::string& h : test.skip_hooks) args.insert(args.end(), {"--skip-hook", h});
    last = run_child(options, args);
    transcript += "$ adrestore resume\n" + last.output;
  };
  if (test.has_crash && !run.result.exited) resume();
  bool restarted = false;
  if (plan.restart == plan::Restart::normal_mode && last.result.exited && last.result.exit_code == 0) {
    resume();  // the post-restart check
    restarted = true;
  }

  Observed& seen = r.seen;
  seen.exit_code = exit_code_of(last.result);
  std::map<std::string, std::string> quarantined_to;
  observe_journal(r.state_dir, seen, quarantined_to);
  if (seen.message.empty() && seen.outcome != "succeeded") seen.message = transcript;
  auto calls = s.world->calls();
  if (!calls) return finish(calls.status().with_context("reading calls.log"));
  std::vector<sim::CallRecord> mine(calls->begin() + static_cast<std::ptrdiff_t>(std::min(s.calls_before, calls->size())),
                                    calls->end());
  seen.calls = sim::call_names(mine, sim::FreeCalls::exclude);
  observe_files(test, s, quarantined_to, seen);
  if (plan.restart == plan::Restart::normal_mode && restarted) {
    if (auto snap = s.world->snapshot()) seen.dc_starts = snap->ntds_online;
  }
  r.mismatches = compare(test.expect, seen);
  return finish(Status::ok());
}

}  // namespace adrestore::plantest
