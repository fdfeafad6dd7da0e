// The simulator's crash faults, as the executor meets them: the runner process dies at the
// step (and byte count) the world's fault names, as a power cut would, so that resume can be
// tested against the real thing. {crash: {atRecord: N}} kills it right after the Nth
// journal record is durable (the crash matrix walks every N).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/fault_points.h"
#include "sim/world.h"

namespace adrestore::sim {

class CrashPoints : public exec::FaultPoints {
 public:
  explicit CrashPoints(std::shared_ptr<World> world);
  void at_step(const std::string& step_id, std::uint64_t done_bytes, std::uint64_t total_bytes) override;
  void after_record(std::uint64_t seq) override;
  Status before_record(std::uint64_t seq) override;

 private:
  std::shared_ptr<World> m_world;
  std::string m_armed_step;
  std::optional<CrashFault> m_armed;
  std::vector<std::uint64_t> m_record_crashes;  // pending {atRecord} faults
  std::optional<std::uint64_t> m_journal_full;  // a pending journalFull fault's first record
  bool m_journal_full_now = false;              // it fired in this process: every record fails
};

}  // namespace adrestore::sim
