#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "base/status.h"
#include "base/text.h"
#include "cli/exit_codes.h"
#include "platform/interrupt.h"

namespace adrestore::cli {

int exit_code_for(Code code) {
  switch (code) {
    case Code::ok:
      return k_exit_ok;
    case Code::invalid_input:
    case Code::corrupt:
      return k_exit_invalid;
    case Code::usage:
    case Code::not_found:
      return k_exit_usage;
    case Code::failed:
    case Code::io:
    case Code::no_space:
    case Code::access_denied:
    case Code::internal:
      return k_exit_failed;
    case Code::interrupted:
      return k_exit_interrupted;
    case Code::refused:
      return k_exit_refused;
  }
  return k_exit_failed;
}

bool GlobalOptions::use_color(int fd) const {
  if (color == ColorMode::always) return true;
  if (color == ColorMode::never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return platform::is_terminal(fd);
}

namespace {

std::string version_text() {
  std::string v = std::string("adrestore ") + ADRESTORE_VERSION + " (" + ADRESTORE_BUILD_TYPE + " build)\n";
  v += "API backends: sim";
#ifdef _WIN32
  v += ", win32";
#endif
  v += "\nplan format: adrestore/v1";
  return v;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"adrestore: declarative restore plans for Active Directory domain controllers.\n"
               "Validates, previews, runs and tests restores of a DC from an NTDS backup set.",
               "adrestore"};
  app.require_subcommand(1);
  // CLI11 takes "/x" for an option on Windows; our options are --long and -s everywhere, and
  // "/path" (a rooted path, or a host path under wine) stays an argument.
  app.allow_windows_style_options(false);
  app.fallthrough();
  app.set_version_flag("--version", version_text());
  app.footer(
      "Examples:\n"
      "  adrestore validate plans/                     check every plan in a folder\n"
      "  adrestore validate --format github plans/     annotations for GitHub Actions\n"
      "  adrestore plan plans/dc01.yaml                preview the steps a restore would run\n"
      "  adrestore schema > restore-plan.schema.json   the JSON Schema of plan files\n"
      "\nExit codes: 0 ok, 1 invalid input, 2 usage or unreadable file, 3 restore failed safely,\n"
      "4 interrupted (resumable), 5 refused. Run 'adrestore COMMAND --help' for a command's options.");

  GlobalOptions global;
  int exit_code = k_exit_ok;
  app.add_flag_function("-v,--verbose", [&](std::int64_t n) { global.verbosity += static_cast<int>(n); },
                        "More log output (repeatable)");
  app.add_flag_function("-q,--quiet", [&](std::int64_t n) { global.verbosity -= static_cast<int>(n); },
                        "Less output");
  // The named form of -v/-q: it moves the same verbosity, so the two add up. The run's log
  // file (logs/run.log) records everything whatever the level.
  app.add_option_function<std::string>(
         "--log-level",
         [&global](const std::string& v) {
           global.verbosity += v == "trace" || v == "debug" ? 1 : v == "info" ? 0 : -1;
         },
         "What reaches stderr: trace or debug (as -v), info (the default), warn, error or off (as -q)")
      ->type_name("LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  // A plain string check rather than CLI11's CheckedTransformer, whose help and error text
  // show its internal mapping ({always->1,...}) instead of the words a user types.
  app.add_option_function<std::string>(
         "--color",
         [&global](const std::string& v) {
           global.color = v == "always" ? ColorMode::always : v == "never" ? ColorMode::never : ColorMode::auto_;
         },
         "Colour: auto, always or never (NO_COLOR is honoured)")
      ->type_name("auto|always|never")
      ->transform(CLI::IsMember({"auto", "always", "never"}, CLI::ignore_case).description(""));

  add_validate_command(app, global, exit_code);
  add_schema_command(app, global, exit_code);
  add_plan_command(app, global, exit_code);
  add_sim_command(app, global, exit_code);
  add_backup_command(app, global, exit_code);
  add_keygen_command(app, global, exit_code);
  add_run_command(app, global, exit_code);
  add_status_command(app, global, exit_code);
  add_test_command(app, global, exit_code);
  add_journal_command(app, global, exit_code);
  add_verify_command(app, global, exit_code);
  add_report_command(app, global, exit_code);
  add_drill_command(app, global, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports a mistyped command as "A subcommand is required"; name the word instead.
    const std::vector<std::string> rest = app.remaining();
    if (!rest.empty() && rest.front().rfind('-', 0) == 0 && app.get_subcommands().empty()) {
      std::cerr << "adrestore: unknown option '" << rest.front() << "'. Run 'adrestore --help' for the options.\n";
      return k_exit_usage;
    }
    if (!rest.empty() && app.get_subcommands().empty()) {
      std::vector<std::string> known;
      for (const CLI::App* sub : app.get_subcommands({})) known.push_back(sub->get_name());
      std::cerr << "adrestore: unknown command '" << rest.front() << "'";
      if (auto guess = did_you_mean(rest.front(), known)) std::cerr << "; did you mean '" << *guess << "'?";
      std::cerr << "\nCommands: " << join(known, ", ") << ". Run 'adrestore --help' for more.\n";
      return k_exit_usage;
    }
    app.exit(e);
    return k_exit_usage;
  } catch (const Fatal& f) {
    std::cerr << "adrestore: error: " << f.status.message() << "\n";
    return exit_code_for(f.status.code());
  } catch (const std::exception& e) {
    std::cerr << "adrestore: internal error: " << e.what() << "\n";
    return k_exit_failed;
  }
  return exit_code;
}

}  // namespace adrestore::cli
