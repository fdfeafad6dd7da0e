#include "backup/backup_driver.h"

#include "backup/encoding.h"
#include "backup/ese_header.h"
#include "backup/signature.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "base/text.h"
#include "platform/fs.h"
#include "platform/sha256.h"

namespace adrestore::backup {
namespace {

using ntds::HResult;

bool is_eof(HResult hr) {
  return hr == HResult(ntds::k_error_handle_eof) || hr == ntds::hresult_from_win32(ntds::k_error_handle_eof);
}

Status api_error(const char* call, HResult hr, const std::string& what = {}) {
  return Status::error(Code::failed, std::string(call) + (what.empty() ? "" : " " + what) + " failed: " + ntds::describe_hresult(hr));
}

std::optional<FileKind> kind_of(std::uint8_t bft) {
  switch (bft) {
    case ntds::k_bft_ntds_database:
      return FileKind::database;
    case ntds::k_bft_log:
      return FileKind::log;
    case ntds::k_bft_patch_file:
      return FileKind::patch;
    default:
      return std::nullopt;
  }
}

// Calls DsBackupEnd when it goes out of scope, unless end() was called.
class EndGuard {
 public:
  EndGuard(ntds::Api& api, ntds::Hbc hbc) : m_api(api), m_hbc(hbc) {}
  ~EndGuard() {
    if (!m_done) (void)m_api.backup_end(m_hbc);
  }
  HResult end() {
    m_done = true;
    return m_api.backup_end(m_hbc);
  }

 private:
  ntds::Api& m_api;
  ntds::Hbc m_hbc;
  bool m_done = false;
};

class Copier {
 public:
  Copier(ntds::Api& api, ntds::Hbc hbc, const BackupOptions& o, const std::vector<std::string>& machine)
      : m_api(api), m_hbc(hbc), m_opt(o), m_machine(machine), m_buffer(o.read_size) {}

  // Reads one listed file through the API into the backup set.
  Result<ManifestFile> copy(const ntds::BftEntry& entry) {
    auto kind = kind_of(entry.bft);
    if (!kind) return Status::error(Code::failed, "the backup API listed " + entry.path + " as " + ntds::bft_name(entry.bft) + ", which a backup set cannot hold");
    auto original = WinPath::parse(entry.path);
    if (!original) return original.status().with_context("the backup API listed a file");
    const WinPath local = ntds::local_form(*original, m_machine);
    const std::string name = local.file_name();
    if (name.empty() || !m_names.insert(to_lower_ascii(name)).second) {
      return Status::error(Code::failed, "two files of the backup are named '" + name + "'; a backup set is one flat folder");
    }
    ManifestFile mf;
    mf.path = name;
    mf.kind = *kind;
    mf.original = local;

    std::uint64_t size = 0;
    HResult hr = m_api.backup_open_file(m_hbc, entry.path, m_opt.read_size, size);
    if (!hr.ok()) return api_error("DsBackupOpenFile", hr, entry.path);
    Status s = receive(name, entry.path, size, mf);
    const HResult close_hr = m_api.backup_close(m_hbc);
    if (!s) return s;
    if (!close_hr.ok()) return api_error("DsBackupClose", close_hr, entry.path);
    return mf;
  }

