#include "set_fixture.h"

#include <doctest/doctest.h>

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
  add("ntds.dit", backup::FileKind::database, "C:\\Windows\\NTDS\\ntds.dit", fixture_bytes(db_size, 1));
  for (int i = 1; i <= logs; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "edb%05X.log", i);
    add(std::string("logs/") + name, backup::FileKind::log, std::string("C:\\Windows\\NTDS\\") + name,
        fixture_bytes(log_size, static_cast<std::uint32_t>(100 + i)));
  }
  add("edb.chk", backup::FileKind::checkpoint, "C:\\Windows\\NTDS\\edb.chk", fixture_bytes(8192, 7));
  write_manifest();
}

void SetFixture::add(const std::string& rel, backup::FileKind kind, const std::string& original,
                     const std::string& content) {
  const std::filesystem::path p = file(rel);
  std::filesystem::create_directories(p.parent_path());
  write_file(p, content);
  backup::ManifestFile f;
  f.path = rel;
  f.kind = kind;
  f.original = *WinPath::parse(original);
  f.size = content.size();
  f.sha256 = platform::to_hex(platform::sha256(content));
  for (std::size_t off = 0; off < content.size(); off += m_manifest.chunk_size) {
    f.chunk_sha256.push_back(platform::to_hex(platform::sha256(std::string_view(content).substr(off, m_manifest.chunk_size))));
  }
  m_manifest.files.push_back(std::move(f));
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
