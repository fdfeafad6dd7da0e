// A backup set built by hand in a temporary simulated world, for the backup tests:
// <tmp>/fs/D/Backups/DC01/2026-11-20/{ntds.dit, logs/edb0000N.log, edb.chk} plus its manifest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "backup/ese_header.h"
#include "backup/manifest.h"
#include "sim/sim_disks.h"
#include "support.h"

namespace adrestore::testing {

inline constexpr std::int64_t k_fixture_created = 1795140000;  // 2026-11-20T02:00:00Z

// The ESE identity of the fixture's database: its database and log signatures.
backup::EseSignature fixture_db_signature();
backup::EseSignature fixture_log_signature();
// A log header of the fixture's database (generation N, the fixture's log signature).
backup::EseHeaderBytes fixture_log_header(int generation);
// `content` with its first bytes replaced by `header` (unchanged when shorter than a header).
std::string with_ese_header(std::string content, const backup::EseHeaderBytes& header);

// Deterministic pseudo-random bytes (xorshift), different for each seed.
std::string fixture_bytes(std::size_t n, std::uint32_t seed);

class SetFixture {
 public:
  // A set with a database of `db_size` bytes, `logs` logs of `log_size` bytes and a
  // checkpoint file, in chunks of `chunk_size` bytes. Writes files and manifest. Files of
  // at least 4096 bytes start with ESE headers: a clean database, logs 1..N of its log
  // signature, a checkpoint at generation N.
  explicit SetFixture(std::size_t db_size = 300 * 1024 + 17, int logs = 3, std::size_t log_size = 70000,
                      std::uint64_t chunk_size = 64 * 1024);

  const std::filesystem::path& world() const { return m_tmp.path(); }
  std::filesystem::path set_dir() const { return m_tmp.path() / "fs" / "D" / "Backups" / "DC01" / "2026-11-20"; }
  std::filesystem::path file(const std::string& rel) const { return set_dir() / rel; }
  std::filesystem::path manifest_path() const { return set_dir() / backup::k_default_manifest_name; }
  const WinPath& source() const { return m_source; }
  sim::SimDisks& disks() { return m_disks; }
  backup::Manifest& manifest() { return m_manifest; }

  // Adds a file to the set (content on disk and its manifest entry with hashes).
  void add(const std::string& rel, backup::FileKind kind, const std::string& original, const std::string& content);
  // Rewrites a listed file and its size and hashes in manifest() (write_manifest() saves them).
  void replace(const std::string& rel, const std::string& content);
  // Removes a listed file and its manifest entry (write_manifest() saves the manifest).
  void remove(const std::string& rel);
  // Puts `header` over the first bytes of a listed file and re-hashes it in the manifest,
  // as whoever can write to the backup share could (writes the manifest).
  void set_header(const std::string& rel, const backup::EseHeaderBytes& header);
  void write_manifest();                       // serializes manifest() into the set
  void write_manifest_text(const std::string& text);
  std::string manifest_text() const;

  // Flips every bit of the byte at `offset` of a set file (call twice to undo).
  void flip_byte(const std::string& rel, std::uint64_t offset);

 private:
  TempDir m_tmp;
  WinPath m_source;
  sim::SimDisks m_disks;
  backup::Manifest m_manifest;
};

}  // namespace adrestore::testing
