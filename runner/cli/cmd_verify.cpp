// adrestore verify SOURCE: the deep check of a backup set, without a restore and without
// DSRM, for a scheduled task or a CI job against the backup share. It runs the same full-depth
// verification as the backup.verify step (backup/verify.h: every hash, the structure, the
// age, and the checks added to that shared path), and changes nothing.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "base/duration.h"
#include "base/text.h"
#include "cli/app.h"
#include "cli/backend.h"
#include "cli/exit_codes.h"
#include "cli/run_output.h"
#include "cli/verify_output.h"
#include "host/folder_disks.h"
#include "platform/interrupt.h"
#include "plan/validate.h"

namespace adrestore::cli {
namespace {

// The Windows path a plain folder stands for in messages before they are put back in its
// own name (FolderDisks); a UNC root that no real message contains.
const char* k_folder_root = "\\\\adrestore-folder\\set";

struct Reached {
  std::unique_ptr<host::Disks> disks;
  WinPath source;
  std::string folder;  // a plain folder of this machine: its path, to name it in messages
};

// Where SOURCE is read from: a simulated world's disks (--world, or $ADRESTORE_SIM_WORLD),
// this machine's volumes on Windows, and elsewhere the plain folder SOURCE names.
Result<Reached> reach(const std::string& source, const BackendOptions& backend) {
  Reached r;
  const std::string api = effective_api(backend.api, backend.world);
  const bool windows_path = static_cast<bool>(WinPath::parse(source));
#ifdef _WIN32
  const bool plain_folder = false;
#else
  const bool plain_folder = api != "sim" || named_world(backend.world).empty();
#endif
  if (plain_folder) {
    auto info = platform::stat_nofollow(source);
    const bool missing = !info || info->type == platform::FileType::missing;
    if (missing && windows_path) {
      return Status::error(Code::usage, source + " is a Windows path; on this machine name the folder itself, or a "
                                                 "simulated world with --api sim --world DIR");
    }
    r.folder = std::filesystem::absolute(std::filesystem::u8path(source)).lexically_normal().u8string();
    while (r.folder.size() > 1 && r.folder.back() == '/') r.folder.pop_back();
    r.source = *WinPath::parse(k_folder_root);
    r.disks = std::make_unique<host::FolderDisks>(r.folder, r.source);
    return r;
  }
  auto reached = reach_backup_sets(api, backend.world);
  if (!reached) return reached.status();
  if (!reached->access.disks) return Status::error(Code::usage, "cannot reach " + source + ": " + reached->access.unreachable_reason);
  std::string text = source;
#ifdef _WIN32
  if (!windows_path) text = std::filesystem::absolute(std::filesystem::u8path(source)).u8string();
#endif
  auto parsed = WinPath::parse(text);
  if (!parsed) return Status::error(Code::usage, "SOURCE: " + parsed.status().message());
  r.source = *parsed;
  r.disks = std::move(reached->disks);
  return r;
}

// Messages name a plain folder by its own path, not by the stand-in root.
void name_folder(backup::SetVerification& v, const Reached& r) {
  if (r.folder.empty()) return;
  const std::string from = r.source.str();
  auto fix = [&](std::string& s) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + r.folder.size())) {
      s.replace(at, from.size(), r.folder);
    }
    for (std::size_t at = s.find(r.folder + "\\"); at != std::string::npos; at = s.find(r.folder + "\\", at + 1)) {
      s[at + r.folder.size()] = '/';
    }
  };
  for (backup::VerifyProblem& p : v.result.problems) fix(p.message);
  for (std::string& n : v.result.notes) fix(n);
}

// Progress on a terminal only: one redrawn line on stderr.
class Progress {
 public:
  explicit Progress(bool on) : m_on(on), m_start(std::chrono::steady_clock::now()) {}
  ~Progress() { clear(); }
  void clear() {
    if (m_shown) std::fputs("\r\033[K", stderr);
    m_shown = false;
  }
  void update(std::uint64_t done, std::uint64_t total) {
    if (!m_on) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::milliseconds(200) && done < total) return;
    m_last = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double rate = elapsed > 0.2 ? static_cast<double>(done) / elapsed : 0;
    const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
    std::fprintf(stderr, "\r\033[K  verifying %5.1f%% (%s/%s) %s ETA %s", pct, format_bytes(done).c_str(),
                 format_bytes(total).c_str(), format_rate(rate).c_str(),
                 format_eta(rate > 0 ? static_cast<double>(total - done) / rate : -1).c_str());
    std::fflush(stderr);
    m_shown = true;
  }

 private:
  bool m_on;
  bool m_shown = false;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last{};
};

}  // namespace

