#include "exec/matrix_fixture.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "exec/journal.h"
#include "sim/faults.h"
#include "sim/world.h"

namespace adrestore::testing {

namespace fs = std::filesystem;

std::map<std::string, std::string> files_under(const fs::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file()) out[fs::relative(it->path(), dir).generic_string()] = read_file(it->path());
  }
  return out;
}

namespace {

void require_ok(const RunResult& r, const std::string& what) {
  REQUIRE_MESSAGE(r.exit_code == 0, what << " failed (" << r.exit_code << "): " << r.err << r.out);
}

std::string yaml_quote(const std::string& s) { return "'" + s + "'"; }

// A world made by sim init + backup + sim boot costs three runs of the binary (seconds under
// ASan); the matrices need a hundred identical ones. So each distinct set of options is made
// once per test process, in a template directory, and copied. A world holds no host path of
// its own (Windows paths map into its fs/ folder), so a copy is a world of its own.
class Templates {
 public:
  ~Templates() {
    std::error_code ec;
    if (!m_root.empty()) fs::remove_all(m_root, ec);
  }
  // The template world for `o`, made on first use.
  fs::path world_for(const MatrixOptions& o) {
    std::string key = o.database_size + "|" + o.log_size + "|" + o.chunk_size + "|" + o.read_size + "|" + o.world_overrides;
    for (const auto& [name, content] : o.existing_files) key += "|f:" + name + "=" + content;
    for (const auto& [name, script] : o.programs) key += "|p:" + name + "=" + script;
    auto it = m_worlds.find(key);
    if (it != m_worlds.end()) return it->second;
    if (m_root.empty()) m_root = fs::temp_directory_path() / ("adrestore-matrix-templates-" + std::to_string(::getpid()));
    const fs::path dir = m_root / std::to_string(m_worlds.size());
    fs::remove_all(dir);  // what a failed attempt left
    fs::create_directories(dir);
    make(o, dir);
    return m_worlds.emplace(key, dir / "world").first->second;
  }

 private:
  static void make(const MatrixOptions& o, const fs::path& dir) {
    const fs::path world = dir / "world";
    std::string overrides = "existingFiles:\n";
    for (const auto& [name, content] : o.existing_files) {
      overrides += "  - {path: " + yaml_quote("C:\\Windows\\NTDS\\" + name) + ", content: " + nlohmann::json(content).dump() + "}\n";
    }
    if (o.existing_files.empty()) overrides.clear();
    overrides += o.world_overrides;
    if (overrides.empty()) overrides = "{}\n";
    const fs::path from = dir / "world-overrides.yaml";
    write_file(from, overrides);
    require_ok(run_adrestore({"-q", "sim", "init", world.string(), "--dc", "DC01.corp.example.com", "--database-size",
                              o.database_size, "--logs", "3", "--log-size", o.log_size, "--from", from.string()}),
               "sim init");
    require_ok(run_adrestore({"-q", "backup", "--api", "sim", "--world", world.string(), "--out", "D:\\Backups\\DC01",
                              "--chunk-size", o.chunk_size, "--read-size", o.read_size}),
               "backup");
    require_ok(run_adrestore({"-q", "sim", "boot", world.string(), "--dsrm"}), "sim boot --dsrm");
    for (const auto& [win, script] : o.programs) {
      std::string rel = win.substr(0, 1) + "/" + win.substr(3);
      for (char& c : rel) {
        if (c == '\\') c = '/';
      }
      const fs::path p = world / "fs" / rel;
      fs::create_directories(p.parent_path());
      write_file(p, script);
      ::chmod(p.c_str(), 0755);
    }
  }

  fs::path m_root;
  std::map<std::string, fs::path> m_worlds;
};

Templates& templates() {
  static Templates t;
  return t;
}

}  // namespace

