// validate_bench: the cost of validating one restore plan inside one process.
//
// Generates N plans (four shapes, from the minimal plan to one with hooks, destinations,
// credentials and authoritative DNs), then times plan::load_plan_text over all of them for
// several rounds and reports the median cost per plan. The first load is timed on its own:
// it includes parsing the built-in schema. --invalid times plans with three errors each.
// --write DIR writes the generated plans as files (for bench/validate.sh and Ajv) instead.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "plan/validate.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string pad(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", i);
  return buf;
}

// Plan number i; the shapes rotate so every part of the pipeline is exercised.
std::string generate_plan(int i, bool invalid) {
  const std::string n = pad(i);
  std::string p = "# yaml-language-server: $schema=../schema/restore-plan.schema.json\n"
                  "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc" +
                  n + "\n  domainController: DC" + n + ".corp.example.com\n";
  if (i % 4 == 3)
    p += "  description: Restore of DC" + n + " with everything set.\n  labels: {site: hq, tier: \"0\"}\n";
  p += "spec:\n  backup:\n    source: 'D:\\Backups\\DC" + n + "'\n";
  if (invalid) p += "    maxAge: 5 days\n";
  if (i % 4 >= 1) {
    p += "    maxAge: 60d\n  restore:\n";
    if (i % 4 == 3) {
      p += "    authoritative:\n      subtrees: ['OU=Finance,DC=corp,DC=example,DC=com']\n"
           "      objects: ['CN=Payroll Admins,OU=Groups,DC=corp,DC=example,DC=com']\n";
    }
    p += "    destinations:\n      database: 'E:\\NTDS'\n      logs: 'F:\\NTDSLogs'\n      checkpoint: 'F:\\NTDSLogs'\n"
         "    onLocationsFailure: fail\n    existingFiles: quarantine\n    quarantine: 'E:\\adrestore-quarantine'\n";
    if (invalid) p += "    existingFile: delete\n";
    p += "  credentials:\n    user: Administrator\n    domain: DC" + n +
         "\n    passwordFrom: env:ADRESTORE_DSRM_PASSWORD\n";
  }
  if (i % 4 >= 2) {
    p += "  hooks:\n    pre:\n"
         "      - name: pause-antivirus\n        run: ['C:\\Tools\\avctl.exe', 'pause', '--minutes', '120']\n"
         "        timeout: 2m\n        onError: fail\n"
         "      - name: stop-backup-agent\n        run: ['C:\\Tools\\agentctl.exe', 'stop', '--plan', '${plan.name}']\n"
         "        timeout: 1m\n        onError: continue\n        idempotent: true\n"
         "    post:\n"
         "      - name: notify-ops\n"
         "        run: ['C:\\Tools\\notify.exe', '--plan', '${plan.name}', '--outcome', '${run.outcome}']\n"
         "        when: always\n        timeout: 30s\n        onError: continue\n"
         "        env: {NOTIFY_CHANNEL: dc-restores}\n";
    if (invalid) p += "        retries: 3\n";
    p += "  afterRestore:\n    restart: normal-mode\n";
  }
  if (invalid && i % 4 == 0) p += "  restore: {existingFiles: remove, quarantine: 'D:\\Backups\\DC" + n + "\\q'}\n";
  return p;
}

struct Options {
  int count = 1000;
  int rounds = 7;
  bool invalid = false;
  std::string write_dir;
};

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--count" && i + 1 < argc) {
      o.count = std::atoi(argv[++i]);
    } else if (a == "--rounds" && i + 1 < argc) {
      o.rounds = std::atoi(argv[++i]);
    } else if (a == "--invalid") {
      o.invalid = true;
    } else if (a == "--write" && i + 1 < argc) {
      o.write_dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: adrestore_validate_bench [--count N] [--rounds R] [--invalid] [--write DIR]\n"
                           "Times plan::load_plan_text on N generated plans (default 1000) for R rounds.\n");
      std::exit(2);
    }
  }
  if (o.count < 1 || o.rounds < 1) std::exit(2);
  return o;
}

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_args(argc, argv);
  std::vector<std::string> plans;
  plans.reserve(static_cast<std::size_t>(opt.count));
  for (int i = 0; i < opt.count; ++i) plans.push_back(generate_plan(i, opt.invalid));

  if (!opt.write_dir.empty()) {
    for (int i = 0; i < opt.count; ++i) {
      std::ofstream out(opt.write_dir + "/dc" + pad(i) + ".yaml", std::ios::binary);
      out << plans[static_cast<std::size_t>(i)];
      if (!out) {
        std::fprintf(stderr, "cannot write into %s\n", opt.write_dir.c_str());
        return 2;
      }
    }
    std::printf("wrote %d plans to %s\n", opt.count, opt.write_dir.c_str());
    return 0;
  }

  // The first load pays for parsing the built-in schema once.
  const auto first_start = Clock::now();
  const adrestore::plan::PlanLoad first = adrestore::plan::load_plan_text(plans[0], "dc0000.yaml");
  const double first_us = micros(Clock::now() - first_start);

  // Wall time and CPU time per round: on a shared machine the wall clock also counts the
  // time other processes had the core, so the CPU figure is the one held to the target.
  std::vector<double> wall_per_plan;
  std::vector<double> cpu_per_plan;
  std::size_t errors = 0;
  std::size_t bytes = 0;
  for (const std::string& p : plans) bytes += p.size();
  for (int r = 0; r < opt.rounds; ++r) {
    errors = 0;
    const auto start = Clock::now();
    const std::clock_t cpu_start = std::clock();
    for (std::size_t i = 0; i < plans.size(); ++i) {
      const adrestore::plan::PlanLoad load = adrestore::plan::load_plan_text(plans[i], "plan.yaml");
      errors += load.diags.error_count();
    }
    const double n = static_cast<double>(plans.size());
    cpu_per_plan.push_back(1e6 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC / n);
    wall_per_plan.push_back(micros(Clock::now() - start) / n);
  }
  std::sort(wall_per_plan.begin(), wall_per_plan.end());
  std::sort(cpu_per_plan.begin(), cpu_per_plan.end());
  const double median = cpu_per_plan[cpu_per_plan.size() / 2];
  if (!opt.invalid && errors != 0) {
    std::fprintf(stderr, "generated plans should be valid but gave %zu errors\n", errors);
    return 1;
  }
  std::printf("in-process: %d %s plans (%.0f bytes on average), %d rounds\n", opt.count,
              opt.invalid ? "invalid" : "valid", static_cast<double>(bytes) / opt.count, opt.rounds);
  std::printf("  CPU per plan:  median %.1f us, best %.1f us, worst %.1f us%s\n", median, cpu_per_plan.front(),
              cpu_per_plan.back(), opt.invalid ? "" : "  (target <= 150 us)");
  std::printf("  wall per plan: median %.1f us, best %.1f us, worst %.1f us\n", wall_per_plan[wall_per_plan.size() / 2],
              wall_per_plan.front(), wall_per_plan.back());
  if (opt.invalid) std::printf("  errors per plan: %.1f\n", static_cast<double>(errors) / opt.count);
  std::printf("  first plan, including the schema set-up: %.0f us (%zu errors)\n", first_us, first.diags.error_count());
  return (!opt.invalid && median > 150.0) ? 3 : 0;
}
