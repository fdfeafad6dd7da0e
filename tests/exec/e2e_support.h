// Small helpers of the end-to-end tests that drive the built adrestore against a MatrixWorld
// (run_signals, hooks_e2e, secrets_e2e): polling instead of sleeping, the journal as it is
// while another process writes it, the --events file, and hook stand-ins that wait for the
// test to let them go.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/journal.h"
#include "exec/matrix_fixture.h"
#include "support.h"

namespace adrestore::testing::e2e {

inline std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t p = text.find(part); p != std::string::npos; p = text.find(part, p + 1)) ++n;
  return n;
}

// Polls `done` every few milliseconds for at most `seconds`; true once it held.
inline bool wait_until(const std::function<bool()>& done, double seconds = 30) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

// The journal as it is now, also while a runner appends to it (a torn tail is cut off by the
// reader, with a warning); nullopt when it cannot be read yet.
inline std::optional<exec::JournalContents> journal_now(const MatrixWorld& w) {
  auto j = exec::read_journal(exec::journal_path(w.state.string()));
  if (!j) return std::nullopt;
  return std::move(*j);
}

template <typename T>
std::size_t records_of(const exec::JournalContents& j) {
  std::size_t n = 0;
  for (const exec::Record& r : j.records) {
    if (r.as<T>()) ++n;
  }
  return n;
}

// The fixture's defaults, with a backup that reads 1 MiB per DsBackupRead: each read is a
// durable world update, and these tests are not about the backup.
inline MatrixOptions quick_options() {
  MatrixOptions o;
  o.read_size = "1Mi";
  return o;
}

// argv of the built adrestore with these arguments, for Child.
inline std::vector<std::string> adrestore_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{binary_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// A hook stand-in that appends its pid to <tmp>/<name>.started, then waits (polling, at most
// 30 s) until <tmp>/<name>.release exists. <tmp> is the parent of the run's state directory.
inline std::string waiting_hook_script(const std::string& name) {
  return "#!/bin/sh\n"
         "d=\"$ADRESTORE_STATE_DIR/..\"\n"
         "echo $$ >> \"$d/" +
         name +
         ".started\"\n"
         "i=0\n"
         "while [ ! -e \"$d/" +
         name +
         ".release\" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done\n"
         "echo released\n";
}

// A hook stand-in that appends "NAME PHASE OUTCOME ARGS..." to <tmp>/hooks-ran.txt and exits
// with its first argument (0 when there is none).
inline std::string recording_hook_script() {
  return "#!/bin/sh\n"
         "echo \"$ADRESTORE_HOOK_NAME $ADRESTORE_PHASE ${ADRESTORE_OUTCOME:--} $*\" >> "
         "\"$ADRESTORE_STATE_DIR/../hooks-ran.txt\"\n"
         "exit \"${1:-0}\"\n";
}

// The DsRestore* calls the DC received from the runners, in order, space-separated (the
// fixture's backup also calls DsRestoreGetDatabaseLocations: everything up to its
// DsBackupEnd is left out).
inline std::string restore_calls(const MatrixWorld& w) {
  const std::vector<std::string> names = w.call_names();
  std::size_t from = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "DsBackupEnd") from = i + 1;
  }
  std::string out;
  for (std::size_t i = from; i < names.size(); ++i) {
    if (names[i].rfind("DsRestore", 0) == 0) out += (out.empty() ? "" : " ") + names[i];
  }
  return out;
}

// The lines of a file (none when it does not exist).
inline std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::vector<std::string> out;
  const std::string text = read_file(file);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace adrestore::testing::e2e
