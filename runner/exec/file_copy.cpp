#include "exec/file_copy.h"

#include "base/text.h"
#include "exec/copy_pipeline.h"

namespace adrestore::exec {
namespace {

std::string range_text(std::uint64_t chunk, const CopyItem& item) {
  const std::uint64_t first = chunk * item.chunk_size;
  const std::uint64_t last = std::min(first + item.chunk_size, item.size) - 1;
  return "chunk " + std::to_string(chunk) + " (bytes " + std::to_string(first) + "-" + std::to_string(last) + ")";
}

std::string type_text(const platform::FileInfo& info) {
  switch (info.type) {
    case platform::FileType::missing: return "missing";
    case platform::FileType::regular: return std::to_string(info.size) + " bytes";
    case platform::FileType::directory: return "a folder";
    case platform::FileType::symlink: return "a symbolic link";
    case platform::FileType::other: return "not a regular file";
  }
  return "?";
}

std::uint64_t expected_chunks(std::uint64_t size, std::uint64_t chunk_size) {
  return size / chunk_size + (size % chunk_size ? 1 : 0);
}

Status check_item(const CopyItem& item) {
  const std::string where = item.destination.str() + ": ";
  if (item.chunk_size == 0) return Status::error(Code::invalid_input, where + "the chunk size is 0");
  const std::uint64_t want = expected_chunks(item.size, item.chunk_size);
  if (item.chunk_sha256.size() != want) {
    return Status::error(Code::invalid_input, where + "the manifest lists " + std::to_string(item.chunk_sha256.size()) +
                                                  " chunk hashes for " + std::to_string(item.size) + " bytes in chunks of " +
                                                  std::to_string(item.chunk_size) + "; " + std::to_string(want) +
                                                  " were expected");
  }
  return Status::ok();
}

// Whether the whole-file hash needs its own pass over the bytes.
bool needs_whole_pass(const CopyItem& item, WholeFileCheck check) {
  if (check == WholeFileCheck::chunks) return false;
  return !(item.chunk_sha256.size() == 1 && item.chunk_sha256[0] == item.sha256);
}

class FileCopier {
 public:
  FileCopier(host::Disks& disks, const CopyCallbacks& cb, const CopyOptions& opt, std::uint64_t all_total)
      : m_disks(disks), m_cb(cb), m_opt(opt), m_ring(opt.buffers, opt.buffer_size) {
    m_progress.all_total = all_total;
  }

  Status copy(const CopyItem& item) {
    m_progress.file = item.name.empty() ? item.destination.str() : item.name;
    m_progress.file_total = item.size;
    m_progress.file_done = 0;
    m_file_base = m_progress.all_done;
    const std::string dest = item.destination.str();
    auto fail = [&dest](Code c, const std::string& msg) { return Status::error(c, dest + ": " + msg); };

    if (item.resume.done) {
      auto st = m_disks.stat(item.destination);
      if (!st) return st.status().with_context(dest);
      if (st->type != platform::FileType::regular || st->size != item.size) {
        return fail(Code::failed, "the journal records it as copied and verified, but it is now " + type_text(*st) +
                                      " (the manifest says " + std::to_string(item.size) +
                                      " bytes): something changed it after the copy. Investigate before going on; "
                                      "adrestore will not copy over it");
      }
      advance(item.size);
      return Status::ok();
    }
    if (Status s = m_disks.create_dirs(item.destination.parent()); !s) return s.with_context(dest);
    const WinPath partial = partial_path(item.destination);
    auto pst = m_disks.stat(partial);
    if (!pst) return pst.status().with_context(dest);
    if (pst->type != platform::FileType::missing && pst->type != platform::FileType::regular) {
      return fail(Code::failed, "the partial copy " + partial.str() + " is " + type_text(*pst) +
                                    "; adrestore never follows links. Remove it or move it away by hand, then resume");
    }

    platform::Sha256 file_hasher;
    const bool whole_pass = needs_whole_pass(item, m_opt.whole_file);
    platform::Sha256* whole = whole_pass ? &file_hasher : nullptr;
    std::string restart;
    const std::uint64_t verified = item.resume.verified_offset;
    if (verified > 0) {
      const std::uint64_t chunk = item.resume.last_chunk.value_or(UINT64_MAX);
      if (chunk == UINT64_MAX || chunk >= item.chunk_sha256.size() ||
          verified != std::min((chunk + 1) * item.chunk_size, item.size)) {
        restart = "its journaled progress (offset " + std::to_string(verified) +
                  ") does not fall on a chunk boundary of the manifest";
      } else if (pst->type == platform::FileType::missing) {
        if (verified == item.size) {
          // The rename may have happened just before a crash, ahead of the file-done record.
          auto done = verify_in_place(item);
          if (!done) return done.status();
          if (*done) return m_cb.file_done ? m_cb.file_done(item) : Status::ok();
        }
        restart = "the partial copy " + partial.str() + " is missing";
      } else if (pst->size < verified) {
        restart = "the partial copy holds " + std::to_string(pst->size) + " bytes, fewer than the " +
                  std::to_string(verified) + " journaled as verified";
      }
    }

    auto out = m_disks.open(partial, platform::File::Mode::read_write);
    if (!out) return out.status().with_context(dest + ": cannot open the partial copy");
    if (pst->type == platform::FileType::missing) {
      if (Status s = m_disks.sync_dir(item.destination.parent()); !s) return s.with_context(dest);
    }
    std::uint64_t start = 0;
    if (verified > 0 && restart.empty()) {
      PipelineJob check = job_for(item, out->get(), 0, verified);
      check.file_hasher = whole;
      check.cancel = m_opt.cancel;
      const PipelineResult r = run_pipeline(check, m_ring);
      if (r.failure == PipelineFailure::mismatch) {
        restart = "its partial copy no longer matches the manifest in " + range_text(r.chunk, item);
      } else if (r.failure == PipelineFailure::cancelled) {
        return fail(Code::interrupted, "stopped while re-checking the partial copy; resume continues there");
      } else if (!r.ok()) {
        return fail(Code::io, "re-reading the partial copy failed at offset " + std::to_string(r.offset) + ": " +
                                  r.status.message());
      } else {
        start = verified;
      }
    }
    if (!restart.empty()) {
      if (m_cb.file_restarted) {
        if (Status s = m_cb.file_restarted(item, restart); !s) return s;
      }
      file_hasher = platform::Sha256();
      rewind();
    }
    // Whatever lies after the verified prefix was never journaled: cut it off.
    Status s = (*out)->truncate(start);
    if (s) s = (*out)->sync();
    if (!s) return fail(Code::io, "cannot cut the partial copy back to " + std::to_string(start) + " bytes: " + s.message());

    if (Status c = copy_rest(item, **out, start, whole); !c) return c;

    const platform::Digest got = whole_pass ? file_hasher.finish() : item.sha256;
    if (got != item.sha256) {
      return fail(Code::failed, "whole-file SHA-256 mismatch: expected " + platform::to_hex(item.sha256) + ", got " +
                                    platform::to_hex(got) +
                                    " although every chunk matched: the manifest contradicts itself. Recreate the "
                                    "backup set's manifest");
    }
    if (Status c = (*out)->close(); !c) return fail(Code::io, "cannot close the partial copy: " + c.message());
    out->reset();
    if (Status r = m_disks.rename(partial, item.destination); !r) {
      return fail(Code::io, "cannot move the verified copy into place: " + r.message());
    }
    return m_cb.file_done ? m_cb.file_done(item) : Status::ok();
  }

