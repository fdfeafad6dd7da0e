// The hashing half of backup.verify: reads each file of a set once and checks its whole-file
// SHA-256 and its chunk SHA-256s against the manifest.
//
// Work is split into two streams per file: the "whole" stream reads the file sequentially
// and feeds the whole-file hash; the "chunk" stream hashes the same buffers chunk by chunk.
// The two are independent sequential computations, so a pool of threads runs them in
// parallel (and several files at once): a large database is hashed twice over (whole and
// chunks, as the manifest requires) in about the wall time of one pass. A file of a single
// chunk has one stream, since its chunk hash is its whole-file hash.
//
// Memory: a fixed pool of read buffers (k_max_buffer_bytes at most), whatever the file sizes.
#pragma once

#include <cstdint>
#include <vector>

#include "backup/manifest.h"
#include "backup/verify.h"
#include "host/disks.h"

namespace adrestore::backup {

struct HashTarget {
  const ManifestFile* entry = nullptr;
  WinPath path;  // where the file is (source + entry->path)
};

struct HashOutcome {
  std::vector<std::vector<VerifyProblem>> problems;  // one list per target, in target order
  std::uint64_t bytes_hashed = 0;
  bool cancelled = false;
};

// Calls on `disks` are made one at a time (a Disks need not be thread-safe); reads of opened
// files run in parallel.
HashOutcome hash_files(host::Disks& disks, const std::vector<HashTarget>& targets, std::uint64_t chunk_size,
                       const VerifyOptions& options);

}  // namespace adrestore::backup
