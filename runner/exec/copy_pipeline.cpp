#include "exec/copy_pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <thread>

namespace adrestore::exec {

namespace {
constexpr std::align_val_t k_buffer_align{platform::k_direct_align};
}  // namespace

BufferRing::BufferRing(std::size_t count, std::size_t size)
    : m_size((std::max<std::size_t>(size, platform::k_direct_align) + platform::k_direct_align - 1) /
             platform::k_direct_align * platform::k_direct_align) {
  m_buffers.resize(std::max<std::size_t>(count, 2));
  for (auto& b : m_buffers) b.reset(static_cast<char*>(::operator new[](m_size, k_buffer_align)));
}

void BufferRing::AlignedDelete::operator()(char* p) const { ::operator delete[](p, k_buffer_align); }

namespace {

// The reader fills slots in order; the consumers (chunk hasher, file hasher when there is
// one, and the caller's thread, which writes) each take every slot in order. A slot is
// refilled only once all of them are done with it.

struct Slot {
  std::uint64_t offset = 0;
  std::size_t len = 0;
  std::uint64_t chunk = 0;
  bool last_in_chunk = false;
  int pending = 0;
  const char* data = nullptr;  // the slot's ring buffer, or the input's mapped bytes
};

class Pipeline {
 public:
  Pipeline(const PipelineJob& job, BufferRing& ring)
      : m_job(job), m_ring(ring), m_slots(ring.count()), m_maps(ring.count()), m_consumers(job.file_hasher ? 3 : 2) {}

  PipelineResult run() {
    std::thread reader([this] { read_loop(); });
    std::thread chunk_hasher([this] { chunk_hash_loop(); });
    std::thread file_hasher;
    if (m_job.file_hasher) file_hasher = std::thread([this] { file_hash_loop(); });
    write_loop();
    {
      std::lock_guard<std::mutex> lock(m_mu);
      if (!m_result.ok()) m_stop = true;
    }
    m_cv.notify_all();
    reader.join();
    chunk_hasher.join();
    if (file_hasher.joinable()) file_hasher.join();
    return m_result;
  }

 private:
  // Records the first failure and stops every thread.
  void fail(PipelineResult r) {
    {
      std::lock_guard<std::mutex> lock(m_mu);
      if (m_result.ok()) m_result = std::move(r);
      m_stop = true;
    }
    m_cv.notify_all();
  }

  // Waits for slot number k; false when the pipeline stopped or every slot was consumed.
  bool next_slot(std::uint64_t k, Slot& out) {
    std::unique_lock<std::mutex> lock(m_mu);
    m_cv.wait(lock, [&] { return m_stop || m_produced > k || (m_reader_done && m_produced == k); });
    if (m_stop || m_produced == k) return false;
    out = m_slots[k % m_slots.size()];
    return true;
  }

  void release(std::uint64_t k) {
    {
      std::lock_guard<std::mutex> lock(m_mu);
      --m_slots[k % m_slots.size()].pending;
    }
    m_cv.notify_all();
  }

  void read_loop() {
    std::uint64_t pos = m_job.begin;
    std::uint64_t k = 0;
    while (pos < m_job.end) {
      const std::size_t idx = k % m_slots.size();
      {
        std::unique_lock<std::mutex> lock(m_mu);
        m_cv.wait(lock, [&] { return m_stop || m_slots[idx].pending == 0; });
        if (m_stop) return;
      }
      const std::uint64_t chunk = pos / m_job.chunk_size;
      const std::uint64_t chunk_end = std::min((chunk + 1) * m_job.chunk_size, m_job.end);
      const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(m_ring.size(), chunk_end - pos));
      // The slot's last mapping is unused now: every consumer released it.
      m_maps[idx].reset();
      if (m_job.map_input) m_maps[idx] = m_job.input->map_range(pos, len);
      const char* data = m_maps[idx] ? m_maps[idx]->data() : m_ring.at(idx);
      for (std::size_t got = m_maps[idx] ? len : 0; got < len;) {
        auto n = m_job.input->pread(m_ring.at(idx) + got, len - got, pos + got);
        if (!n) return fail({PipelineFailure::read, n.status(), pos + got, 0, {}});
        if (*n == 0) return fail({PipelineFailure::short_input, Status::ok(), input_end(pos + got), 0, {}});
        got += *n;
      }
      {
        std::lock_guard<std::mutex> lock(m_mu);
        m_slots[idx] = Slot{pos, len, chunk, pos + len == chunk_end, m_consumers, data};
        m_produced = k + 1;
      }
      m_cv.notify_all();
      pos += len;
      ++k;
    }
    {
      std::lock_guard<std::mutex> lock(m_mu);
      m_reader_done = true;
    }
    m_cv.notify_all();
  }

