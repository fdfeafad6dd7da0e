#include "backup/hash_engine.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "platform/sha256.h"

namespace adrestore::backup {
namespace {

constexpr std::size_t k_max_chunk_problems = 8;  // per file; then one summary line
constexpr std::size_t k_max_queued_blocks = 2;   // per file, read but not yet chunk-hashed
constexpr unsigned k_max_threads = 64;

std::string range_text(std::uint64_t first, std::uint64_t last) {
  return "bytes " + std::to_string(first) + "-" + std::to_string(last);
}

// A read block: which pool buffer, and where it sits in the file. Its bytes are either the
// pool buffer's (read into it) or a mapping of the file (hashed in place, no copy).
struct Block {
  std::size_t buffer = 0;
  char* buf = nullptr;          // the pool buffer's bytes, taken under the lock
  const char* data = nullptr;   // the bytes to hash: buf, or the mapping's
  std::shared_ptr<platform::MappedRange> map;  // kept until both streams have hashed the block
  std::uint64_t offset = 0;
  std::size_t len = 0;
};

struct FileState {
  std::size_t target = 0;
  const ManifestFile* entry = nullptr;
  WinPath path;
  std::unique_ptr<platform::File> file;
  bool opened = false;
  std::uint64_t read_offset = 0;  // the next byte the whole stream reads
  bool reading_done = false;      // the whole stream has finished (end, failure or stop); lock held
  bool w_finished = false;        // set by the whole stream's own task; copied to reading_done under the lock
  bool complete = false;          // every byte was read and hashed
  bool failed = false;            // a problem that makes the hashes meaningless was reported
  bool c_failed = false;          // the chunk stream could not finish (its own flag: no race with the whole stream)
  bool w_busy = false;
  bool c_busy = false;
  bool chunk_stream = false;      // more than one chunk: chunk hashes need their own stream
  std::deque<Block> queued;       // whole-hashed blocks waiting for the chunk stream
  platform::Sha256 whole;
  platform::Digest whole_digest{};
  platform::Sha256 chunk;
  std::size_t chunk_mismatches = 0;
  // Each stream writes its own list (they run concurrently); judge() merges them.
  std::vector<VerifyProblem> w_problems;
  std::vector<VerifyProblem> c_problems;

  VerifyProblem& problem(std::vector<VerifyProblem>& list, ProblemKind kind, std::string message) {
    VerifyProblem p;
    p.kind = kind;
    p.file = entry->path;
    p.message = entry->path + ": " + std::move(message);
    list.push_back(std::move(p));
    return list.back();
  }
};

class Engine {
 public:
  Engine(host::Disks& disks, const std::vector<HashTarget>& targets, std::uint64_t chunk_size,
         const VerifyOptions& options)
      : m_disks(disks), m_targets(targets), m_chunk_size(chunk_size), m_options(options) {
    std::size_t rs = std::max<std::size_t>(options.read_size, 64u << 10);
    m_read_size = 64u << 10;
    while (m_read_size * 2 <= rs && m_read_size * 2 <= (64u << 20)) m_read_size *= 2;
    unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
    m_threads = std::clamp(threads, 1u, k_max_threads);
    m_max_active = m_threads;
    const std::size_t wanted = m_max_active * (k_max_queued_blocks + 2);
    m_max_buffers = std::clamp<std::size_t>(k_max_buffer_bytes / m_read_size, 2, std::max<std::size_t>(wanted, 2));
    m_buffers.reserve(m_max_buffers);
    m_out.problems.resize(targets.size());
    for (const HashTarget& t : targets) m_total_bytes += t.entry->size;
    // Largest first: the big database's whole-file hash is the longest sequential job, so it
    // starts at once and the small files fill the other threads around it.
    for (std::size_t i = 0; i < targets.size(); ++i) m_order.push_back(i);
    std::stable_sort(m_order.begin(), m_order.end(),
                     [&](std::size_t a, std::size_t b) { return targets[a].entry->size > targets[b].entry->size; });
  }

  HashOutcome run() {
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < m_threads; ++i) {
      try {
        helpers.emplace_back([this] { worker(); });
      } catch (const std::system_error&) {
        break;  // fewer threads: slower, still correct
      }
    }
    worker();
    for (std::thread& t : helpers) t.join();
    return std::move(m_out);
  }

