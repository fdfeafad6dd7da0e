// The command-line front end: CLI11 wiring, output formats and exit codes. Thin by design:
// each command parses options, calls the library, and prints.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace adrestore::cli {

enum class ColorMode { auto_, always, never };

// Options shared by every command.
struct GlobalOptions {
  int verbosity = 0;  // -v and --log-level debug add, -q and --log-level warn subtract
  ColorMode color = ColorMode::auto_;
  bool use_color(int fd) const;
};

// Each command registers itself: it adds a subcommand whose callback stores the exit code.
void add_validate_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_schema_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_plan_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_sim_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_backup_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_keygen_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_journal_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_verify_command(CLI::App& app, GlobalOptions& global, int& exit_code);   // deep check of a backup set
void add_journal_verify_command(CLI::App& journal, int& exit_code);  // under `journal`

void add_run_command(CLI::App& app, GlobalOptions& global, int& exit_code);  // run and resume
void add_status_command(CLI::App& app, GlobalOptions& global, int& exit_code);
void add_report_command(CLI::App& app, GlobalOptions& global, int& exit_code);  // the HTML/JSON run report
void add_test_command(CLI::App& app, GlobalOptions& global, int& exit_code);     // plan tests
void add_drill_command(CLI::App& app, GlobalOptions& global, int& exit_code);    // rehearse with the real set

int run(int argc, char** argv);

}  // namespace adrestore::cli
