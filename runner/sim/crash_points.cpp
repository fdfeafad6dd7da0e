#include "sim/crash_points.h"

#include <algorithm>

#include "platform/interrupt.h"

namespace adrestore::sim {

CrashPoints::CrashPoints(std::shared_ptr<World> world) : m_world(std::move(world)) {
  if (auto pending = m_world->pending_record_crashes()) m_record_crashes = *pending;
  if (auto full = m_world->pending_journal_full()) m_journal_full = *full;
}

Status CrashPoints::before_record(std::uint64_t seq) {
  if (!m_journal_full_now && m_journal_full && seq >= *m_journal_full) {
    m_journal_full_now = true;
    (void)m_world->take_journal_full(*m_journal_full);
  }
  if (!m_journal_full_now) return Status::ok();
  return Status::error(Code::no_space, "cannot write journal record " + std::to_string(seq) +
                                           ": no space left on device (simulated journalFull fault)");
}

void CrashPoints::at_step(const std::string& step_id, std::uint64_t done_bytes, std::uint64_t total_bytes) {
  if (done_bytes == 0 && m_armed_step != step_id) {
    // A step starts: arm its crash fault, if the world has one not yet taken.
    m_armed_step = step_id;
    m_armed.reset();
    auto fault = m_world->take_crash_fault(step_id);
    if (fault && *fault) m_armed = **fault;
  }
  if (!m_armed) return;
  if (total_bytes == 0) {
    // The step's start: only a fault without a byte count (or with 0) fires here.
    if (!m_armed->after_bytes.percent && m_armed->after_bytes.bytes == 0) platform::die_now();
    return;
  }
  if (done_bytes >= m_armed->after_bytes.resolve(total_bytes)) platform::die_now();
}

void CrashPoints::after_record(std::uint64_t seq) {
  if (std::find(m_record_crashes.begin(), m_record_crashes.end(), seq) == m_record_crashes.end()) return;
  auto fault = m_world->take_record_crash_fault(seq);
  if (fault && *fault) platform::die_now();
}

}  // namespace adrestore::sim
