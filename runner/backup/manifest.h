// The backup set manifest, adrestore-backup.json (doc/backup-manifest.md). A backup set is
// a folder holding the files the backup API produced and this manifest.
//
// Shape: schema/backup-manifest.schema.json (built in); values: the rules in manifest.cpp.
// The reader treats the manifest as hostile: it refuses path traversal, absolute paths,
// duplicate or case-colliding names, malformed sizes and hashes, unknown format versions
// and a missing expiry token, each with a clear error naming the line and field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"
#include "input/diagnostic.h"

namespace adrestore::backup {

inline constexpr int k_manifest_format_version = 1;
inline constexpr const char* k_default_manifest_name = "adrestore-backup.json";
inline constexpr std::uint64_t k_default_chunk_size = 64ULL << 20;
inline constexpr std::uint64_t k_min_chunk_size = 64ULL << 10;  // chunkSize: a power of two in [64 KiB, 1 GiB]
inline constexpr std::uint64_t k_max_chunk_size = 1ULL << 30;
inline constexpr std::uint32_t k_max_log_generation = 0xFFFFF;  // genLow/genHigh range (ESE log numbers)
inline constexpr std::size_t k_max_manifest_bytes = 16u << 20;  // the reader refuses larger manifests
inline constexpr std::size_t k_max_manifest_files = 100000;
inline constexpr std::size_t k_max_set_path_bytes = 1024;       // ManifestFile::path

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
  // createdAt. The unix time is authoritative: serialize_manifest writes it; parse_manifest
  // sets both (created_at is the text as read, e.g. 2026-11-20T02:00:00Z).
  std::string created_at;
  std::int64_t created_at_unix = 0;
  std::string expiry_token_base64;  // canonical padded base64; decodes to at least one byte
  std::uint32_t gen_low = 0;
  std::uint32_t gen_high = 0;
  Locations locations;
  std::uint64_t chunk_size = k_default_chunk_size;
  std::vector<ManifestFile> files;
};

// Every problem of a manifest as a diagnostic "<display_name>:line:col: error: files[3].sha256:
// ...", like plan errors. `manifest` is set only when there is no error.
struct ManifestParse {
  input::Diagnostics diags;
  std::optional<Manifest> manifest;
};
ManifestParse parse_manifest_diagnostics(std::string_view json_text, const std::string& display_name);

// The same, with the diagnostics (at most 20, one per line) as the Status message.
Result<Manifest> parse_manifest(std::string_view json_text);

// Stable, pretty JSON (two-space indent, fixed key order, one chunk hash per line, a final
// newline). A manifest that parse_manifest accepted serializes back to an equal Manifest.
std::string serialize_manifest(const Manifest& m);

// The rules for ManifestFile::path: relative, '/'-separated, no '.', '..' or empty segment,
// no drive, UNC or backslash, every segment a name Windows can hold. Returns why the path is
// refused, or an empty string.
std::string check_set_relative_path(std::string_view path);
// The key under which two set paths collide on Windows (case-insensitive).
std::string set_path_key(std::string_view path);
// Where a file of the set lives: `source` plus the path's segments.
WinPath set_file_path(const WinPath& source, const std::string& relative_path);
// ceil(size / chunk_size): the number of chunk hashes a file of `size` bytes has.
std::uint64_t expected_chunk_count(std::uint64_t size, std::uint64_t chunk_size);
// The expiry token's bytes (what DsRestorePrepare takes).
Result<std::vector<std::uint8_t>> expiry_token_bytes(const Manifest& m);

}  // namespace adrestore::backup