void add_verify_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::string source;
    std::string plan;
    std::string max_age;
    std::string format = "text";
    unsigned threads = 0;
    BackendOptions backend;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("verify", "Check a backup set in depth (every hash, ESE headers, signature, structure, age) without restoring");
  cmd->add_option("source", opt->source,
                  "The backup set folder: a folder of this machine, or a Windows path inside the world with --api sim "
                  "(default: the --plan's spec.backup.source)");
  cmd->add_option("--plan", opt->plan, "Take maxAge, the manifest name, the trusted keys (spec.backup.trust) and the source from this restore plan");
  cmd->add_option("--max-age", opt->max_age, "Refuse a set older than this (90s, 5m, 2h, 180d; default the plan's, else 180d)");
  cmd->add_option("--format", opt->format, "Output: text, json (one document) or junit (one test case per file and per set check)")
      ->check(CLI::IsMember({"text", "json", "junit"}));
  cmd->add_option("-j,--threads", opt->threads, "Hashing threads (default: every core)");
  add_backend_options(cmd, opt->backend);
  cmd->footer(
      "Examples:\n"
      "  adrestore verify /mnt/backups/DC01                       a set on a mounted share\n"
      "  adrestore verify --plan plans/dc01.yaml --format junit /mnt/backups/DC01 > verify.xml\n"
      "  adrestore verify --api sim --world /tmp/dc01 'D:\\Backups\\DC01'\n"
      "Exit codes: 0 verified, 1 the --plan is invalid, 2 usage, 3 the set failed verification (as the\n"
      "backup.verify step would), 4 interrupted.");
  cmd->callback([opt, &global, &exit_code] {
    auto fail = [&](const Status& s) {
      std::cerr << "adrestore: error: " << s.message() << "\n";
      exit_code = exit_code_for(s.code());
    };
    backup::VerifyOptions vo;
    std::string manifest_name = backup::k_default_manifest_name;
    std::string source = opt->source;
    if (!opt->plan.empty()) {
      plan::PlanLoad load = plan::load_plan_file(opt->plan);
      if (!load.plan) {
        for (const input::Diagnostic& d : load.diags.items()) std::cerr << input::format_text(d) << "\n";
        const bool unreadable =
            load.failure == input::LoadFailure::unreadable || load.failure == input::LoadFailure::not_yaml;
        exit_code = unreadable ? k_exit_usage : k_exit_invalid;
        return;
      }
      vo.max_age_seconds = load.plan->max_age_seconds;
      manifest_name = load.plan->manifest_name;
      if (source.empty()) source = load.plan->backup_source.value.str();
      vo.trust = load.plan->trusted_keys();  // spec.backup.trust: the signature must check out
    }
    if (source.empty()) return fail(Status::error(Code::usage, "name the backup set (SOURCE) or a plan (--plan)"));
    if (!opt->max_age.empty()) {
      auto s = parse_duration_seconds(opt->max_age);
      if (!s) return fail(Status::error(Code::usage, "--max-age: '" + opt->max_age + "' is not a duration (use 90s, 5m, 2h or 180d)"));
      vo.max_age_seconds = *s;
    }
    auto reached = reach(source, opt->backend);
    if (!reached) return fail(reached.status());

    vo.now_unix = static_cast<std::int64_t>(std::time(nullptr));
    vo.depth = backup::VerifyDepth::full;
    vo.threads = opt->threads;
    vo.cancel = &platform::install_interrupt_flag();
    Progress progress(platform::is_terminal(2) && global.verbosity >= 0);
    vo.progress = [&progress](std::uint64_t done, std::uint64_t total) { progress.update(done, total); };

    VerifyReport report;
    report.source = source;
    report.max_age_seconds = vo.max_age_seconds;
    const auto start = std::chrono::steady_clock::now();
    report.set = backup::verify_backup_set(*reached->disks, reached->source, manifest_name, vo);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    name_folder(report.set, *reached);
    progress.clear();

    if (opt->format == "json") {
      write_verify_json(std::cout, report);
    } else if (opt->format == "junit") {
      write_verify_junit(std::cout, report);
    } else {
      write_verify_text(std::cout, report, global.use_color(1));
    }
    exit_code = report.set.result.cancelled ? k_exit_interrupted : report.ok() ? k_exit_ok : k_exit_failed;
  });
}

}  // namespace adrestore::cli