 private:
  Status receive(const std::string& name, const std::string& source, std::uint64_t size, ManifestFile& mf) {
    const std::string final_path = platform::join_path(m_opt.out_dir, name);
    const std::string partial = final_path + ".partial";
    auto out = platform::File::open(partial, platform::File::Mode::write_truncate);
    if (!out) return out.status();
    platform::Sha256 whole;
    platform::Sha256 chunk;
    std::uint64_t in_chunk = 0;
    std::uint64_t done = 0;
    int empty_reads = 0;
    while (done < size) {
      std::uint32_t got = 0;
      const HResult hr = m_api.backup_read(m_hbc, m_buffer.data(), static_cast<std::uint32_t>(m_buffer.size()), got);
      if (is_eof(hr)) {
        return Status::error(Code::failed, "DsBackupRead reported the end of " + source + " after " + std::to_string(done) +
                                               " of " + std::to_string(size) + " bytes");
      }
      if (!hr.ok()) return api_error("DsBackupRead", hr, source);
      if (got == 0) {
        if (++empty_reads > 100) return Status::error(Code::failed, "DsBackupRead keeps returning no data for " + source);
        continue;
      }
      if (got > m_buffer.size() || got > size - done) {
        return Status::error(Code::failed, "DsBackupRead returned more data than " + source + " holds");
      }
      empty_reads = 0;
      if (Status s = (*out)->write_all(m_buffer.data(), got); !s) return s;
      whole.update(m_buffer.data(), got);
      // Chunk hashes, whatever the read sizes: split each read at chunk boundaries.
      std::uint32_t pos = 0;
      while (pos < got) {
        const std::uint64_t room = m_opt.chunk_size - in_chunk;
        const std::uint32_t take = static_cast<std::uint32_t>(std::min<std::uint64_t>(room, got - pos));
        chunk.update(m_buffer.data() + pos, take);
        in_chunk += take;
        pos += take;
        if (in_chunk == m_opt.chunk_size) {
          mf.chunk_sha256.push_back(platform::to_hex(chunk.finish()));
          in_chunk = 0;
        }
      }
      done += got;
      if (m_opt.progress) m_opt.progress(name, done, size);
    }
    if (in_chunk > 0 || size == 0) mf.chunk_sha256.push_back(platform::to_hex(chunk.finish()));
    mf.size = size;
    mf.sha256 = platform::to_hex(whole.finish());
    if (Status s = (*out)->sync(); !s) return s;
    if (Status s = (*out)->close(); !s) return s;
    return platform::rename_durable(partial, final_path);
  }

