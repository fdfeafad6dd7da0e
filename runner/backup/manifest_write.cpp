// serialize_manifest and the small helpers around the model: kinds, set-relative paths,
// chunk counts. The reader is manifest.cpp.
#include <nlohmann/json.hpp>

#include "backup/encoding.h"
#include "backup/manifest.h"
#include "base/text.h"

namespace adrestore::backup {

const char* to_string(FileKind k) {
  switch (k) {
    case FileKind::database:
      return "database";
    case FileKind::log:
      return "log";
    case FileKind::patch:
      return "patch";
    case FileKind::checkpoint:
      return "checkpoint";
  }
  return "database";
}

std::optional<FileKind> file_kind_from_string(std::string_view s) {
  for (FileKind k : {FileKind::database, FileKind::log, FileKind::patch, FileKind::checkpoint}) {
    if (s == to_string(k)) return k;
  }
  return std::nullopt;
}

std::string check_set_relative_path(std::string_view path) {
  if (path.empty()) return "is empty; write the file's path inside the backup set folder";
  if (path.size() > k_max_set_path_bytes) {
    return "is " + std::to_string(path.size()) + " bytes long; at most " + std::to_string(k_max_set_path_bytes) +
           " are allowed";
  }
  if (path.find('\\') != std::string_view::npos) {
    return "contains a backslash; set paths are relative and '/'-separated, such as logs/edb00001.log";
  }
  if (path.front() == '/') {
    return "is absolute (starts with '/'); set paths are relative to the backup set folder";
  }
  if (path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':') {
    return "starts with a drive letter; set paths are relative to the backup set folder";
  }
  for (char c : path) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      // Windows folds case beyond ASCII too; keeping set paths ASCII makes collisions decidable here.
      return "contains a non-ASCII character; set paths are ASCII";
    }
  }
  for (const std::string& seg : split(path, '/')) {
    if (seg.empty()) return "has an empty segment (two '/' in a row, or a trailing '/')";
    if (seg == "." || seg == "..") {
      return "has a '" + seg + "' segment; '.' and '..' could reach outside the backup set folder";
    }
    if (seg.find(':') != std::string::npos) {
      return "has ':' in the segment '" + seg + "' (an alternate data stream or a drive; not a plain file name)";
    }
    if (seg.size() > 255) return "has a segment longer than 255 characters";
    if (std::string why = check_windows_name(seg); !why.empty()) {
      return "has the segment '" + escape_for_terminal(seg) + "', which " + why;
    }
  }
  return {};
}

std::string set_path_key(std::string_view path) { return to_lower_ascii(path); }

WinPath set_file_path(const WinPath& source, const std::string& relative_path) {
  WinPath p = source;
  for (const std::string& seg : split(relative_path, '/')) p = p.child(seg);
  return p;
}

std::uint64_t expected_chunk_count(std::uint64_t size, std::uint64_t chunk_size) {
  if (chunk_size == 0) return 0;
  return size / chunk_size + (size % chunk_size != 0 ? 1 : 0);
}

Result<std::vector<std::uint8_t>> expiry_token_bytes(const Manifest& m) {
  auto bytes = decode_base64(m.expiry_token_base64);
  if (!bytes) return bytes.status().with_context("expiryToken");
  if (bytes->empty()) return Status::error(Code::invalid_input, "expiryToken: the token is empty");
  return bytes;
}

std::string serialize_manifest(const Manifest& m) {
  using ojson = nlohmann::ordered_json;
  ojson doc = ojson::object();
  doc["formatVersion"] = m.format_version;
  doc["dc"] = m.dc;
  doc["createdAt"] = format_rfc3339_utc(m.created_at_unix);
  doc["expiryToken"] = m.expiry_token_base64;
  doc["genLow"] = m.gen_low;
  doc["genHigh"] = m.gen_high;
  ojson loc = ojson::object();
  if (m.locations.database_file) loc["database"] = m.locations.database_file->str();
  if (m.locations.log_dir) loc["logs"] = m.locations.log_dir->str();
  if (m.locations.checkpoint_dir) loc["checkpoint"] = m.locations.checkpoint_dir->str();
  doc["locations"] = std::move(loc);
  doc["chunkSize"] = m.chunk_size;
  ojson files = ojson::array();
  for (const ManifestFile& f : m.files) {
    ojson e = ojson::object();
    e["path"] = f.path;
    e["type"] = to_string(f.kind);
    e["originalPath"] = f.original.str();
    e["size"] = f.size;
    e["sha256"] = f.sha256;
    ojson chunks = ojson::array();
    for (const std::string& c : f.chunk_sha256) chunks.push_back(c);
    e["chunks"] = std::move(chunks);
    files.push_back(std::move(e));
  }
  doc["files"] = std::move(files);
  // Invalid UTF-8 in the model is a caller bug; replace it rather than throw (the reader
  // then refuses the manifest instead of the writer crashing).
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace adrestore::backup