 private:
  enum class Task { none, whole, chunk };

  bool cancel_requested() const { return m_options.cancel && m_options.cancel->load(std::memory_order_relaxed); }

  // Takes a pool buffer (allocating up to the pool size); called with the lock held.
  bool take_buffer(std::size_t& index) {
    if (!m_free.empty()) {
      index = m_free.back();
      m_free.pop_back();
      return true;
    }
    if (m_buffers.size() < m_max_buffers) {
      m_buffers.emplace_back(new char[m_read_size]);  // reserved: never reallocates
      index = m_buffers.size() - 1;
      return true;
    }
    return false;
  }
  bool buffer_available() const { return !m_free.empty() || m_buffers.size() < m_max_buffers; }

  void worker() {
    std::unique_lock<std::mutex> lock(m_mu);
    for (;;) {
      if (!m_stop && cancel_requested()) {
        m_stop = true;
        m_out.cancelled = true;
        for (auto& f : m_active) {
          if (!f->w_busy) f->reading_done = true;
        }
        finish_idle_files();
      }
      FileState* f = nullptr;
      Task task = Task::none;
      Block block;
      for (auto& a : m_active) {  // the chunk stream first: it frees buffers
        if (!a->c_busy && !a->queued.empty()) {
          f = a.get();
          task = Task::chunk;
          block = a->queued.front();
          a->queued.pop_front();
          a->c_busy = true;
          break;
        }
      }
      if (!f && !m_stop && buffer_available()) {
        for (auto& a : m_active) {
          if (!a->w_busy && !a->reading_done && a->queued.size() < k_max_queued_blocks) {
            f = a.get();
            break;
          }
        }
        if (!f && m_active.size() < m_max_active && m_next < m_targets.size()) {
          f = start_file(m_order[m_next++]);
        }
        if (f) {
          task = Task::whole;
          f->w_busy = true;
          take_buffer(block.buffer);
          block.buf = m_buffers[block.buffer].get();
        }
      }
      if (task == Task::none) {
        if (m_active.empty() && (m_stop || m_next == m_targets.size())) {
          m_cv.notify_all();
          return;
        }
        m_cv.wait(lock);
        continue;
      }
      lock.unlock();
      try {
        if (task == Task::whole) {
          run_whole(*f, block);
        } else {
          run_chunk(*f, block);
        }
      } catch (const std::exception& e) {
        // Out of memory or a failing crypto library: this file is not verified, and says so.
        std::vector<VerifyProblem>& list = task == Task::whole ? f->w_problems : f->c_problems;
        f->problem(list, ProblemKind::io, std::string("the check failed: ") + e.what());
        if (task == Task::whole) {
          fail(*f);
        } else {
          f->c_failed = true;
        }
      }
      lock.lock();
      if (task == Task::whole) {
        f->w_busy = false;
        if (m_stop || f->w_finished) f->reading_done = true;
        if (block.len > 0 && f->chunk_stream && !f->failed && !m_stop) {
          f->queued.push_back(block);
        } else {
          m_free.push_back(block.buffer);
        }
      } else {
        f->c_busy = false;
        m_free.push_back(block.buffer);
      }
      finish_idle_files();
      m_cv.notify_all();
    }
  }

  FileState* start_file(std::size_t target) {
    auto st = std::make_unique<FileState>();
    st->target = target;
    st->entry = m_targets[target].entry;
    st->path = m_targets[target].path;
    st->chunk_stream = st->entry->chunk_sha256.size() > 1;
    m_active.push_back(std::move(st));
    return m_active.back().get();
  }

