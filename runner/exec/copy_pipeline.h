// The streaming core of files.copy: reads a byte range once, hashes it on two threads (the
// chunk hashes and the whole-file hash) while the caller's thread writes it, a ring's worth
// at a time (fixed buffers, or as many mapped ranges of the input) so memory stays bounded
// whatever the file size. Used twice per resumed file: to re-check a partial copy's prefix
// (no output) and to copy the rest.
//
// Contract: on_chunk(i, end) is called on the caller's thread, in order, only after chunk
// i's bytes have all been written and flushed (output->sync()) and its SHA-256 matched.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/status.h"
#include "platform/fs.h"
#include "platform/sha256.h"

namespace adrestore::exec {

// Buffers for the pipeline, allocated once and reused for every file. Each buffer starts at
// and its size is a multiple of platform::k_direct_align, so full buffers can be written
// past the page cache.
class BufferRing {
 public:
  BufferRing(std::size_t count, std::size_t size);
  std::size_t count() const { return m_buffers.size(); }
  std::size_t size() const { return m_size; }
  char* at(std::size_t i) { return m_buffers[i].get(); }

 private:
  struct AlignedDelete {
    void operator()(char* p) const;
  };
  std::size_t m_size;
  std::vector<std::unique_ptr<char[], AlignedDelete>> m_buffers;
};

struct PipelineJob {
  platform::File* input = nullptr;
  std::uint64_t begin = 0;  // a chunk boundary
  std::uint64_t end = 0;
  platform::File* output = nullptr;  // written at the same offsets; null to verify only
  std::uint64_t chunk_size = 0;
  const std::vector<platform::Digest>* chunk_hashes = nullptr;
  platform::Sha256* file_hasher = nullptr;  // fed every byte of [begin, end) in order; may be null
  // Hash and write the input's bytes where they are mapped (File::map_range), one slot's
  // range at a time, instead of reading them into the ring first; falls back to reading.
  bool map_input = true;
  std::function<Status(std::uint64_t chunk, std::uint64_t chunk_end)> on_chunk;
  std::function<void(std::uint64_t bytes)> on_bytes;  // progress, after each buffer
  const std::atomic<bool>* cancel = nullptr;
};

enum class PipelineFailure { none, read, short_input, write, sync, mismatch, callback, cancelled };

struct PipelineResult {
  PipelineFailure failure = PipelineFailure::none;
  Status status;                // the OS or callback error
  std::uint64_t offset = 0;     // where a read/write failed, or where the input ended
  std::uint64_t chunk = 0;      // the chunk that did not match
  platform::Digest actual{};    // its SHA-256
  bool ok() const { return failure == PipelineFailure::none; }
};

PipelineResult run_pipeline(const PipelineJob& job, BufferRing& ring);

}  // namespace adrestore::exec
