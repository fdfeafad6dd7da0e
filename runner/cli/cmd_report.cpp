// adrestore report --state DIR: the run's evidence as one self-contained HTML page or as
// JSON (doc/report.md). Read-only on the state folder; writes only --out.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/text.h"
#include "cli/app.h"
#include "cli/exit_codes.h"
#include "evidence/report_html.h"
#include "platform/fs.h"

namespace adrestore::cli {

void add_report_command(CLI::App& app, GlobalOptions&, int& exit_code) {
  struct Options {
    std::string state;
    std::string format = "html";
    std::string out;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("report", "Write a run's report: one self-contained HTML page, or JSON");
  cmd->add_option("--state", o->state, "State directory of the run")->required();
  cmd->add_option("--format", o->format, "Output: html (the default) or json")->check(CLI::IsMember({"html", "json"}));
  cmd->add_option("--out", o->out, "Write the report to FILE (replaced atomically) instead of stdout");
  cmd->footer(
      "Examples:\n"
      "  adrestore report --state C:\\ProgramData\\adrestore\\dc01 --out dc01-restore.html\n"
      "  adrestore report --state /var/lib/adrestore/dc01 --format json\n"
      "Exit codes: 0 written, 1 the journal is damaged, 2 no journal there or --out unwritable.");
  cmd->callback([o, &exit_code] {
    auto report = evidence::load_report(o->state);
    if (!report) {
      std::cerr << "adrestore: error: " << escape_for_terminal(report.status().message()) << "\n";
      exit_code = exit_code_for(report.status().code());
      return;
    }
    const std::string text = o->format == "json"
                                 ? evidence::to_json(*report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
                                 : evidence::render_html(*report);
    if (o->out.empty()) {
      std::cout << text;
      exit_code = k_exit_ok;
      return;
    }
    if (Status s = platform::write_file_durable(o->out, text); !s) {
      std::cerr << "adrestore: error: " << escape_for_terminal(s.message()) << "\n";
      exit_code = k_exit_usage;
      return;
    }
    std::cerr << "adrestore: report written to " << escape_for_terminal(o->out) << "\n";
    exit_code = k_exit_ok;
  });
}

}  // namespace adrestore::cli
