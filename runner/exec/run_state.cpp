#include "exec/run_state.h"

#include <algorithm>

#include "base/text.h"

namespace adrestore::exec {
namespace {

std::string file_key(const std::string& path) { return to_lower_ascii(path); }

Status impossible(const std::string& why) { return Status::error(Code::corrupt, why); }

StepStatus status_of(StepOutcome o) {
  switch (o) {
    case StepOutcome::succeeded:
      return StepStatus::succeeded;
    case StepOutcome::skipped:
      return StepStatus::skipped;
    case StepOutcome::failed:
    case StepOutcome::refused:
    case StepOutcome::interrupted:
      return StepStatus::failed;
  }
  return StepStatus::failed;
}

// Whether a record of a kind may come next (the rules for every record are in apply()).
struct Check {
  const RunState& s;

  template <class T>
  Status operator()(const T&) const {
    return Status::ok();
  }

  Status operator()(const StepStarted& b) const {
    const StepState& st = s.step(b.step);
    if (st.running_now()) return impossible("step " + b.step + " started again while it was running");
    if (b.attempt != st.attempts + 1) {
      return impossible("step " + b.step + " attempt " + std::to_string(b.attempt) + " follows " +
                        std::to_string(st.attempts) + " earlier start(s)");
    }
    return Status::ok();
  }

  Status operator()(const StepFinished& b) const {
    if (!s.step(b.step).running_now()) return impossible("step-finished for step " + b.step + ", which is not running");
    return Status::ok();
  }

  Status operator()(const FileProgress& b) const {
    const FileCopyState f = s.file(b.file);
    if (f.done) return impossible("progress for " + b.file + " after it was done");
    const std::uint64_t want_chunk = f.last_chunk ? *f.last_chunk + 1 : 0;
    if (b.chunk != want_chunk) {
      return impossible("progress for " + b.file + " reports chunk " + std::to_string(b.chunk) + " where chunk " +
                        std::to_string(want_chunk) + " comes next");
    }
    if (b.offset <= f.verified_offset) {
      return impossible("progress for " + b.file + " goes back from offset " + std::to_string(f.verified_offset) +
                        " to " + std::to_string(b.offset));
    }
    return Status::ok();
  }

  Status operator()(const FileRestarted& b) const {
    if (s.file(b.file).done) return impossible("file-restarted for " + b.file + " after it was done");
    return Status::ok();
  }

  Status operator()(const FileDone& b) const {
    const FileCopyState f = s.file(b.file);
    if (f.done) return impossible(b.file + " is done twice");
    if (f.verified_offset > b.size) {
      return impossible(b.file + " is done with size " + std::to_string(b.size) + " but was verified up to offset " +
                        std::to_string(f.verified_offset));
    }
    return Status::ok();
  }

  Status operator()(const ContextOpened&) const {
    if (s.context_open) return impossible("context-opened while a backup context is open");
    return Status::ok();
  }

  Status operator()(const ContextClosed&) const {
    if (!s.context_open) return impossible("context-closed without an open backup context");
    return Status::ok();
  }
};

// Folds a record that passed Check; s.last_time_ms is already the record's time.
struct Fold {
  RunState& s;

  template <class T>
  void operator()(const T&) const {}

  void operator()(const RunStarted& b) const {
    s.run = b;
    s.started_ms = s.last_time_ms;
    s.processes = 1;
  }

  void operator()(const RunResumed&) const {
    // The previous process is gone: whatever it had open died with it.
    ++s.processes;
    for (auto& entry : s.steps) {
      if (entry.second.running_now()) entry.second.crashed = true;
    }
    s.context_open = false;
    s.finished.reset();
    s.failed_step.reset();
    s.failure_message.clear();
  }

  void operator()(const StepStarted& b) const {
    StepState& st = s.steps[b.step];
    st.attempts = b.attempt;
    st.status = StepStatus::running;
    st.crashed = false;
    s.last_step = b.step;
    if (std::find(s.step_order.begin(), s.step_order.end(), b.step) == s.step_order.end()) {
      s.step_order.push_back(b.step);
    }
  }

  void operator()(const StepFinished& b) const {
    StepState& st = s.steps[b.step];
    st.status = status_of(b.outcome);
    st.outcome = b.outcome;
    st.hresult = b.hresult;
    st.message = b.message;
    if (b.outcome == StepOutcome::failed || b.outcome == StepOutcome::refused) {
      s.failed_step = b.step;
      s.failure_message = b.message;
    }
  }

  void operator()(const FileProgress& b) const {
    FileCopyState& f = s.files[file_key(b.file)];
    if (f.file.empty()) f.file = b.file;
    f.verified_offset = b.offset;
    f.last_chunk = b.chunk;
  }

