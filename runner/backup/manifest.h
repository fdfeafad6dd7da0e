// The backup set manifest, adrestore-backup.json (doc/backup-manifest.md). A backup set is
// a folder holding the files the backup API produced and this manifest.
//
// The reader treats the manifest as hostile: it refuses path traversal, absolute paths,
// duplicate or case-colliding names, malformed sizes and hashes, unknown format versions
// and a missing expiry token, each with a clear error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"

namespace adrestore::backup {

inline constexpr int k_manifest_format_version = 1;
inline constexpr const char* k_default_manifest_name = "adrestore-backup.json";
inline constexpr std::uint64_t k_default_chunk_size = 64ULL << 20;

// The BFT type the backup API gave the file (ntds-api.md section 2).
enum class FileKind { database, log, patch, checkpoint };
const char* to_string(FileKind k);
std::optional<FileKind> file_kind_from_string(std::string_view s);

struct ManifestFile {
  std::string path;  // relative to the backup set folder, '/'-separated, no '..'
  FileKind kind = FileKind::database;
  WinPath original;  // where the file lived on the DC at backup time
  std::uint64_t size = 0;
  std::string sha256;                     // 64 lower-case hex digits
  std::vector<std::string> chunk_sha256;  // one per chunk_size bytes; the last may be short
};

// Database locations as DsRestoreGetDatabaseLocations reports them (and as recorded at
// backup time): the full path of the DIT file, and the log and checkpoint directories.
struct Locations {
  std::optional<WinPath> database_file;
  std::optional<WinPath> log_dir;
  std::optional<WinPath> checkpoint_dir;
};

struct Manifest {
  int format_version = k_manifest_format_version;
  std::string dc;
  std::string created_at;  // RFC 3339, UTC
  std::int64_t created_at_unix = 0;
  std::string expiry_token_base64;
  std::uint32_t gen_low = 0;
  std::uint32_t gen_high = 0;
  Locations locations;
  std::uint64_t chunk_size = k_default_chunk_size;
  std::vector<ManifestFile> files;
};

Result<Manifest> parse_manifest(std::string_view json_text);
std::string serialize_manifest(const Manifest& m);

}  // namespace adrestore::backup