 private:
  Status copy_rest(const CopyItem& item, platform::File& out, std::uint64_t start, platform::Sha256* file_hasher) {
    const std::string dest = item.destination.str();
    auto src = m_disks.open(item.source, platform::File::Mode::read);
    if (!src) return src.status().with_context(dest + ": cannot open the backup file " + item.source.str());
    auto size = (*src)->size();
    if (!size) return size.status().with_context(dest);
    if (*size != item.size) {
      return Status::error(Code::failed, dest + ": the backup file " + item.source.str() + " is " +
                                             std::to_string(*size) + " bytes, but the manifest says " +
                                             std::to_string(item.size));
    }
    (*src)->advise_sequential();
    if (m_opt.direct_writes) out.use_direct_writes();
    PipelineJob job = job_for(item, src->get(), start, item.size);
    job.output = &out;
    job.file_hasher = file_hasher;
    job.on_chunk = [this, &item](std::uint64_t chunk, std::uint64_t end) {
      return m_cb.chunk_verified ? m_cb.chunk_verified(item, end, chunk) : Status::ok();
    };
    job.cancel = m_opt.cancel;
    const PipelineResult r = run_pipeline(job, m_ring);
    const std::string at = std::to_string(r.offset);
    switch (r.failure) {
      case PipelineFailure::none:
        return Status::ok();
      case PipelineFailure::read:
        return Status::error(Code::io, dest + ": reading the backup file " + item.source.str() + " failed at offset " +
                                           at + ": " + r.status.message());
      case PipelineFailure::short_input:
        return Status::error(Code::failed, dest + ": the backup file " + item.source.str() + " ends at offset " + at +
                                               ", before the " + std::to_string(item.size) + " bytes of the manifest");
      case PipelineFailure::write: {
        // A full disk or a denied write keeps its code: files.copy turns it into the HRESULT
        // it reports to DsRestoreRegisterComplete (ERROR_DISK_FULL, ERROR_ACCESS_DENIED).
        const Code c = r.status.code();
        return Status::error(c == Code::no_space || c == Code::access_denied ? c : Code::io,
                             dest + ": write failed at offset " + at + ": " + r.status.message() +
                                 ". Fix the cause (free space, permissions), then resume");
      }
      case PipelineFailure::sync:
        return Status::error(Code::io, dest + ": flushing the copy to disk failed before offset " + at + ": " +
                                           r.status.message());
      case PipelineFailure::mismatch:
        return Status::error(Code::failed, dest + ": SHA-256 mismatch in " + range_text(r.chunk, item) + ": expected " +
                                               platform::to_hex(item.chunk_sha256[r.chunk]) + ", got " +
                                               platform::to_hex(r.actual) + "; the backup file " + item.source.str() +
                                               " does not match its manifest (a damaged backup set?)");
      case PipelineFailure::callback:
        return r.status;
      case PipelineFailure::cancelled:
        return Status::error(Code::interrupted, dest + ": stopped after " + range_text(r.chunk, item) +
                                                    " at a safe point; resume continues from offset " + at);
    }
    return Status::error(Code::internal, dest + ": unknown copy failure");
  }

