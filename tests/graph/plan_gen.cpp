#include "graph/plan_gen.h"

#include <sstream>

namespace adrestore::testing {
namespace {

// Portable draws: the same seed gives the same plan with any standard library.
class Draw {
 public:
  explicit Draw(std::uint32_t seed) : m_rng(seed) {}
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(m_rng() % n); }
  bool coin() { return below(2) == 1; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(static_cast<std::uint32_t>(v.size()))];
  }

 private:
  std::mt19937 m_rng;
};

std::string sq(const std::string& s) {  // YAML single-quoted scalar
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

const std::vector<std::string> k_words = {"pause-av", "stop-agent", "notify", "snapshot", "page", "audit",
                                          "ticket", "lock-console", "drain", "mark", "x", "hook-9"};
const std::vector<std::string> k_args = {"--plan", "${plan.name}", "${plan.dc}", "${run.id}", "${backup.source}",
                                         "a b", "it's", "say \"hi\"", "#tag", "<x>", "a&b", "100%", "é", "--"};
const std::vector<std::string> k_durations = {"1s", "30s", "90s", "2m", "5m", "1h", "24h"};
const std::vector<std::string> k_dests = {"E:\\NTDS", "F:\\NTDSLogs", "G:\\Chk", "\\\\nas\\ntds\\db", "E:\\NTDS\\Logs"};

void write_hook(std::ostream& y, Draw& d, const std::string& name, bool post, std::string* when) {
  y << "      - name: " << name << "\n";
  y << "        run: [" << sq(d.coin() ? "C:\\Tools\\" + name + ".exe" : name);
  const std::uint32_t nargs = d.below(5);
  for (std::uint32_t i = 0; i < nargs; ++i) y << ", " << sq(d.pick(k_args));
  if (post && d.coin()) y << ", " << sq("${run.outcome}");
  y << "]\n";
  if (d.coin()) y << "        timeout: " << d.pick(k_durations) << "\n";
  if (d.coin()) y << "        onError: " << (d.coin() ? "fail" : "continue") << "\n";
  if (post) {
    const std::uint32_t w = d.below(4);
    *when = w == 0 ? "" : w == 1 ? "success" : w == 2 ? "failure" : "always";
    if (!when->empty()) y << "        when: " << *when << "\n";
  }
  if (d.coin()) y << "        idempotent: " << (d.coin() ? "true" : "false") << "\n";
  if (d.below(3) == 0) y << "        env: {HOOK_MODE: " << sq(d.pick(k_args)) << "}\n";
  if (d.below(4) == 0) y << "        workingDir: 'C:\\Tools'\n";
}

}  // namespace

