// backup.verify (step-graph.md step 5): is the backup set at `source` exactly what its
// manifest says, recent enough, and restorable? Read-only. Files are reached through
// host::Disks, so a simulated world and (later) a real Windows volume are checked the same way.
//
// Full check, in this order: the manifest is present and valid; the expiry token decodes;
// createdAt is within maxAge and not in the future; every listed file (or the `only` subset)
// is a regular file (no link anywhere inside the set), of the recorded size; then each file
// is read once, hashing the whole file and every chunk on the same pass; then the ESE
// headers of the database, logs and checkpoint are checked (backup/ese_check.h; the whole
// set only, not an `only` subset). Entries in the folder that the manifest does not list
// are reported as notes (the restore ignores them).
//
// Performance contract: every byte is read once, in large sequential reads (or hashed from a
// mapping); files are hashed in parallel on every core, and the whole-file hash and the chunk
// hashes of one file run on different threads over the same buffers (hash_engine.h says why
// not more per file). Buffer memory is bounded (k_max_buffer_bytes) whatever the file sizes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "base/winpath.h"
#include "host/disks.h"
#include "input/diagnostic.h"
#include "platform/key_files.h"

namespace adrestore::backup {

inline constexpr std::size_t k_default_read_size = 4u << 20;
inline constexpr std::size_t k_max_buffer_bytes = 32u << 20;
inline constexpr std::int64_t k_default_max_clock_skew_seconds = 300;

enum class ProblemKind {
  set_folder,    // the set folder is missing or not a folder
  manifest,      // the manifest is missing, unreadable or invalid
  expiry_token,  // the token is missing or does not decode
  too_old,       // createdAt is older than maxAge
  in_future,     // createdAt is later than now plus the allowed clock skew
  missing,       // a listed file is absent
  not_regular,   // a link, folder or device where a file (or a folder of the set) should be
  size,          // the file's size differs from the manifest
  chunk_hash,    // one chunk's SHA-256 differs
  file_hash,     // the whole file's SHA-256 differs
  io,            // the file could not be opened or read
  cancelled,     // the check was cancelled before it finished
  usage,         // the caller asked for a file the manifest does not list
  // ESE consistency (backup/ese_check.h): the set's bytes match the manifest, but would not recover.
  ese_header,        // the database, a log or the checkpoint has no valid ESE header
  ese_foreign_log,   // a log or the checkpoint belongs to another database (its log signature differs)
  ese_log_sequence,  // a gap in the log generations, or generations that disagree with genLow/genHigh or the names
  ese_logs_missing,  // a database in dirty shutdown needs logs the set does not hold
  ese_checkpoint,    // the checkpoint points at a log generation the set does not hold
  // Signatures (signature.h), checked when the plan trusts keys:
  unsigned_set,    // the set has no signature file
  signature_file,  // the signature file is unreadable, too large, truncated or malformed
  untrusted_key,   // signed by a key the plan does not trust
  expired_key,     // signed by a trusted key that has expired
  bad_signature,   // the signature does not match the manifest (it was changed after signing)
};
const char* to_string(ProblemKind k);

struct VerifyProblem {
  ProblemKind kind = ProblemKind::io;
  std::string file;                    // the manifest path ("logs/edb00001.log"); empty for the whole set
  std::optional<std::uint64_t> chunk;  // chunk_hash: the chunk index
  std::uint64_t first_byte = 0;        // chunk_hash: the chunk's byte range, inclusive
  std::uint64_t last_byte = 0;
  std::string message;                 // a sentence naming the file and the cause
};

struct VerifyResult {
  std::vector<VerifyProblem> problems;  // in manifest order, set-level problems first
  std::vector<std::string> notes;       // extra entries in the folder (ignored by the restore)
  std::uint64_t bytes_hashed = 0;
  std::size_t files_checked = 0;
  bool cancelled = false;
  bool ok() const { return problems.empty(); }
};

enum class VerifyDepth {
  full,   // everything, hashes included
  cheap,  // manifest, token, age, presence, links and sizes; no file is read (for validate)
};

struct VerifyOptions {
  std::int64_t now_unix = 0;  // the caller's clock (tests pass a fixed time)
  std::int64_t max_age_seconds = 180LL * 86400;
  std::int64_t max_clock_skew_seconds = k_default_max_clock_skew_seconds;
  VerifyDepth depth = VerifyDepth::full;
  // Manifest paths to check; unset means every file. Resume passes the files not yet copied.
  std::optional<std::vector<std::string>> only;
  unsigned threads = 0;                      // 0: the number of cores
  std::size_t read_size = k_default_read_size;  // rounded down to a power of two, at least 64 KiB
  const std::atomic<bool>* cancel = nullptr;    // polled between reads
  // Bytes hashed so far and the total to hash; called from worker threads, one call at a time.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // Hash the files' bytes from a mapping of the page cache where the platform can (POSIX),
  // instead of reading them into buffers; false reads (tests cover both paths).
  bool map_source = true;
  bool report_extra_files = true;
  std::string manifest_name = k_default_manifest_name;  // not an extra file (verify_backup_set sets it)
  // The plan's spec.backup.trust: when set, the manifest must carry a valid signature by one
  // of these keys (check_signature in signature.h), checked first, at every depth.
  std::optional<std::vector<platform::TrustedKey>> trust;
};

// Verifies the files of an already parsed manifest (the token and age checks included).
VerifyResult verify_files(host::Disks& disks, const WinPath& source, const Manifest& manifest,
                          const VerifyOptions& options);

// Reading <source>\<manifest_name> through `disks` (capped at k_max_manifest_bytes).
struct ManifestRead {
  enum class State { ok, set_missing, set_not_folder, manifest_missing, unreadable, invalid };
  State state = State::ok;
  std::string display_name;  // the manifest's Windows path, as messages name it
  input::Diagnostics diags;   // the manifest's own problems (state invalid)
  std::optional<Manifest> manifest;
  std::string message;       // why, when state is not ok
};
ManifestRead read_set_manifest(host::Disks& disks, const WinPath& source, const std::string& manifest_name);

// The whole of backup.verify: read the manifest, then verify_files.
struct SetVerification {
  std::optional<Manifest> manifest;
  VerifyResult result;
};
SetVerification verify_backup_set(host::Disks& disks, const WinPath& source, const std::string& manifest_name,
                                  const VerifyOptions& options);

// The age rule alone: a too_old or in_future problem, or nothing.
std::optional<VerifyProblem> check_age(const Manifest& manifest, std::int64_t now_unix, std::int64_t max_age_seconds,
                                       std::int64_t max_clock_skew_seconds = k_default_max_clock_skew_seconds);

}  // namespace adrestore::backup