  // Moves every file whose streams are both finished out of the active set (lock held).
  void finish_idle_files() {
    for (auto it = m_active.begin(); it != m_active.end();) {
      FileState& f = **it;
      if (f.reading_done && !f.w_busy && !f.c_busy && f.queued.empty()) {
        m_out.problems[f.target] = judge(f);
        it = m_active.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Opens the file, reads the next block into `block`, and feeds the whole-file hash.
  void run_whole(FileState& f, Block& block) {
    block.len = 0;
    const std::uint64_t size = f.entry->size;
    if (!f.opened) {
      f.opened = true;
      {
        std::lock_guard<std::mutex> disks_lock(m_disks_mu);
        auto opened = m_disks.open(f.path, platform::File::Mode::read);
        if (!opened) {
          f.problem(f.w_problems, ProblemKind::io, "cannot open the file: " + opened.status().message());
          return fail(f);
        }
        f.file = std::move(*opened);
      }
      auto actual = f.file->size();
      if (!actual) {
        f.problem(f.w_problems, ProblemKind::io, actual.status().message());
        return fail(f);
      }
      if (*actual != size) {
        f.problem(f.w_problems, ProblemKind::size, "the file has " + std::to_string(*actual) + " bytes; the manifest records " +
                                         std::to_string(size));
        return fail(f);
      }
      f.file->advise_sequential();
    }
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_read_size, size - f.read_offset));
    block.offset = f.read_offset;
    // Mapped, the whole stream hashes the page cache in place: the copy a read makes lies on
    // this stream's path, the one that bounds the check of a large file.
    if (m_options.map_source && want > 0) {
      if (auto m = f.file->map_range(f.read_offset, want)) {
        block.map = std::move(m);
        block.data = block.map->data();
        block.len = want;
        if (!platform::read_mapped([&] { f.whole.update(block.data, want); })) {
          block.len = 0;
          f.problem(f.w_problems, ProblemKind::io, shrank_text(f.read_offset));
          return fail(f);
        }
        return advance(f, block);
      }
    }
    char* buf = block.buf;
    block.data = buf;
    while (block.len < want) {
      // Positional: earlier blocks may have been mapped, which moves no file position.
      auto n = f.file->pread(buf + block.len, want - block.len, f.read_offset + block.len);
      if (!n) {
        f.problem(f.w_problems, ProblemKind::io, n.status().message());
        return fail(f);
      }
      if (*n == 0) {
        f.problem(f.w_problems, ProblemKind::size, "the file ended at byte " + std::to_string(f.read_offset + block.len) +
                                         " while it was read; the manifest records " + std::to_string(size) +
                                         " bytes (did it change during the check?)");
        return fail(f);
      }
      block.len += *n;
    }
    f.whole.update(buf, block.len);
    advance(f, block);
  }

  static std::string shrank_text(std::uint64_t offset) {
    return "reading from byte " + std::to_string(offset) +
           " failed: the file shrank while it was checked, or the disk could not read it";
  }

  // After a block was hashed into the whole stream: progress, and the end of the file.
  void advance(FileState& f, const Block& block) {
    const std::uint64_t size = f.entry->size;
    f.read_offset += block.len;
    if (block.len > 0) report_progress(block.len);
    if (f.read_offset == size) {
      char probe = 0;
      auto extra = f.file->pread(&probe, 1, size);
      if (extra && *extra > 0) {
        f.problem(f.w_problems, ProblemKind::size, "the file is longer than the " + std::to_string(size) +
                                         " bytes the manifest records (did it change during the check?)");
        return fail(f);
      }
      f.whole_digest = f.whole.finish();
      f.complete = true;
      f.w_finished = true;
      f.file.reset();
    }
  }

  void fail(FileState& f) {
    f.failed = true;
    f.w_finished = true;
    f.file.reset();
  }

  // Feeds one block to the chunk hashes, comparing each chunk that ends inside it.
  void run_chunk(FileState& f, const Block& block) {
    const char* buf = block.data;
    const auto hash = [&](const char* p, std::size_t n) {
      if (!block.map) return f.chunk.update(p, n);
      if (!platform::read_mapped([&] { f.chunk.update(p, n); })) throw std::runtime_error(shrank_text(block.offset));
    };
    const std::uint64_t size = f.entry->size;
    std::uint64_t pos = block.offset;
    const std::uint64_t end = block.offset + block.len;
    while (pos < end) {
      const std::uint64_t index = pos / m_chunk_size;
      const std::uint64_t chunk_end = std::min((index + 1) * m_chunk_size, size);
      const std::uint64_t seg_end = std::min(end, chunk_end);
      hash(buf + (pos - block.offset), static_cast<std::size_t>(seg_end - pos));
      if (seg_end == chunk_end) {
        const std::string got = platform::to_hex(f.chunk.finish());
        static const std::string k_none = "(none)";
        const std::string& want =
            index < f.entry->chunk_sha256.size() ? f.entry->chunk_sha256[static_cast<std::size_t>(index)] : k_none;
        if (got != want) chunk_mismatch(f, index, index * m_chunk_size, chunk_end - 1, got, want);
      }
      pos = seg_end;
    }
  }

  void chunk_mismatch(FileState& f, std::uint64_t index, std::uint64_t first, std::uint64_t last,
                      const std::string& got, const std::string& want) {
    if (++f.chunk_mismatches > k_max_chunk_problems) return;
    VerifyProblem& p = f.problem(f.c_problems, ProblemKind::chunk_hash,
                                 "chunk " + std::to_string(index) + " (" + range_text(first, last) + ") has SHA-256 " +
                                     got + "; the manifest records " + want);
    p.chunk = index;
    p.first_byte = first;
    p.last_byte = last;
  }

  // The verdict once both streams are done (lock held): the file's problems, in order.
  std::vector<VerifyProblem> judge(FileState& f) {
    if (f.complete && !f.c_failed) judge_hashes(f);  // else failed (already reported) or stopped by a cancel
    std::vector<VerifyProblem> out = std::move(f.w_problems);
    for (VerifyProblem& p : f.c_problems) out.push_back(std::move(p));
    return out;
  }

  void judge_hashes(FileState& f) {
    const std::string whole = platform::to_hex(f.whole_digest);
    const std::uint64_t size = f.entry->size;
    if (f.entry->chunk_sha256.size() == 1 && whole != f.entry->chunk_sha256[0]) {
      chunk_mismatch(f, 0, 0, size - 1, whole, f.entry->chunk_sha256[0]);
    }
    if (f.chunk_mismatches > k_max_chunk_problems) {
      f.problem(f.c_problems, ProblemKind::chunk_hash, "and " + std::to_string(f.chunk_mismatches - k_max_chunk_problems) +
                                             " more chunks do not match");
    }
    if (whole != f.entry->sha256) {
      std::string msg = "the whole file has SHA-256 " + whole + "; the manifest records " + f.entry->sha256;
      if (f.chunk_mismatches == 0 && !f.entry->chunk_sha256.empty()) {
        msg += " (every chunk matches, so the manifest's sha256 field itself was altered or damaged)";
      }
      f.problem(f.c_problems, ProblemKind::file_hash, msg);
    }
  }

  void report_progress(std::size_t n) {
    std::lock_guard<std::mutex> lock(m_progress_mu);
    m_out.bytes_hashed += n;
    if (m_options.progress) m_options.progress(m_out.bytes_hashed, m_total_bytes);
  }

  host::Disks& m_disks;
  const std::vector<HashTarget>& m_targets;
  std::uint64_t m_chunk_size;
  const VerifyOptions& m_options;
  std::size_t m_read_size = 0;
  unsigned m_threads = 1;
  std::size_t m_max_active = 1;
  std::size_t m_max_buffers = 2;
  std::uint64_t m_total_bytes = 0;

  std::mutex m_mu;  // guards everything below except buffer contents in use by a task
  std::condition_variable m_cv;
  std::vector<std::unique_ptr<FileState>> m_active;
  std::vector<std::size_t> m_order;  // target indices in the order files are started
  std::size_t m_next = 0;            // into m_order
  std::vector<std::unique_ptr<char[]>> m_buffers;
  std::vector<std::size_t> m_free;
  bool m_stop = false;
  HashOutcome m_out;

  std::mutex m_disks_mu;
  std::mutex m_progress_mu;
};

}  // namespace

HashOutcome hash_files(host::Disks& disks, const std::vector<HashTarget>& targets, std::uint64_t chunk_size,
                       const VerifyOptions& options) {
  if (targets.empty() || chunk_size == 0) {
    HashOutcome out;
    out.problems.resize(targets.size());
    return out;
  }
  Engine engine(disks, targets, chunk_size, options);
  return engine.run();
}

}  // namespace adrestore::backup
