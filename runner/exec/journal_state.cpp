#include "exec/journal_state.h"

#include "base/text.h"

namespace adrestore::exec {
namespace {

std::string file_key(const std::string& path) { return to_lower_ascii(path); }

Status impossible(const std::string& why) { return Status::error(Code::corrupt, why); }

}  // namespace

const JournalStep* JournalState::step(const std::string& id) const {
  auto it = m_steps.find(id);
  return it == m_steps.end() ? nullptr : &it->second;
}

bool JournalState::step_succeeded(const std::string& id) const {
  const JournalStep* s = step(id);
  return s && !s->running && s->outcome == StepOutcome::succeeded;
}

FileCopyState JournalState::file(const std::string& destination) const {
  auto it = m_files.find(file_key(destination));
  return it == m_files.end() ? FileCopyState{} : it->second;
}

Status JournalState::apply(const Record& r) {
  const RecordType type = r.type();
  // Checks first: nothing changes the state until the record is known to fit.
  if (r.time_ms < m_last_time) {
    return impossible("its time (" + std::to_string(r.time_ms) + " ms) is earlier than the previous record's (" +
                      std::to_string(m_last_time) + " ms)");
  }
  if (m_records == 0 && type != RecordType::run_started) {
    return impossible(std::string("the first record is ") + to_string(type) + ", not run-started");
  }
  if (m_records > 0 && type == RecordType::run_started) return impossible("a second run-started record");
  if (m_finished && type != RecordType::run_resumed && type != RecordType::note) {
    return impossible(std::string(to_string(type)) + " after run-finished without run-resumed");
  }
  if (Status s = std::visit([this](const auto& b) { return check(b); }, r.body); !s) return s;
  ++m_records;
  m_last_time = r.time_ms;
  std::visit([this](const auto& b) { fold(b); }, r.body);
  fold_identity(r);
  return Status::ok();
}

void JournalState::fold_identity(const Record& r) {
  if (r.type() == RecordType::directory_identity && !m_identity_before) m_identity_before = r;
}

Status JournalState::check(const StepStarted& b) const {
  const JournalStep* s = step(b.step);
  const std::uint32_t before = s ? s->attempts : 0;
  if (s && s->running) return impossible("step " + b.step + " started again while it was running");
  if (b.attempt != before + 1) {
    return impossible("step " + b.step + " attempt " + std::to_string(b.attempt) + " follows " +
                      std::to_string(before) + " earlier start(s)");
  }
  return Status::ok();
}

Status JournalState::check(const StepFinished& b) const {
  const JournalStep* s = step(b.step);
  if (!s || !s->running) return impossible("step-finished for step " + b.step + ", which is not running");
  return Status::ok();
}

Status JournalState::check(const FileProgress& b) const {
  const FileCopyState f = file(b.file);
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

Status JournalState::check(const FileRestarted& b) const {
  if (file(b.file).done) return impossible("file-restarted for " + b.file + " after it was done");
  return Status::ok();
}

Status JournalState::check(const FileDone& b) const {
  const FileCopyState f = file(b.file);
  if (f.done) return impossible(b.file + " is done twice");
  if (f.verified_offset > b.size) {
    return impossible(b.file + " is done with size " + std::to_string(b.size) + " but was verified up to offset " +
                      std::to_string(f.verified_offset));
  }
  return Status::ok();
}

Status JournalState::check(const ContextOpened&) const {
  if (m_context_open) return impossible("context-opened while a backup context is open");
  return Status::ok();
}

Status JournalState::check(const ContextClosed&) const {
  if (!m_context_open) return impossible("context-closed without an open backup context");
  return Status::ok();
}

void JournalState::fold(const RunStarted& b) {
  m_run = b;
  m_sessions = 1;
}

void JournalState::fold(const RunResumed&) {
  // The previous process is gone: whatever it had open died with it.
  ++m_sessions;
  for (auto& entry : m_steps) {
    if (entry.second.running) {
      entry.second.running = false;
      entry.second.interrupted_by_crash = true;
    }
  }
  m_context_open = false;
  m_finished.reset();
}

void JournalState::fold(const StepStarted& b) {
  JournalStep& s = m_steps[b.step];
  s.attempts = b.attempt;
  s.running = true;
  s.interrupted_by_crash = false;
}

void JournalState::fold(const StepFinished& b) {
  JournalStep& s = m_steps[b.step];
  s.running = false;
  s.outcome = b.outcome;
  s.hresult = b.hresult;
  s.message = b.message;
}

void JournalState::fold(const FileProgress& b) {
  FileCopyState& f = m_files[file_key(b.file)];
  if (f.file.empty()) f.file = b.file;
  f.verified_offset = b.offset;
  f.last_chunk = b.chunk;
}

void JournalState::fold(const FileRestarted& b) { m_files[file_key(b.file)] = FileCopyState{b.file, false, 0, {}}; }

void JournalState::fold(const FileDone& b) {
  FileCopyState& f = m_files[file_key(b.file)];
  if (f.file.empty()) f.file = b.file;
  f.done = true;
  f.verified_offset = b.size;
}

void JournalState::fold(const FileCleared& b) { m_cleared.push_back(b); }
void JournalState::fold(const DestinationsResolved& b) { m_destinations = b; }
void JournalState::fold(const HookRecord& b) { m_hooks[b.name] = b; }
void JournalState::fold(const ContextOpened&) { m_context_open = true; }
void JournalState::fold(const ContextClosed&) { m_context_open = false; }
void JournalState::fold(const RunFinished& b) { m_finished = b.outcome; }

}  // namespace adrestore::exec