  // Where the input ended, when a read at `at` found nothing: ranges mapped earlier may have
  // been read past a later truncation, so the file's size says where it really ends.
  std::uint64_t input_end(std::uint64_t at) const {
    auto size = m_job.input->size();
    return size && *size < at ? std::max(*size, m_job.begin) : at;
  }

  // True when slot k's bytes were mapped and the input no longer reaches their end.
  bool mapped_and_gone(std::uint64_t k, const Slot& s) {
    if (s.data == m_ring.at(k % m_slots.size())) return false;
    auto size = m_job.input->size();
    return !size || *size < s.offset + s.len;
  }

  // Feeds a slot's bytes to `hasher`; false (the pipeline failed) when mapped bytes vanished.
  bool hash_slot(platform::Sha256& hasher, const Slot& s) {
    if (platform::read_mapped([&] { hasher.update(s.data, s.len); })) return true;
    fail(vanished(s));
    return false;
  }

  // Mapped bytes that could not be read: the input shrank under its mapping, or the disk
  // failed to read them in (pread would have said EIO).
  static PipelineResult vanished(const Slot& s) {
    return {PipelineFailure::read,
            Status::error(Code::io, "it shrank while it was being copied, or the disk could not read it"),
            s.offset,
            0,
            {}};
  }

  void chunk_hash_loop() {
    platform::Sha256 hasher;
    Slot s;
    for (std::uint64_t k = 0; next_slot(k, s); ++k) {
      if (!hash_slot(hasher, s)) return;
      if (s.last_in_chunk) {
        const platform::Digest d = hasher.finish();
        const auto& want = *m_job.chunk_hashes;
        if (s.chunk >= want.size() || d != want[s.chunk]) {
          return fail({PipelineFailure::mismatch, Status::ok(), s.chunk * m_job.chunk_size, s.chunk, d});
        }
        std::lock_guard<std::mutex> lock(m_mu);
        m_chunks_verified = s.chunk + 1;
      }
      release(k);
    }
  }

  void file_hash_loop() {
    Slot s;
    for (std::uint64_t k = 0; next_slot(k, s); ++k) {
      if (!hash_slot(*m_job.file_hasher, s)) return;
      release(k);
    }
  }

  // The flusher: syncs the output up to the latest chunk the writer has finished. A sync
  // that starts after a chunk's writes returned covers it, so requests coalesce.
  void sync_loop() {
    for (;;) {
      std::uint64_t target = 0;
      std::uint64_t end = 0;
      {
        std::unique_lock<std::mutex> lock(m_mu);
        m_cv.wait(lock, [&] { return m_stop || m_sync_quit || m_sync_requested > m_synced; });
        if (m_stop || (m_sync_quit && m_sync_requested == m_synced)) return;
        target = m_sync_requested;
        end = m_sync_requested_end;
      }
      Status st = m_job.output->sync();
      if (!st) return fail({PipelineFailure::sync, st, end, target - 1, {}});
      {
        std::lock_guard<std::mutex> lock(m_mu);
        m_synced = target;
      }
      m_cv.notify_all();
    }
  }

  struct Finished {
    std::uint64_t chunk;
    std::uint64_t end;
  };