GeneratedPlan generate_plan(std::uint32_t seed) {
  Draw d(seed);
  GeneratedPlan g;
  g.seed = seed;
  std::ostringstream y;
  const unsigned dc = d.below(100);
  y << "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n";
  y << "  name: gen-" << seed << "\n";
  y << "  domainController: DC" << dc << ".corp.example.com\n";
  y << "spec:\n  backup:\n";
  y << "    source: " << sq(d.coin() ? "D:\\Backups\\DC" + std::to_string(dc) : "\\\\backup01\\ad\\DC" + std::to_string(dc)) << "\n";
  if (d.coin()) y << "    maxAge: " << (1 + d.below(3650)) << "d\n";

  std::ostringstream r;
  if (d.below(3) == 0) {
    g.authoritative = true;
    r << "    authoritative:\n";
    r << "      subtrees: ['OU=Finance,DC=corp,DC=example,DC=com'" << (d.coin() ? ", 'OU=HR,DC=corp,DC=example,DC=com'" : "") << "]\n";
    if (d.coin()) r << "      objects: ['CN=Payroll Admins,OU=Groups,DC=corp,DC=example,DC=com']\n";
  }
  std::ostringstream dests;
  for (const char* role : {"database", "logs", "checkpoint"}) {
    if (d.below(3) == 0) {
      dests << "      " << role << ": " << sq(d.pick(k_dests)) << "\n";
      ++g.overrides;
    }
  }
  if (g.overrides > 0) r << "    destinations:\n" << dests.str();
  if (d.coin()) {
    g.fail_on_locations = d.coin();
    r << "    onLocationsFailure: " << (g.fail_on_locations ? "fail" : "original") << "\n";
  }
  if (d.coin()) {
    g.delete_existing = d.coin();
    r << "    existingFiles: " << (g.delete_existing ? "delete" : "quarantine") << "\n";
  }
  if (d.below(3) == 0) {
    g.quarantine_root = true;
    r << "    quarantine: 'Q:\\adrestore-quarantine'\n";
  }
  if (!r.str().empty()) y << "  restore:\n" << r.str();

  if (d.below(3) == 0) {
    g.credentials = true;
    y << "  credentials:\n    user: Administrator\n";
    if (d.coin()) y << "    domain: DC" << dc << "\n";
    const std::uint32_t src = d.below(3);
    y << "    passwordFrom: " << (src == 0 ? "env:ADRESTORE_DSRM_PASSWORD" : src == 1 ? "prompt" : "'file:C:\\dsrm.txt'")
      << "\n";
  }

  const std::uint32_t npre = d.below(7);
  const std::uint32_t npost = d.below(7);
  if (npre + npost > 0) {
    y << "  hooks:\n";
    int serial = 0;
    auto next_name = [&] { return d.pick(k_words) + "-" + std::to_string(serial++); };
    if (npre > 0) {
      y << "    pre:\n";
      for (std::uint32_t i = 0; i < npre; ++i) {
        g.pre_hooks.push_back(next_name());
        write_hook(y, d, g.pre_hooks.back(), false, nullptr);
      }
    }
    if (npost > 0) {
      y << "    post:\n";
      for (std::uint32_t i = 0; i < npost; ++i) {
        g.post_hooks.push_back(next_name());
        g.post_when.emplace_back();
        write_hook(y, d, g.post_hooks.back(), true, &g.post_when.back());
      }
    }
  }
  if (d.coin()) {
    g.restart = d.coin();
    y << "  afterRestore:\n    restart: " << (g.restart ? "normal-mode" : "none") << "\n";
  }
  g.yaml = y.str();
  return g;
}

std::string plan_yaml(const PlanOptions& o, const std::string& name) {
  std::ostringstream y;
  y << "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: " << name
    << "\n  domainController: DC01\nspec:\n  backup:\n    source: 'D:\\Backups\\DC01'\n  restore:\n";
  if (o.authoritative) y << "    authoritative: {objects: ['CN=Admins,DC=corp,DC=example,DC=com']}\n";
  if (o.destinations > 0) {
    y << "    destinations:\n";
    if (o.destinations == 1 || o.destinations == 3) y << "      database: 'E:\\NTDS'\n";
    if (o.destinations >= 2) y << "      logs: 'F:\\Logs'\n      checkpoint: 'F:\\Logs'\n";
  }
  y << "    onLocationsFailure: " << (o.fail_on_locations ? "fail" : "original") << "\n";
  y << "    existingFiles: " << (o.delete_existing ? "delete" : "quarantine") << "\n";
  if (o.quarantine_root) y << "    quarantine: 'Q:\\q'\n";
  if (o.credentials) y << "  credentials: {user: Administrator, passwordFrom: prompt}\n";
  if (o.hooks >= 1) {
    y << "  hooks:\n    pre:\n      - {name: first, run: [a.exe]}\n";
    if (o.hooks >= 2) {
      y << "      - {name: second, run: [b.exe], onError: continue}\n";
      y << "    post:\n";
      y << "      - {name: on-success, run: [c.exe], when: success}\n";
      y << "      - {name: on-failure, run: [c.exe], when: failure}\n";
      y << "      - {name: on-always, run: [c.exe], when: always}\n";
    }
  }
  y << "  afterRestore: {restart: " << (o.restart ? "normal-mode" : "none") << "}\n";
  return y.str();
}

}  // namespace adrestore::testing
