// TEMPORARY (drop at merge): a minimal manifest writer/reader so that the sim branch links
// and its backup tests run before the real runner/backup/manifest.cpp is merged. It does
// not do the hostile-input checks manifest.h promises.
#include <nlohmann/json.hpp>

#include "backup/manifest.h"

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

std::string serialize_manifest(const Manifest& m) {
  nlohmann::json j;
  j["formatVersion"] = m.format_version;
  j["dc"] = m.dc;
  j["createdAt"] = m.created_at;
  j["expiryToken"] = m.expiry_token_base64;
  j["genLow"] = m.gen_low;
  j["genHigh"] = m.gen_high;
  j["chunkSize"] = m.chunk_size;
  nlohmann::json loc = nlohmann::json::object();
  if (m.locations.database_file) loc["database"] = m.locations.database_file->str();
  if (m.locations.log_dir) loc["logs"] = m.locations.log_dir->str();
  if (m.locations.checkpoint_dir) loc["checkpoint"] = m.locations.checkpoint_dir->str();
  j["locations"] = loc;
  nlohmann::json files = nlohmann::json::array();
  for (const ManifestFile& f : m.files) {
    files.push_back({{"path", f.path},
                     {"kind", to_string(f.kind)},
                     {"original", f.original.str()},
                     {"size", f.size},
                     {"sha256", f.sha256},
                     {"chunkSha256", f.chunk_sha256}});
  }
  j["files"] = files;
  return j.dump(2) + "\n";
}

Result<Manifest> parse_manifest(std::string_view json_text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(json_text);
    Manifest m;
    m.format_version = j.at("formatVersion").get<int>();
    m.dc = j.at("dc").get<std::string>();
    m.created_at = j.at("createdAt").get<std::string>();
    m.expiry_token_base64 = j.at("expiryToken").get<std::string>();
    m.gen_low = j.at("genLow").get<std::uint32_t>();
    m.gen_high = j.at("genHigh").get<std::uint32_t>();
    m.chunk_size = j.at("chunkSize").get<std::uint64_t>();
    for (const auto& f : j.at("files")) {
      ManifestFile mf;
      mf.path = f.at("path").get<std::string>();
      mf.kind = file_kind_from_string(f.at("kind").get<std::string>()).value_or(FileKind::database);
      auto p = WinPath::parse(f.at("original").get<std::string>());
      if (!p) return p.status();
      mf.original = *p;
      mf.size = f.at("size").get<std::uint64_t>();
      mf.sha256 = f.at("sha256").get<std::string>();
      mf.chunk_sha256 = f.at("chunkSha256").get<std::vector<std::string>>();
      m.files.push_back(std::move(mf));
    }
    return m;
  } catch (const std::exception& e) {
    return Status::error(Code::invalid_input, std::string("manifest: ") + e.what());
  }
}

}  // namespace adrestore::backup
