#include "sim/ese_faults.h"

#include <algorithm>
#include <vector>

#include "backup/ese_header.h"
#include "backup/manifest.h"
#include "base/text.h"
#include "platform/sha256.h"

namespace adrestore::sim {
namespace {

constexpr std::size_t k_read_chunk = 1 << 20;
constexpr std::size_t k_flipped_header_byte = 200;  // inside every header, outside the fields checked first

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string host_file(const std::string& set_dir, const std::string& rel) {
  std::string out = set_dir;
  for (const std::string& part : split(rel, '/')) out = platform::join_path(out, part);
  return out;
}

// The manifest entry the fault names, or the default one for its problem.
Result<std::size_t> pick(const backup::Manifest& m, const EseFault& f) {
  if (!f.backup_file.empty()) {
    std::string want = f.backup_file;
    std::replace(want.begin(), want.end(), '\\', '/');
    for (std::size_t i = 0; i < m.files.size(); ++i) {
      if (iequals(m.files[i].path, want) || iequals(base_name(m.files[i].path), want)) return i;
    }
    return Status::error(Code::not_found, "no file " + f.backup_file + " in the backup set's manifest");
  }
  std::vector<std::pair<std::uint32_t, std::size_t>> logs;  // generation, index
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    std::uint32_t g = 0;
    if (m.files[i].kind == backup::FileKind::log && backup::parse_ese_log_name(base_name(m.files[i].path), g)) {
      logs.emplace_back(g, i);
    }
  }
  std::sort(logs.begin(), logs.end());
  if (f.problem == EseProblem::foreign_log) {
    if (logs.empty()) return Status::error(Code::invalid_input, "the backup set has no log to swap");
    return logs.front().second;
  }
  if (f.problem == EseProblem::log_gap) {
    if (logs.size() < 3) return Status::error(Code::invalid_input, "a log gap needs a set with at least three logs");
    return logs[logs.size() / 2].second;
  }
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    if (m.files[i].kind == backup::FileKind::database) return i;
  }
  return Status::error(Code::invalid_input, "the backup set has no database");
}

Result<backup::EseHeaderBytes> read_header(platform::FileSystem& fs, const std::string& path) {
  auto file = fs.open(path, platform::File::Mode::read);
  if (!file) return file.status();
  backup::EseHeaderBytes h{};
  std::size_t got = 0;
  while (got < h.size()) {
    auto n = (*file)->pread(h.data() + got, h.size() - got, got);
    if (!n) return n.status();
    if (*n == 0) return Status::error(Code::invalid_input, path + " is too short to hold an ESE header");
    got += *n;
  }
  return h;
}

Status write_header(platform::FileSystem& fs, const std::string& path, const backup::EseHeaderBytes& h) {
  auto file = fs.open(path, platform::File::Mode::read_write);
  if (!file) return file.status();
  if (Status s = (*file)->pwrite_all(h.data(), h.size(), 0); !s) return s;
  if (Status s = (*file)->sync(); !s) return s;
  return (*file)->close();
}

// The manifest entry's size and hashes, computed again from the file.
Status rehash(platform::FileSystem& fs, const std::string& path, std::uint64_t chunk_size, backup::ManifestFile& f) {
  auto file = fs.open(path, platform::File::Mode::read);
  if (!file) return file.status();
  platform::Sha256 whole;
  platform::Sha256 chunk;
  std::vector<std::uint8_t> buf(k_read_chunk);
  std::uint64_t off = 0;
  std::uint64_t in_chunk = 0;
  f.chunk_sha256.clear();
  for (;;) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), chunk_size - in_chunk));
    auto n = (*file)->pread(buf.data(), want, off);
    if (!n) return n.status();
    if (*n == 0) break;
    whole.update(buf.data(), *n);
    chunk.update(buf.data(), *n);
    off += *n;
    in_chunk += *n;
    if (in_chunk == chunk_size) {
      f.chunk_sha256.push_back(platform::to_hex(chunk.finish()));
      in_chunk = 0;
    }
  }
  if (in_chunk > 0) f.chunk_sha256.push_back(platform::to_hex(chunk.finish()));
  f.size = off;
  f.sha256 = platform::to_hex(whole.finish());
  return Status::ok();
}

}  // namespace

Status apply_ese_fault(platform::FileSystem& fs, const std::string& set_dir, const EseFault& fault, std::string& done) {
  const std::string manifest_path = platform::join_path(set_dir, backup::k_default_manifest_name);
  auto text = platform::read_file(fs, manifest_path, backup::k_max_manifest_bytes);
  if (!text) return text.status();
  auto m = backup::parse_manifest(*text);
  if (!m) return m.status().with_context(manifest_path);
  auto index = pick(*m, fault);
  if (!index) return index.status();
  backup::ManifestFile& target = m->files[*index];
  const std::string path = host_file(set_dir, target.path);

  if (fault.problem == EseProblem::log_gap) {
    if (Status s = fs.remove(path); !s) return s;
    if (Status s = fs.sync_dir(platform::parent_dir(path)); !s) return s;
    done = "removed " + target.path;
    m->files.erase(m->files.begin() + static_cast<std::ptrdiff_t>(*index));
  } else {
    auto bytes = read_header(fs, path);
    if (!bytes) return bytes.status();
    backup::EseHeaderBytes h = *bytes;
    if (fault.problem == EseProblem::foreign_log) {
      auto log = backup::parse_ese_log_header(h.data(), h.size());
      if (!log) return log.status().with_context(target.path);
      log->log_signature = backup::EseSignature::make(~log->log_signature.random(), log->log_signature.computer());
      h = backup::write_ese_log_header(*log);
      done = "gave " + target.path + " the log signature " + log->log_signature.text();
    } else if (fault.problem == EseProblem::dirty_without_logs) {
      auto db = backup::parse_ese_database_header(h.data(), h.size());
      if (!db) return db.status().with_context(target.path);
      db->state = backup::EseDbState::dirty_shutdown;
      db->required_low = std::max<std::uint32_t>(m->gen_low, 1);
      db->required_high = m->gen_high + 1;
      h = backup::write_ese_database_header(*db);
      done = "marked " + target.path + " dirty, needing logs " + std::to_string(db->required_low) + ".." +
             std::to_string(db->required_high);
    } else {
      h[k_flipped_header_byte] = static_cast<std::uint8_t>(h[k_flipped_header_byte] ^ 0xFF);
      done = "changed byte " + std::to_string(k_flipped_header_byte) + " of " + target.path + "'s header";
    }
    if (Status s = write_header(fs, path, h); !s) return s;
    if (Status s = rehash(fs, path, m->chunk_size, target); !s) return s;
  }
  return platform::write_file_durable(fs, manifest_path, backup::serialize_manifest(*m));
}

}  // namespace adrestore::sim