MatrixWorld::MatrixWorld(const MatrixOptions& o) {
  world = tmp / "world";
  state = tmp / "state";
  plan = tmp / "plan.yaml";
  fs::copy(templates().world_for(o), world, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  write_file(plan,
             "apiVersion: adrestore/v1\n"
             "kind: RestorePlan\n"
             "metadata:\n"
             "  name: matrix\n"
             "  domainController: DC01.corp.example.com\n"
             "spec:\n"
             "  backup:\n"
             "    source: 'D:\\Backups\\DC01'\n"
             "  restore:\n"
             "    existingFiles: quarantine\n"
             "    quarantine: 'C:\\Quarantine'\n" +
                 o.plan_spec_extra);
  destination_before = destination();
}

std::vector<std::string> MatrixWorld::run_args(const std::vector<std::string>& extra) const {
  std::vector<std::string> a{"run", plan.string(), "--api", "sim", "--world", world.string(), "--state", state.string(), "--yes"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

std::vector<std::string> MatrixWorld::resume_args(const std::vector<std::string>& extra) const {
  std::vector<std::string> a{"resume", "--state", state.string(), "--api", "sim", "--world", world.string(), "--yes"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

RunResult MatrixWorld::run(const std::vector<std::string>& extra, const std::vector<std::string>& env) const {
  return run_adrestore(run_args(extra), 60, env);
}

RunResult MatrixWorld::resume(const std::vector<std::string>& extra, const std::vector<std::string>& env) const {
  return run_adrestore(resume_args(extra), 60, env);
}

RunResult MatrixWorld::resume_until_done(int attempts, const std::vector<std::string>& env) const {
  RunResult r;
  for (int i = 0; i < attempts; ++i) {
    r = resume({}, env);
    if (r.exit_code == 0) break;
  }
  return r;
}

void MatrixWorld::add_faults(const nlohmann::json& faults) const {
  auto w = sim::World::open(world.string());
  REQUIRE_MESSAGE(w.is_ok(), w.status().message());
  std::vector<sim::Fault> list;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    auto f = sim::fault_from_json(faults[i], "faults[" + std::to_string(i) + "]");
    REQUIRE_MESSAGE(f.is_ok(), f.status().message());
    list.push_back(*f);
  }
  const Status s = (*w)->add_faults(list);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
}

void MatrixWorld::clear_faults() const {
  auto w = sim::World::open(world.string());
  REQUIRE_MESSAGE(w.is_ok(), w.status().message());
  const Status s = (*w)->update([](sim::Transaction& tx) {
    tx.state().faults.clear();
    return Status::ok();
  });
  REQUIRE_MESSAGE(s.is_ok(), s.message());
}

std::map<std::string, std::string> MatrixWorld::destination() const { return files_under(host("C/Windows/NTDS")); }

std::map<std::string, std::string> MatrixWorld::backup_set() const {
  auto set = files_under(host("D/Backups/DC01"));
  set.erase("adrestore-backup.json");
  return set;
}

std::multimap<std::string, std::string> MatrixWorld::quarantine() const {
  std::multimap<std::string, std::string> out;
  for (const auto& [name, content] : files_under(host("C/Quarantine"))) {
    const auto slash = name.find('/');
    out.emplace(slash == std::string::npos ? name : name.substr(slash + 1), content);
  }
  return out;
}

std::vector<sim::CallRecord> MatrixWorld::calls() const {
  auto r = sim::read_calls_log((world / "calls.log").string());
  REQUIRE_MESSAGE(r.is_ok(), r.status().message());
  return *r;
}

std::vector<std::string> MatrixWorld::call_names() const { return sim::call_names(calls(), sim::FreeCalls::exclude); }

std::size_t MatrixWorld::journal_records() const {
  auto j = exec::read_journal(exec::journal_path(state.string()));
  REQUIRE_MESSAGE(j.is_ok(), j.status().message());
  return j->records.size();
}

exec::RunState MatrixWorld::run_state() const {
  auto j = exec::read_journal(exec::journal_path(state.string()));
  REQUIRE_MESSAGE(j.is_ok(), j.status().message());
  return j->state;
}

std::vector<std::string> MatrixWorld::lost_files() const {
  const auto now = destination();
  const auto q = quarantine();
  std::vector<std::string> lost;
  for (const auto& [name, content] : destination_before) {
    const auto here = now.find(name);
    if (here != now.end() && here->second == content) continue;
    bool found = false;
    for (const auto& [qname, qcontent] : q) {
      const std::string base = fs::path(qname).filename().string();
      if ((qname == name || base == name) && qcontent == content) found = true;
    }
    if (!found) lost.push_back(name);
  }
  return lost;
}

void check_restored(const MatrixWorld& w) {
  const auto dest = w.destination();
  const auto set = w.backup_set();
  CHECK(dest.size() == set.size());
  for (const auto& [name, content] : set) {
    CAPTURE(name);
    const auto it = dest.find(name);
    REQUIRE(it != dest.end());
    CHECK_MESSAGE(it->second == content, "restored file differs from the backup set");
  }
  // Everything that was there before is in the quarantine, once.
  const auto q = w.quarantine();
  CHECK(q.size() == w.destination_before.size());
  CHECK(w.lost_files().empty());
  const exec::RunState rs = w.run_state();
  REQUIRE(rs.finished.has_value());
  CHECK(*rs.finished == exec::RunOutcome::succeeded);
  CHECK_FALSE(rs.must_not_restart());
}

namespace {

int restore_rank(const std::string& call) {
  if (call == "DsRestorePrepare") return 0;
  if (call == "DsRestoreGetDatabaseLocations") return 1;
  if (call == "DsRestoreRegister") return 2;
  if (call == "DsRestoreRegisterComplete") return 3;
  if (call == "DsRestoreEnd") return 4;
  return -1;
}

std::string pid_of(const sim::CallRecord& c) {
  auto it = c.args.find("pid");
  if (it != c.args.end()) return it->second;
  it = c.outputs.find("pid");
  return it != c.outputs.end() ? it->second : std::string();
}

}  // namespace

std::string call_pid(const sim::CallRecord& c) { return pid_of(c); }

std::vector<std::string> pids_from(const std::vector<sim::CallRecord>& calls, std::size_t from) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < calls.size(); ++i) {
    const std::string pid = pid_of(calls[i]);
    if (!pid.empty() && std::find(out.begin(), out.end(), pid) == out.end()) out.push_back(pid);
  }
  return out;
}

void check_call_invariants(const std::vector<sim::CallRecord>& calls, const std::vector<std::string>& killed_pids) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const sim::CallRecord*>> by_pid;
  for (const auto& c : calls) {
    if (restore_rank(c.call) < 0) continue;
    const std::string pid = pid_of(c);
    REQUIRE_MESSAGE(!pid.empty(), "calls.log line without pid: " << c.line);
    if (!by_pid.count(pid)) order.push_back(pid);
    by_pid[pid].push_back(&c);
  }
  for (const std::string& pid : order) {
    CAPTURE(pid);
    int rank = -1;
    bool prepared = false;
    bool registered = false;
    bool ended_after_prepare = false;
    int completes = 0;
    for (const sim::CallRecord* c : by_pid[pid]) {
      CAPTURE(c->line);
      const int r = restore_rank(c->call);
      CHECK_MESSAGE(r >= rank, "restore calls out of order in one process");
      rank = r;
      if (r == 0 && c->hresult.ok()) prepared = true;
      if (r == 2 && c->hresult.ok()) registered = true;
      if (r == 3) {
        CHECK_MESSAGE(registered, "DsRestoreRegisterComplete without a successful DsRestoreRegister in its process");
        ++completes;
      }
      if (r == 4 && prepared) ended_after_prepare = true;
    }
    // A process registers once and completes that registration once. (A resumed process
    // registers again, and completes again: the context of the first one died with it.)
    CHECK_MESSAGE(completes <= 1, "DsRestoreRegisterComplete called more than once in one process");
    const bool killed = std::find(killed_pids.begin(), killed_pids.end(), pid) != killed_pids.end() ||
                        killed_pids == std::vector<std::string>{"*"};
    if (killed) continue;
    if (prepared) CHECK_MESSAGE(ended_after_prepare, "DsRestoreEnd missing after a successful DsRestorePrepare");
    if (registered) CHECK_MESSAGE(completes == 1, "DsRestoreRegisterComplete missing after a successful DsRestoreRegister");
  }
}

void check_no_unforced_failures(const std::vector<sim::CallRecord>& calls) {
  for (const auto& c : calls) {
    if (c.is_void || c.hresult.ok() || c.injected) continue;
    FAIL_CHECK("an API call failed without a fault making it fail (a stale handle?): " << c.line);
  }
}

Child::Child(const std::vector<std::string>& argv, const fs::path& out_dir, const std::vector<std::string>& env)
    : m_out(out_dir / "child.out"), m_err(out_dir / "child.err") {
  m_pid = ::fork();
  REQUIRE(m_pid >= 0);
  if (m_pid == 0) {
    ::setpgid(0, 0);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(m_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(m_err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

Child::~Child() {
  if (!m_reaped && m_pid > 0) {
    ::kill(-m_pid, SIGKILL);
    ::kill(m_pid, SIGKILL);
    int st = 0;
    ::waitpid(m_pid, &st, 0);
  }
}

void Child::signal(int sig) const {
  if (!m_reaped) ::kill(m_pid, sig);
}

bool Child::poll() {
  if (m_reaped) return true;
  if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) m_reaped = true;
  return m_reaped;
}

int Child::wait(double timeout_seconds) {
  const auto start = std::chrono::steady_clock::now();
  while (!poll()) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > timeout_seconds) {
      ::kill(-m_pid, SIGKILL);
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &m_status, 0);
      m_reaped = true;
      FAIL("child timed out");
      return -999;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(m_status)) return WEXITSTATUS(m_status);
  return -WTERMSIG(m_status);
}

std::string Child::out() const { return read_file(m_out); }
std::string Child::err() const { return read_file(m_err); }

}  // namespace adrestore::testing
