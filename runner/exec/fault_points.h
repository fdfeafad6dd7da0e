// exec::FaultPoints: the executor's hooks for injected faults. Its own header so that the
// simulator's crash faults (sim/crash_points.h) implement it without depending on the
// executor itself.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace adrestore::exec {

// Where the simulator may kill the runner (its crash faults); a no-op on a real DC.
class FaultPoints {
 public:
  virtual ~FaultPoints() = default;
  // Called when a step starts (done_bytes 0) and as a step's work progresses.
  virtual void at_step(const std::string& step_id, std::uint64_t done_bytes, std::uint64_t total_bytes) = 0;
  // Called after each journal record is durable (its 1-based sequence number).
  virtual void after_record(std::uint64_t seq) = 0;
  // Called before journal record `seq` is written; an error fails that write as a full disk
  // would (the simulator's journalFull fault).
  virtual Status before_record(std::uint64_t /*seq*/) { return Status::ok(); }
};

class NoFaults : public FaultPoints {
 public:
  void at_step(const std::string&, std::uint64_t, std::uint64_t) override {}
  void after_record(std::uint64_t) override {}
};

}  // namespace adrestore::exec
