// Makes a backup set through the backup half of the NTDS API (ntds-api.md 5.1):
// DsIsNTDSOnline, DsBackupPrepare, the database files (Open/Read/Close each), the logs
// (the same loop), DsBackupTruncateLogs, and DsBackupEnd on every path once Prepare
// succeeded; every buffer the API returns is freed. Files are hashed while they are read
// (whole file and fixed-size chunks) and the manifest (manifest.h) is written last, so a
// folder with a manifest is a complete set.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backup/manifest.h"
#include "base/status.h"
#include "host/host.h"
#include "ntds/api.h"
#include "platform/ed25519.h"

namespace adrestore::backup {

struct BackupOptions {
  std::string out_dir;  // host path of the backup set folder; created; must not hold a manifest
  std::uint64_t chunk_size = k_default_chunk_size;
  std::uint32_t read_size = 1U << 20;  // DsBackupRead buffer: a multiple of 8192, at least 24576
  std::int64_t now_unix = 0;           // createdAt; 0: the host clock
  bool truncate_logs = true;           // DsBackupTruncateLogs after a good backup
  // Signs the manifest into <manifest>.sig (signature.h), written before the manifest. Only
  // the signature goes into the set, never the key.
  std::optional<platform::Ed25519KeyPair> signing_key;
  // Called after each read: file name in the set, bytes done, file size.
  std::function<void(const std::string&, std::uint64_t, std::uint64_t)> progress;
};

struct BackupResult {
  Manifest manifest;
  std::string manifest_path;
  std::vector<std::string> warnings;  // e.g. DsRestoreGetDatabaseLocations failed at backup time
};

Result<BackupResult> run_backup(ntds::Api& api, host::Host& host, const BackupOptions& options);


}  // namespace adrestore::backup
