// The facts of one restore run for `adrestore report` (doc/report.md): built once from the
// state folder (the journal, the hook logs) and, for a simulated DC, the world's calls.log.
// The JSON output is this model; the HTML page only renders it. Everything here comes from
// files an attacker may have written (hook output above all), so text is capped and made
// valid UTF-8 here, and escaped by the renderers.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "exec/journal.h"
#include "platform/fs.h"

namespace adrestore::evidence {

inline constexpr std::size_t k_hook_excerpt_bytes = 4096;  // head and tail of a hook's output, each
inline constexpr std::size_t k_hook_log_max = 64ULL << 20;   // hook logs larger than this are not read
inline constexpr std::size_t k_max_calls = 5000;             // NTDS calls shown
inline constexpr std::size_t k_max_text = 2048;              // any other journaled text

struct Identity {
  std::string run_id;
  std::string plan_name;
  std::string plan_file;
  std::string plan_sha256;
  std::string git_revision;  // empty when the plan is not in a git checkout (or it is unreadable)
  std::string dc;            // the host the run restored, as it reported itself
  std::string operator_account;  // empty: the journal does not record it (format version 2)
  std::string host;
  std::string api;
  std::string tool_version;
  std::int64_t started_ms = 0;
  std::int64_t ended_ms = 0;  // the last journal record
  std::string outcome;        // succeeded, failed, refused, interrupted, or "unfinished"
  std::optional<int> exit_code;  // the documented exit code of that outcome; none while unfinished
  int processes = 0;
  std::string journal_chain_head;  // SHA-256 chain head, when the journal provides one
};

// One stretch of one step in one process.
struct Segment {
  std::string step;
  std::uint32_t attempt = 1;
  int process = 1;  // 1-based
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string outcome;  // a StepOutcome, or "died" when its process died in it
  std::string message;
};

// One process that worked on the run, and how long nothing ran after it.
struct Process {
  int index = 1;
  std::string kind;  // "run" or "resume"
  std::int64_t start_ms = 0;
  std::int64_t last_ms = 0;  // its last journal record
};

struct ThroughputPoint {
  std::int64_t time_ms = 0;
  double mib_per_s = 0;
  int process = 1;  // the chart draws one line per process: nothing ran between them
};

struct Throughput {
  std::string step;  // backup.verify or files.copy
  std::vector<ThroughputPoint> points;
  std::string basis;  // how the points were measured, for the reader
};

struct RestoredFile {
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;
};

struct ClearedFile {
  std::string path;
  std::string action;  // quarantine or delete
  std::string to;
};

struct NtdsCall {
  std::string call;
  std::string result;  // "hrNone (0x00000000)" or "void"
  bool ok = true;
  bool injected = false;
  std::string line;  // the whole calls.log line
};

struct Hook {
  std::string name;
  std::optional<std::int32_t> exit_code;
  std::optional<std::int32_t> signal;
  bool timed_out = false;
  std::int64_t duration_ms = 0;
  std::int64_t time_ms = 0;
  std::string log;
  std::uint64_t log_bytes = 0;
  std::string head;  // valid UTF-8, at most k_hook_excerpt_bytes
  std::string tail;  // empty when head holds the whole log
  std::string log_problem;  // why the log could not be read
};

struct Period {
  std::int64_t start_ms = 0;
  std::optional<std::int64_t> end_ms;  // none: still open at the end of the journal
  std::string why;
};

struct Warning {
  std::int64_t time_ms = 0;
  std::string text;
};

// One step of a drill: what it took here, and what it is predicted to take on the real DC.
struct DrillStep {
  std::string step;
  std::int64_t measured_ms = 0;
  std::int64_t predicted_ms = 0;
  std::string basis;  // how the prediction was reached, for the reader
};

// What `adrestore drill` adds to a run's report (doc/drill.md): where the bytes came from,
// the check of the restored bytes, and the predicted recovery time with its assumptions.
struct Drill {
  std::string backup_set;  // the folder the bytes were read from
  std::string scratch;     // where they were restored (removed afterwards)
  std::string hooks;       // "skipped" or "run"
  std::uint64_t set_bytes = 0;
  std::size_t files_checked = 0;
  std::vector<std::string> problems;  // restored files that do not match the manifest
  std::vector<DrillStep> steps;
  std::int64_t predicted_ms = 0;
  std::vector<std::string> assumptions;
  std::vector<std::string> not_included;
};

struct Report {
  Identity identity;
  std::optional<Drill> drill;  // set by adrestore drill
  std::vector<Process> processes;
  std::vector<std::string> steps;  // in the order they first started
  std::vector<Segment> segments;
  std::vector<Throughput> throughput;
  std::vector<RestoredFile> files;
  std::vector<ClearedFile> cleared;
  std::string calls_source;  // where the NTDS calls come from, or why there are none
  std::vector<NtdsCall> calls;
  bool calls_truncated = false;
  std::vector<Hook> hooks;
  std::vector<Period> no_restart;
  std::vector<Warning> warnings;
};

// Builds the model from a journal that was read (exposed so tests can give a fixture).
// Hook logs and calls.log are read through `fs`; a missing or oversized one is noted in the
// model, not an error.
Report build_report(const exec::JournalContents& journal, platform::FileSystem& fs);

// Reads <state_dir>/journal and builds the model; Code::not_found without a journal,
// Code::corrupt for a damaged one.
Result<Report> load_report(const std::string& state_dir, platform::FileSystem& fs = platform::system_fs());

nlohmann::json to_json(const Report& r);

// Text from an untrusted file made safe to carry: invalid UTF-8 and control characters
// (other than newline and tab) become U+FFFD, and at most `cap` bytes are kept.
std::string sanitize_text(std::string_view text, std::size_t cap);

}  // namespace adrestore::evidence
