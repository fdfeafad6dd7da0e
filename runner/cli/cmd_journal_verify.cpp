// adrestore journal verify --state DIR [--head HASH | --events FILE]: recomputes the journal's
// SHA-256 chain and proves it against a head published outside the state directory
// (exec/journal_verify.h). Read-only, like dump.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/json_nesting.h"
#include "base/text.h"
#include "cli/app.h"
#include "cli/exit_codes.h"
#include "exec/journal_verify.h"
#include "platform/fs.h"

namespace adrestore::cli {
namespace {

constexpr std::size_t k_max_events_bytes = 256u << 20;  // an events file of a 2 TB restore is far smaller
constexpr std::size_t k_max_event_depth = 16;           // events nest 3 levels

struct VerifyOptions {
  std::string state_dir;
  std::string head;
  std::string events;
  std::string format = "text";
};

bool is_hash(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Every head in an --events file: data.journalSeq and data.journalHead of its step-finished
// and run-finished lines. Lines that are not JSON (a torn last line) are skipped.
Result<std::vector<exec::PublishedHead>> heads_in_events(const std::string& path) {
  auto text = platform::read_file(path, k_max_events_bytes);
  if (!text) return text.status();
  std::vector<exec::PublishedHead> heads;
  std::size_t start = 0;
  for (std::size_t line_no = 1; start < text->size(); ++line_no) {
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    const std::string_view line(text->data() + start, end - start);
    start = end + 1;
    if (!json_nests_within(line, k_max_event_depth)) continue;
    const nlohmann::json e = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (!e.is_object()) continue;
    const auto data = e.find("data");
    if (data == e.end() || !data->is_object()) continue;
    const auto seq = data->find("journalSeq");
    const auto head = data->find("journalHead");
    if (seq == data->end() || head == data->end() || !seq->is_number_unsigned() || !head->is_string()) continue;
    const std::string* hash = head->get_ptr<const std::string*>();
    if (seq->get<std::uint64_t>() == 0 || !is_hash(*hash)) continue;
    heads.push_back({seq->get<std::uint64_t>(), *hash, path + " line " + std::to_string(line_no)});
  }
  if (heads.empty()) {
    return Status::error(Code::usage, path + " holds no journal head (no step-finished or run-finished event with "
                                             "data.journalHead): is it the --events file of a run of format 3?");
  }
  return heads;
}

int exit_for(exec::ChainVerdict v, bool head_given) {
  switch (v) {
    case exec::ChainVerdict::proven:
    case exec::ChainVerdict::unproven:
      return k_exit_ok;
    case exec::ChainVerdict::no_chain:
      return head_given ? k_exit_invalid : k_exit_ok;  // nothing can be proven against the head given
    case exec::ChainVerdict::differs:
    case exec::ChainVerdict::appended:
    case exec::ChainVerdict::corrupt:
      return k_exit_invalid;
  }
  return k_exit_invalid;
}

int verify(const VerifyOptions& opt) {
  std::vector<exec::PublishedHead> published;
  if (!opt.head.empty()) {
    const std::string h = to_lower_ascii(opt.head);
    if (!is_hash(h)) {
      std::cerr << "adrestore: error: --head: '" << escape_for_terminal(opt.head) << "' is not 64 hex digits\n";
      return k_exit_usage;
    }
    published.push_back({0, h, "--head"});
  }
  if (!opt.events.empty()) {
    auto heads = heads_in_events(opt.events);
    if (!heads) {
      std::cerr << "adrestore: error: " << escape_for_terminal(heads.status().message()) << "\n";
      return exit_code_for(heads.status().code());
    }
    published = std::move(*heads);
  }
  const std::string path = exec::journal_path(opt.state_dir);
  auto info = platform::stat_nofollow(path);
  if (!info || info->type == platform::FileType::missing) {
    std::cerr << "adrestore: error: no journal at " << escape_for_terminal(path) << "\n";
    return k_exit_usage;
  }
  if (info->type != platform::FileType::regular) {
    std::cerr << "adrestore: error: " << escape_for_terminal(path) << " is not a regular file; adrestore never follows links\n";
    return k_exit_invalid;
  }
  auto bytes = platform::read_file(path, exec::k_journal_max_size);
  if (!bytes) {
    std::cerr << "adrestore: error: " << escape_for_terminal(bytes.status().message()) << "\n";
    return exit_code_for(bytes.status().code());
  }
  const exec::JournalScan scan = exec::scan_journal(*bytes, path);
  const std::size_t given = published.size();
  const exec::ChainCheck check = exec::check_chain(scan, std::move(published));
  if (opt.format == "json") {
    nlohmann::json doc = {{"journal", path},
                          {"format_version", check.format_version},
                          {"records", check.records},
                          {"verdict", exec::to_string(check.verdict)},
                          {"message", check.message},
                          {"published_heads", given},
                          {"proven_through", check.proven_through}};
    doc["head"] = check.head ? nlohmann::json{{"seq", check.head->seq}, {"sha256", check.head->sha256}}
                             : nlohmann::json(nullptr);
    doc["first_differs"] = check.first_differs_from == 0
                               ? nlohmann::json(nullptr)
                               : nlohmann::json{{"from", check.first_differs_from}, {"to", check.first_differs_to}};
    doc["warnings"] = scan.contents.warnings;
    std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "journal " << escape_for_terminal(path) << ": format version " << check.format_version << ", "
              << check.records << " record(s)";
    if (check.head) std::cout << ", head after record " << check.head->seq << ": sha256 " << check.head->sha256;
    std::cout << "\n" << exec::to_string(check.verdict) << ": " << escape_for_terminal(check.message) << "\n";
    for (const std::string& w : scan.contents.warnings) std::cerr << "adrestore: warning: " << escape_for_terminal(w) << "\n";
  }
  return exit_for(check.verdict, given != 0);
}

}  // namespace

void add_journal_verify_command(CLI::App& journal, int& exit_code) {
  auto opt = std::make_shared<VerifyOptions>();
  CLI::App* cmd = journal.add_subcommand(
      "verify", "Recompute the journal's SHA-256 chain and prove it against a head published outside the state directory");
  cmd->add_option("--state", opt->state_dir, "The run's state directory")->required();
  auto* head = cmd->add_option("--head", opt->head, "A head as published (64 hex digits): events, status, the system log");
  auto* events = cmd->add_option("--events", opt->events, "The run's --events file: every head in it is checked");
  head->excludes(events);
  cmd->add_option("--format", opt->format, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->footer(
      "Examples:\n"
      "  adrestore journal verify --state /var/lib/adrestore/dc01-corp --events /var/log/adrestore/dc01-events.jsonl\n"
      "  adrestore journal verify --state 'C:\\ProgramData\\adrestore\\dc01-corp' --head 3f5c...e9 --format json\n"
      "Exit codes: 0 proven (or, without a head, the chain is intact), 1 the journal differs from the\n"
      "head, has records after it, is damaged, or has no chain (format 1 or 2) while a head was given,\n"
      "2 no journal, a malformed --head, or an events file without heads.");
  cmd->callback([opt, &exit_code] { exit_code = verify(*opt); });
}

}  // namespace adrestore::cli
