// files.copy (step-graph.md step 11): copies each backup file to its destination through
// host::Disks, verifying SHA-256 per chunk and for the whole file while copying.
//
// Per file: the copy goes to ".<name>.adrestore-partial" in the destination directory;
// each chunk is written, flushed (sync) and hash-checked before chunk_verified() journals
// it; after the last chunk the whole-file hash is checked if CopyOptions::whole_file asks
// for it (the executor relies on the chunk hashes alone), the partial is renamed into place
// (the directory flushed) and file_done() journals it. Every source byte is read once;
// memory is `buffers * buffer_size` whatever the file size.
//
// Resume: a file the journal calls done is skipped (it must be in place with its size). A
// partial file with journaled progress has its verified prefix re-read and re-checked
// against the manifest's chunk hashes; anything after the prefix is cut off and the copy
// continues there. If the prefix does not match, or the partial is missing or short, the
// file starts over (file_restarted() journals that); a partial that is missing because the
// rename happened just before a crash is found whole in place and counts as done. A partial
// that is a link or not a regular file is never followed: the file fails. A failure
// (mismatch, I/O error, disk full, a failing callback) leaves the partial and the journal
// consistent for a resume.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "base/status.h"
#include "base/winpath.h"
#include "exec/run_state.h"
#include "exec/observer.h"
#include "host/disks.h"
#include "platform/sha256.h"

namespace adrestore::exec {

struct CopyItem {
  std::string name;        // for progress and messages: the path in the backup set
  WinPath source;          // the backup file
  WinPath destination;     // where it goes
  std::uint64_t size = 0;
  platform::Digest sha256{};
  std::uint64_t chunk_size = 0;
  std::vector<platform::Digest> chunk_sha256;  // ceil(size / chunk_size) entries
  FileCopyState resume;    // from the journal (RunState::file(destination))
};

// A CopyItem from a manifest entry: source = backup_dir + f.path, hashes parsed and the
// chunk count checked against the size. Code::invalid_input when the entry is inconsistent.
Result<CopyItem> make_copy_item(const backup::ManifestFile& f, std::uint64_t chunk_size, const WinPath& backup_dir,
                                const WinPath& destination);

// Where the copy of `destination` is written before it is verified: ".<name>.adrestore-partial".
WinPath partial_path(const WinPath& destination);

struct CopyCallbacks {
  // Bytes [0, offset) of item's partial copy are flushed and match chunks 0..chunk. Must be
  // durable (journaled) when it returns ok; a failure stops the copy with that status.
  std::function<Status(const CopyItem& item, std::uint64_t offset, std::uint64_t chunk)> chunk_verified;
  // The partial copy does not match its journaled progress; the file is copied again from 0.
  std::function<Status(const CopyItem& item, const std::string& reason)> file_restarted;
  // The file is in place under its final name, verified (journal file-done).
  std::function<Status(const CopyItem& item)> file_done;
  // For display only (not durable); on the caller's thread, after each buffer.
  std::function<void(const CopyProgress& progress)> progress;
};

// How a file is checked as a whole, besides chunk by chunk.
//  - hash (the default): the whole-file SHA-256 is computed while copying, on its own thread,
//    and compared with the manifest at the end.
//  - chunks: the chunk hashes alone. backup.verify has checked, just before, that each backup
//    file matches both its whole-file hash and its chunk hashes; a copy whose every chunk
//    matches is then that same file, and the second hash pass (about a third of the copy's
//    CPU) proves nothing new. The executor's files.copy uses this.
// A file of one chunk whose chunk hash is its whole-file hash is hashed once either way.
enum class WholeFileCheck { hash, chunks };

struct CopyOptions {
  WholeFileCheck whole_file = WholeFileCheck::hash;
  std::size_t buffer_size = 2u << 20;  // per buffer; small enough to stay in cache between the threads
  std::size_t buffers = 8;             // in flight: 16 MiB in all
  // Writes whole buffers past the page cache (platform::File::use_direct_writes) where the
  // file system allows: one memory copy fewer per byte and cheap per-chunk flushes. The
  // restored files are not read again by the restore, so caching them buys nothing.
  bool direct_writes = true;
  // Hashes and writes the backup's bytes where they are mapped (PipelineJob::map_input),
  // which saves copying them into the buffers first; POSIX only, the rest reads.
  bool map_source = true;
  // Checked after each verified chunk: when set, the copy stops there with Code::interrupted.
  const std::atomic<bool>* cancel = nullptr;
};

// Copies the items in order. Errors name the file and the offset, e.g.
// "E:\NTDS\ntds.dit: SHA-256 mismatch in chunk 3 (bytes 201326592-268435455) ...".
Status copy_files(host::Disks& disks, const std::vector<CopyItem>& items, const CopyCallbacks& callbacks,
                  const CopyOptions& options = {});

}  // namespace adrestore::exec