  // Reports finished chunks whose data is flushed, in order, on the caller's thread. With
  // `all`, waits until every finished chunk is flushed; otherwise waits only while more than
  // k_max_unflushed chunks are pending, so memory and the journal never lag far behind.
  bool deliver(std::deque<Finished>& finished, bool all) {
    static constexpr std::size_t k_max_unflushed = 2;
    while (!finished.empty()) {
      const Finished f = finished.front();
      {
        std::unique_lock<std::mutex> lock(m_mu);
        const bool must_wait = all || finished.size() > k_max_unflushed;
        if (must_wait) m_cv.wait(lock, [&] { return m_stop || m_synced > f.chunk; });
        if (m_stop) return false;
        if (m_synced <= f.chunk) return true;
      }
      finished.pop_front();
      if (m_job.on_chunk) {
        Status st = m_job.on_chunk(f.chunk, f.end);
        if (!st) return fail({PipelineFailure::callback, st, f.end, f.chunk, {}}), false;
      }
      if (m_job.cancel && m_job.cancel->load() && f.end < m_job.end) {
        return fail({PipelineFailure::cancelled, Status::ok(), f.end, f.chunk, {}}), false;
      }
    }
    return true;
  }

  void write_loop() {
    std::thread flusher;
    if (m_job.output) flusher = std::thread([this] { sync_loop(); });
    std::deque<Finished> finished;
    Slot s;
    bool ok = true;
    for (std::uint64_t k = 0; ok && next_slot(k, s); ++k) {
      if (m_job.output) {
        Status st = m_job.output->pwrite_all(s.data, s.len, s.offset);
        if (!st) {
          // A write from a mapping whose bytes vanished fails too (EFAULT): the input's fault.
          fail(mapped_and_gone(k, s) ? vanished(s) : PipelineResult{PipelineFailure::write, st, s.offset, 0, {}});
          break;
        }
      }
      if (m_job.on_bytes) m_job.on_bytes(s.len);
      if (s.last_in_chunk) {
        std::unique_lock<std::mutex> lock(m_mu);
        m_cv.wait(lock, [&] { return m_stop || m_chunks_verified > s.chunk; });
        if (m_stop) break;
        if (m_job.output) {
          // Flushed before anyone journals it as verified; the flusher runs while we go on.
          m_sync_requested = s.chunk + 1;
          m_sync_requested_end = s.offset + s.len;
        } else {
          m_synced = s.chunk + 1;  // nothing to flush when only verifying
        }
        lock.unlock();
        m_cv.notify_all();
        finished.push_back({s.chunk, s.offset + s.len});
      }
      release(k);
      ok = deliver(finished, false);
    }
    if (ok) deliver(finished, true);
    {
      std::lock_guard<std::mutex> lock(m_mu);
      m_sync_quit = true;
    }
    m_cv.notify_all();
    if (flusher.joinable()) flusher.join();
    salvage(finished);
  }

  // When a later chunk failed (bad data, a read or write error), the chunks finished before
  // it are still good: flush and report them, so a resume does not copy them again.
  void salvage(std::deque<Finished>& finished) {
    PipelineFailure failure = PipelineFailure::none;
    {
      std::lock_guard<std::mutex> lock(m_mu);
      failure = m_result.failure;
    }
    const bool salvageable = failure == PipelineFailure::read || failure == PipelineFailure::short_input ||
                             failure == PipelineFailure::write || failure == PipelineFailure::mismatch;
    if (finished.empty() || !salvageable) return;
    if (m_job.output && !m_job.output->sync()) return;
    for (const Finished& f : finished) {
      if (!m_job.on_chunk || !m_job.on_chunk(f.chunk, f.end)) return;
    }
  }

  const PipelineJob& m_job;
  BufferRing& m_ring;
  std::mutex m_mu;
  std::condition_variable m_cv;
  std::vector<Slot> m_slots;
  std::vector<std::unique_ptr<platform::MappedRange>> m_maps;  // per slot; the reader's alone
  const int m_consumers;
  std::uint64_t m_produced = 0;
  bool m_reader_done = false;
  std::uint64_t m_chunks_verified = 0;
  std::uint64_t m_sync_requested = 0;  // chunk index + 1 the flusher should reach
  std::uint64_t m_sync_requested_end = 0;
  std::uint64_t m_synced = 0;  // chunk index + 1 known to be flushed
  bool m_sync_quit = false;
  bool m_stop = false;
  PipelineResult m_result;
};

}  // namespace

PipelineResult run_pipeline(const PipelineJob& job, BufferRing& ring) {
  if (job.begin >= job.end) return {};
  return Pipeline(job, ring).run();
}

}  // namespace adrestore::exec
