// adrestore journal dump --state DIR: the run journal for humans (text) or tools (json).
// A damaged journal is shown up to the damage, then the error (exit 1); a torn tail is a
// warning on stderr. Nothing is modified: dump never repairs a torn tail.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/text.h"
#include "cli/app.h"
#include "cli/exit_codes.h"
#include "exec/journal.h"
#include "platform/fs.h"

namespace adrestore::cli {
namespace {

struct DumpOptions {
  std::string state_dir;
  std::string format = "text";
};

int dump(const DumpOptions& opt) {
  const std::string path = exec::journal_path(opt.state_dir);
  auto info = platform::stat_nofollow(path);
  if (!info) {
    std::cerr << "adrestore: error: " << info.status().message() << "\n";
    return k_exit_usage;
  }
  if (info->type == platform::FileType::missing) {
    std::cerr << "adrestore: error: no journal at " << path << " (is " << opt.state_dir << " a state directory?)\n";
    return k_exit_usage;
  }
  if (info->type != platform::FileType::regular) {
    std::cerr << "adrestore: error: " << path << " is not a regular file; adrestore never follows links\n";
    return k_exit_invalid;
  }
  auto bytes = platform::read_file(path, exec::k_journal_max_size);
  if (!bytes) {
    std::cerr << "adrestore: error: " << bytes.status().message() << "\n";
    return exit_code_for(bytes.status().code());
  }
  const exec::JournalScan scan = exec::scan_journal(*bytes, path);
  const exec::JournalContents& c = scan.contents;
  if (opt.format == "json") {
    nlohmann::json doc = nlohmann::json::object();
    doc["journal"] = path;
    doc["format_version"] = c.format_version;
    const auto head = exec::journal_head(c);
    doc["head"] = head ? nlohmann::json{{"seq", head->seq}, {"sha256", head->sha256}} : nlohmann::json(nullptr);
    doc["bytes"] = c.file_size;
    nlohmann::json records = nlohmann::json::array();
    for (std::size_t i = 0; i < c.records.size(); ++i) {
      nlohmann::json r = exec::record_payload(c.records[i]);
      r["seq"] = c.records[i].seq;
      r["offset"] = c.offsets[i];
      r["time"] = exec::format_utc_ms(c.records[i].time_ms);
      records.push_back(std::move(r));
    }
    doc["records"] = std::move(records);
    doc["warnings"] = c.warnings;
    doc["error"] = scan.status ? nlohmann::json(nullptr) : nlohmann::json(scan.status.message());
    std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "journal " << escape_for_terminal(path) << ": format version " << c.format_version << ", "
              << c.file_size << " bytes\n";
    for (std::size_t i = 0; i < c.records.size(); ++i) {
      const exec::Record& r = c.records[i];
      std::cout << "#" << r.seq << " @" << c.offsets[i] << " " << exec::format_utc_ms(r.time_ms) << " "
                << exec::describe(r) << "\n";
    }
    std::cout << c.records.size() << " record(s)";
    if (const auto head = exec::journal_head(c)) std::cout << "; chain head after record " << head->seq << ": sha256 " << head->sha256;
    std::cout << "\n";
  }
  for (const std::string& w : c.warnings) std::cerr << "adrestore: warning: " << escape_for_terminal(w) << "\n";
  if (!scan.status) {
    std::cerr << "adrestore: error: " << escape_for_terminal(scan.status.message()) << "\n";
    return exit_code_for(scan.status.code());
  }
  return k_exit_ok;
}

}  // namespace

void add_journal_command(CLI::App& app, GlobalOptions&, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("journal", "Inspect a run's journal (read-only)");
  cmd->require_subcommand(1);
  auto opt = std::make_shared<DumpOptions>();
  CLI::App* dump_cmd = cmd->add_subcommand("dump", "Print every record of the journal in a state directory");
  dump_cmd->add_option("--state", opt->state_dir, "The run's state directory")->required();
  dump_cmd->add_option("--format", opt->format, "Output: text (one line per record) or json (one document)")
      ->check(CLI::IsMember({"text", "json"}));
  dump_cmd->footer(
      "Examples:\n"
      "  adrestore journal dump --state /var/lib/adrestore/dc01-corp\n"
      "  adrestore journal dump --state 'C:\\ProgramData\\adrestore\\dc01-corp' --format json\n"
      "Exit codes: 0 the journal is sound (a torn tail is only a warning), 1 it is damaged,\n"
      "2 there is no journal there.");
  dump_cmd->callback([opt, &exit_code] { exit_code = dump(*opt); });
  add_journal_verify_command(*cmd, exit_code);
}

}  // namespace adrestore::cli