  // After a crash between the rename and the file-done record: is the file in place whole?
  Result<bool> verify_in_place(const CopyItem& item) {
    auto st = m_disks.stat(item.destination);
    if (!st) return st.status();
    if (st->type != platform::FileType::regular || st->size != item.size) return false;
    auto in = m_disks.open(item.destination, platform::File::Mode::read);
    if (!in) return in.status().with_context(item.destination.str());
    platform::Sha256 hasher;
    const bool whole_pass = needs_whole_pass(item, m_opt.whole_file);
    PipelineJob check = job_for(item, in->get(), 0, item.size);
    check.file_hasher = whole_pass ? &hasher : nullptr;
    const PipelineResult r = run_pipeline(check, m_ring);
    if (r.failure == PipelineFailure::read) return r.status.with_context(item.destination.str());
    const bool whole = r.ok() && (!whole_pass || hasher.finish() == item.sha256);
    if (!whole) rewind();
    return whole;
  }

  // A pipeline job over [begin, end) of `input` for `item`, reporting progress.
  PipelineJob job_for(const CopyItem& item, platform::File* input, std::uint64_t begin, std::uint64_t end) {
    PipelineJob job;
    job.input = input;
    job.begin = begin;
    job.end = end;
    job.chunk_size = item.chunk_size;
    job.chunk_hashes = &item.chunk_sha256;
    job.map_input = m_opt.map_source;
    job.on_bytes = [this](std::uint64_t n) { advance(n); };
    return job;
  }

  void advance(std::uint64_t n) {
    m_progress.file_done += n;
    m_progress.all_done += n;
    if (m_cb.progress) m_cb.progress(m_progress);
  }
  void rewind() {
    m_progress.file_done = 0;
    m_progress.all_done = m_file_base;
    if (m_cb.progress) m_cb.progress(m_progress);
  }

  host::Disks& m_disks;
  const CopyCallbacks& m_cb;
  const CopyOptions& m_opt;
  BufferRing m_ring;
  CopyProgress m_progress;
  std::uint64_t m_file_base = 0;
};

}  // namespace

WinPath partial_path(const WinPath& destination) {
  return destination.parent().child("." + destination.file_name() + ".adrestore-partial");
}

Result<CopyItem> make_copy_item(const backup::ManifestFile& f, std::uint64_t chunk_size, const WinPath& backup_dir,
                                const WinPath& destination) {
  CopyItem item;
  item.name = f.path;
  item.destination = destination;
  item.size = f.size;
  item.chunk_size = chunk_size;
  WinPath src = backup_dir;
  for (const std::string& seg : split(f.path, '/')) {
    if (const std::string why = check_windows_name(seg); !why.empty() || seg == "." || seg == "..") {
      return Status::error(Code::invalid_input, "manifest file \"" + escape_for_terminal(f.path) + "\": " +
                                                    (why.empty() ? "\"..\" and \".\" are not allowed" : why));
    }
    src = src.child(seg);
  }
  item.source = src;
  if (!platform::from_hex(f.sha256, item.sha256)) {
    return Status::error(Code::invalid_input, "manifest file \"" + escape_for_terminal(f.path) + "\": bad sha256");
  }
  for (const std::string& h : f.chunk_sha256) {
    platform::Digest d{};
    if (!platform::from_hex(h, d)) {
      return Status::error(Code::invalid_input, "manifest file \"" + escape_for_terminal(f.path) + "\": bad chunk hash");
    }
    item.chunk_sha256.push_back(d);
  }
  if (Status s = check_item(item); !s) return s;
  return item;
}

Status copy_files(host::Disks& disks, const std::vector<CopyItem>& items, const CopyCallbacks& callbacks,
                  const CopyOptions& options) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (Status s = check_item(items[i]); !s) return s;
    for (std::size_t k = 0; k < i; ++k) {
      if (items[k].destination.equals(items[i].destination)) {
        return Status::error(Code::invalid_input, "two backup files go to " + items[i].destination.str() + ": " +
                                                      items[k].name + " and " + items[i].name);
      }
    }
    total += items[i].size;
  }
  FileCopier copier(disks, callbacks, options, total);
  for (const CopyItem& item : items) {
    if (options.cancel && options.cancel->load()) {
      return Status::error(Code::interrupted, "stopped before " + item.destination.str() + " at a safe point");
    }
    if (Status s = copier.copy(item); !s) return s;
  }
  return Status::ok();
}

}  // namespace adrestore::exec