  void operator()(const FileRestarted& b) const { s.files[file_key(b.file)] = FileCopyState{b.file, false, 0, {}}; }

  void operator()(const FileDone& b) const {
    FileCopyState& f = s.files[file_key(b.file)];
    if (f.file.empty()) f.file = b.file;
    f.done = true;
    f.verified_offset = b.size;
  }

  void operator()(const FileCleared& b) const { s.cleared.push_back(b); }
  void operator()(const DestinationsResolved& b) const { s.destinations = b; }
  void operator()(const HookRecord& b) const { s.hooks[b.name] = b; }
  void operator()(const ContextOpened&) const { s.context_open = true; }
  void operator()(const ContextClosed&) const { s.context_open = false; }
  void operator()(const RunFinished& b) const { s.finished = b.outcome; }

  void operator()(const ForeignBackupAllowed& b) const {
    s.foreign_backup = ForeignBackup{b.backup_dc, b.plan_dc, b.host, format_utc_ms(s.last_time_ms)};
  }
};

}  // namespace

const char* to_string(StepStatus s) {
  switch (s) {
    case StepStatus::not_started:
      return "not started";
    case StepStatus::running:
      return "running";
    case StepStatus::succeeded:
      return "succeeded";
    case StepStatus::failed:
      return "failed";
    case StepStatus::skipped:
      return "skipped";
  }
  return "?";
}

Status RunState::apply(const Record& r) {
  const RecordType type = r.type();
  // Checks first: nothing changes the state until the record is known to fit.
  if (r.time_ms < last_time_ms) {
    return impossible("its time (" + std::to_string(r.time_ms) + " ms) is earlier than the previous record's (" +
                      std::to_string(last_time_ms) + " ms)");
  }
  if (records == 0 && type != RecordType::run_started) {
    return impossible(std::string("the first record is ") + to_string(type) + ", not run-started");
  }
  if (records > 0 && type == RecordType::run_started) return impossible("a second run-started record");
  if (finished && type != RecordType::run_resumed && type != RecordType::note) {
    return impossible(std::string(to_string(type)) + " after run-finished without run-resumed");
  }
  if (Status s = std::visit(Check{*this}, r.body); !s) return s;
  ++records;
  last_time_ms = r.time_ms;
  std::visit(Fold{*this}, r.body);
  if (type == RecordType::directory_identity && !identity_before) identity_before = r;
  return Status::ok();
}

const StepState& RunState::step(const std::string& id) const {
  static const StepState none;
  auto it = steps.find(id);
  return it == steps.end() ? none : it->second;
}

FileCopyState RunState::file(const std::string& destination) const {
  auto it = files.find(file_key(destination));
  return it == files.end() ? FileCopyState{} : it->second;
}

std::set<std::string> RunState::copied_files() const {
  std::set<std::string> out;
  for (const auto& entry : files) {
    if (entry.second.done) out.insert(entry.second.file);
  }
  return out;
}

std::map<std::string, std::uint64_t> RunState::verified_bytes() const {
  std::map<std::string, std::uint64_t> out;
  for (const auto& entry : files) {
    const FileCopyState& f = entry.second;
    if (!f.done && f.verified_offset > 0) out[f.file] = f.verified_offset;
  }
  return out;
}

std::set<std::string> RunState::copied_names() const {
  std::set<std::string> out;
  if (!destinations) return out;
  for (const ResolvedDestination& d : destinations->destinations) {
    if (file(d.destination).done) out.insert(d.name);
  }
  return out;
}

std::set<std::string> RunState::cleared_files() const {
  std::set<std::string> out;
  for (const FileCleared& c : cleared) out.insert(c.file);
  return out;
}

std::string RunState::started_at() const { return records == 0 ? std::string() : format_utc_ms(started_ms); }

RestorePhase RunState::phase() const {
  if (succeeded("system.restart")) return RestorePhase::restarted;
  const StepState& complete = step("restore.complete");
  if (complete.status == StepStatus::succeeded && complete.hresult.value_or(0) == 0) return RestorePhase::completed;
  // The latest attempt counts: a registration redone after a crash that then failed left
  // nothing registered by that process; one that died inside restore.register may have.
  switch (step("restore.register").status) {
    case StepStatus::running:
      return RestorePhase::uncertain;
    case StepStatus::succeeded:
      return RestorePhase::registered;
    default:
      return RestorePhase::none;
  }
}

std::string canonical_destinations(const DestinationsResolved& d) {
  std::string out;
  for (const ResolvedDestination& r : d.destinations) {
    out += r.kind + " " + r.name + " -> " + to_lower_ascii(r.destination) + "\n";
  }
  return out;
}

}  // namespace adrestore::exec