  ntds::Api& m_api;
  ntds::Hbc m_hbc;
  const BackupOptions& m_opt;
  std::vector<std::string> m_machine;
  std::vector<std::uint8_t> m_buffer;
  std::set<std::string> m_names;
};

Status check_options(const BackupOptions& o) {
  if (o.out_dir.empty()) return Status::error(Code::usage, "no output folder given");
  if (o.read_size < 24576 || o.read_size % 8192 != 0) {
    return Status::error(Code::usage, "the read size must be a multiple of 8192 and at least 24576 bytes (the API's rule)");
  }
  if (o.chunk_size < 4096) return Status::error(Code::usage, "the chunk size must be at least 4Ki");
  return Status::ok();
}

}  // namespace


Result<BackupResult> run_backup(ntds::Api& api, host::Host& host, const BackupOptions& o) {
  if (Status s = check_options(o); !s) return s;
  auto machine = host.machine_name();
  if (!machine) return machine.status();
  const std::string server = machine->netbios;
  BackupResult result;
  result.manifest_path = platform::join_path(o.out_dir, k_default_manifest_name);
  auto existing = platform::stat_nofollow(result.manifest_path);
  if (!existing) return existing.status();
  if (existing->type != platform::FileType::missing) {
    return Status::error(Code::refused, o.out_dir + " already holds a backup set (" + k_default_manifest_name + "); choose a new folder");
  }
  if (Status s = platform::create_dirs(o.out_dir); !s) return s;

  bool online = false;
  if (HResult hr = api.is_ntds_online(server, online); !hr.ok()) return api_error("DsIsNTDSOnline", hr);
  if (!online) return Status::error(Code::refused, "AD DS is not running on " + machine->display() + "; a backup needs it online");

  ntds::ExpiryToken token;
  ntds::ScopedBuffer token_buffer(api);
  ntds::Hbc hbc;
  if (HResult hr = api.backup_prepare(server, 0, ntds::k_backup_type_full, token, token_buffer.get(), hbc); !hr.ok()) {
    return api_error("DsBackupPrepare", hr);
  }
  token_buffer.reset();  // the bytes are copied; the API's buffer goes back at once
  EndGuard end(api, hbc);

  Manifest& m = result.manifest;
  m.dc = machine->display();
  m.created_at_unix = o.now_unix != 0 ? o.now_unix : static_cast<std::int64_t>(std::time(nullptr));
  m.created_at = format_rfc3339_utc(m.created_at_unix);
  m.expiry_token_base64 = encode_base64(token);
  m.chunk_size = o.chunk_size;

  // Where the restore will be asked to put the files, recorded at backup time [JEDI].
  {
    ntds::BftList locations;
    ntds::ScopedBuffer buffer(api);
    const HResult hr = api.restore_get_database_locations(hbc, locations, buffer.get());
    if (hr.ok()) {
      for (const ntds::BftEntry& e : locations) {
        auto p = WinPath::parse(e.path);
        if (!p) continue;
        const WinPath local = ntds::local_form(*p, machine->all());
        if (e.bft == ntds::k_bft_ntds_database) m.locations.database_file = local;
        if (e.bft == ntds::k_bft_log_dir) m.locations.log_dir = local;
        if (e.bft == ntds::k_bft_checkpoint_dir) m.locations.checkpoint_dir = local;
      }
    } else {
      result.warnings.push_back("DsRestoreGetDatabaseLocations failed at backup time (" + ntds::describe_hresult(hr) +
                                "); the manifest records the files' own folders instead");
    }
  }

  Copier copier(api, hbc, o, machine->all());
  {
    ntds::BftList names;
    ntds::ScopedBuffer buffer(api);
    if (HResult hr = api.backup_get_database_names(hbc, names, buffer.get()); !hr.ok()) return api_error("DsBackupGetDatabaseNames", hr);
    buffer.reset();
    if (names.empty()) return Status::error(Code::failed, "DsBackupGetDatabaseNames listed no database file");
    for (const ntds::BftEntry& e : names) {
      auto f = copier.copy(e);
      if (!f) return f.status();
      m.files.push_back(std::move(*f));
    }
  }
  {
    ntds::BftList logs;
    ntds::ScopedBuffer buffer(api);
    if (HResult hr = api.backup_get_backup_logs(hbc, logs, buffer.get()); !hr.ok()) return api_error("DsBackupGetBackupLogs", hr);
    buffer.reset();
    bool any = false;
    for (const ntds::BftEntry& e : logs) {
      auto f = copier.copy(e);
      if (!f) return f.status();
      std::uint32_t gen = 0;
      if (f->kind == FileKind::log && parse_ese_log_name(f->path.substr(f->path.rfind('/') + 1), gen)) {
        m.gen_low = any ? std::min(m.gen_low, gen) : gen;
        m.gen_high = any ? std::max(m.gen_high, gen) : gen;
        any = true;
      }
      m.files.push_back(std::move(*f));
    }
    if (!any) return Status::error(Code::failed, "DsBackupGetBackupLogs listed no edbXXXXX.log file; a restore needs at least one log");
  }
  for (const ManifestFile& f : m.files) {
    if (f.kind == FileKind::database && !m.locations.database_file) m.locations.database_file = f.original;
    if (f.kind == FileKind::log && !m.locations.log_dir) m.locations.log_dir = f.original.parent();
  }
  if (!m.locations.checkpoint_dir) m.locations.checkpoint_dir = m.locations.log_dir;

  if (o.truncate_logs) {
    if (HResult hr = api.backup_truncate_logs(hbc); !hr.ok()) return api_error("DsBackupTruncateLogs", hr);
  }
  if (HResult hr = end.end(); !hr.ok()) return api_error("DsBackupEnd", hr);

  const std::string text = serialize_manifest(m);
  // The signature first: a folder with a manifest is a complete set, signature included.
  if (o.signing_key) {
    auto sig = sign_manifest(*o.signing_key, text, k_default_manifest_name);
    if (!sig) return sig.status().with_context("signing the manifest");
    const std::string sig_path = platform::join_path(o.out_dir, signature_file_name(k_default_manifest_name));
    if (Status s = platform::write_file_durable(sig_path, *sig); !s) return s;
  }
  if (Status s = platform::write_file_durable(result.manifest_path, text); !s) return s;
  return result;
}

}  // namespace adrestore::backup
