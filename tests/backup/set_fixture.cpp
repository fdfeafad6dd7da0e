#include "set_fixture.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "platform/sha256.h"

namespace adrestore::testing {

std::string fixture_bytes(std::size_t n, std::uint32_t seed) {
  std::string out(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x & 0xFF);
  }
  return out;
}

backup::EseSignature fixture_db_signature() { return backup::EseSignature::make(0xDB01, "DC01"); }
backup::EseSignature fixture_log_signature() { return backup::EseSignature::make(0x1061, "DC01"); }

std::string with_ese_header(std::string content, const backup::EseHeaderBytes& header) {
  if (content.size() < header.size()) return content;
  std::copy(header.begin(), header.end(), content.begin());
  return content;
}

backup::EseHeaderBytes fixture_log_header(int generation) {
  backup::EseLogHeader h;
  h.generation = static_cast<std::uint32_t>(generation);
  h.log_signature = fixture_log_signature();
  return backup::write_ese_log_header(h);
}

SetFixture::SetFixture(std::size_t db_size, int logs, std::size_t log_size, std::uint64_t chunk_size)
    : m_source(*WinPath::parse("D:\\Backups\\DC01\\2026-11-20")), m_disks(m_tmp.path().string()) {
  std::filesystem::create_directories(set_dir());
  m_manifest.dc = "DC01.corp.example.com";
  m_manifest.created_at_unix = k_fixture_created;
  m_manifest.expiry_token_base64 = "AAECAwQFBgcICQ==";
  m_manifest.gen_low = 1;
  m_manifest.gen_high = static_cast<std::uint32_t>(logs > 0 ? logs : 1);
  m_manifest.locations.database_file = *WinPath::parse("C:\\Windows\\NTDS\\ntds.dit");
  m_manifest.locations.log_dir = *WinPath::parse("C:\\Windows\\NTDS");
  m_manifest.locations.checkpoint_dir = *WinPath::parse("C:\\Windows\\NTDS");
  m_manifest.chunk_size = chunk_size;
  backup::EseDatabaseHeader db;
  db.db_signature = fixture_db_signature();
  db.log_signature = fixture_log_signature();
  add("ntds.dit", backup::FileKind::database, "C:\\Windows\\NTDS\\ntds.dit",
      with_ese_header(fixture_bytes(db_size, 1), backup::write_ese_database_header(db)));
  for (int i = 1; i <= logs; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "edb%05X.log", i);
    add(std::string("logs/") + name, backup::FileKind::log, std::string("C:\\Windows\\NTDS\\") + name,
        with_ese_header(fixture_bytes(log_size, static_cast<std::uint32_t>(100 + i)), fixture_log_header(i)));
  }
  backup::EseCheckpointHeader chk;
  chk.generation = m_manifest.gen_high;
  chk.log_signature = fixture_log_signature();
  add("edb.chk", backup::FileKind::checkpoint, "C:\\Windows\\NTDS\\edb.chk",
      with_ese_header(fixture_bytes(8192, 7), backup::write_ese_checkpoint_header(chk)));
  write_manifest();
}

void SetFixture::add(const std::string& rel, backup::FileKind kind, const std::string& original,
                     const std::string& content) {
  backup::ManifestFile f;
  f.path = rel;
  f.kind = kind;
  f.original = *WinPath::parse(original);
  m_manifest.files.push_back(std::move(f));
  replace(rel, content);
}

void SetFixture::replace(const std::string& rel, const std::string& content) {
  auto f = std::find_if(m_manifest.files.begin(), m_manifest.files.end(),
                        [&](const backup::ManifestFile& x) { return x.path == rel; });
  REQUIRE(f != m_manifest.files.end());
  const std::filesystem::path p = file(rel);
  std::filesystem::create_directories(p.parent_path());
  write_file(p, content);
  f->size = content.size();
  f->sha256 = platform::to_hex(platform::sha256(content));
  f->chunk_sha256.clear();
  for (std::size_t off = 0; off < content.size(); off += m_manifest.chunk_size) {
    f->chunk_sha256.push_back(platform::to_hex(platform::sha256(std::string_view(content).substr(off, m_manifest.chunk_size))));
  }
}

void SetFixture::remove(const std::string& rel) {
  auto f = std::find_if(m_manifest.files.begin(), m_manifest.files.end(),
                        [&](const backup::ManifestFile& x) { return x.path == rel; });
  REQUIRE(f != m_manifest.files.end());
  m_manifest.files.erase(f);
  std::filesystem::remove(file(rel));
}

void SetFixture::set_header(const std::string& rel, const backup::EseHeaderBytes& header) {
  replace(rel, with_ese_header(read_file(file(rel)), header));
  write_manifest();
}

void SetFixture::write_manifest() { write_manifest_text(backup::serialize_manifest(m_manifest)); }

void SetFixture::write_manifest_text(const std::string& text) { write_file(manifest_path(), text); }

std::string SetFixture::manifest_text() const { return read_file(manifest_path()); }

void SetFixture::flip_byte(const std::string& rel, std::uint64_t offset) {
  std::fstream f(file(rel), std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f.good());
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  REQUIRE(f.good());
  c = static_cast<char>(~c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
  REQUIRE(f.good());
}

}  // namespace adrestore::testing
