// adrestore backup --out DIR: a backup set through the backup half of the NTDS API.
#include <ctime>
#include <CLI/CLI.hpp>
#include <iostream>

#include "backup/backup_driver.h"
#include "base/text.h"
#include "cli/app.h"
#include "cli/backend.h"
#include "cli/exit_codes.h"
#include "platform/fs.h"
#include "platform/key_files.h"
#include "platform/secure_wipe.h"
#include "sim/backend.h"

namespace adrestore::cli {

void add_backup_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    BackendOptions backend;
    std::string out;
    std::string chunk_size = "64Mi";
    std::string read_size = "1Mi";
    bool no_truncate = false;
    std::string sign;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("backup", "Make a backup set (files + adrestore-backup.json) through the NTDS backup API");
  add_backend_options(cmd, opt->backend);
  cmd->add_option("--out", opt->out, "Backup set folder: a Windows path (inside the world with --api sim) or a host path")->required();
  cmd->add_option("--chunk-size", opt->chunk_size, "Chunk size for the per-chunk SHA-256 in the manifest (default 64Mi)");
  cmd->add_option("--read-size", opt->read_size, "DsBackupRead buffer size: a multiple of 8Ki, at least 24Ki (default 1Mi)");
  cmd->add_option("--sign", opt->sign,
                  "Sign the manifest with this private key (NAME.key from adrestore keygen) into adrestore-backup.json.sig");
  cmd->add_flag("--no-truncate", opt->no_truncate, "Do not call DsBackupTruncateLogs after the backup");
  cmd->footer(
      "Examples:\n"
      "  adrestore backup --api sim --world /tmp/dc01 --out 'D:\\Backups\\DC01'\n"
      "  adrestore backup --api sim --world /tmp/dc01 --out ./dc01-set --chunk-size 8Mi\n"
      "  adrestore backup --api sim --world /tmp/dc01 --out 'D:\\Backups\\DC01' --sign backup-signing.key\n"
      "Exit codes: 0 done, 2 usage, 3 the backup failed, 5 refused (AD DS offline, set already there).");
  cmd->callback([opt, &global, &exit_code] {
    auto fail = [&](const Status& s) {
      std::cerr << "adrestore: error: " << s.message() << "\n";
      exit_code = exit_code_for(s.code());
    };
    backup::BackupOptions o;
    auto chunk = parse_size(opt->chunk_size);
    auto read = parse_size(opt->read_size);
    if (!chunk || !read || *read > (1ULL << 30)) {
      fail(Status::error(Code::usage, "--chunk-size and --read-size take sizes such as 64Mi or 1Mi (read size at most 1Gi)"));
      return;
    }
    o.chunk_size = *chunk;
    o.read_size = static_cast<std::uint32_t>(*read);
    o.truncate_logs = !opt->no_truncate;
    if (!opt->sign.empty()) {
      // Read before the backup starts, so a bad key costs nothing; the key stays in memory only.
      auto text = platform::read_file(opt->sign, platform::k_max_key_file_bytes);
      if (!text) return fail(Status::error(Code::usage, "--sign: " + text.status().message()));
      auto key = platform::parse_private_key_file(*text);
      platform::secure_wipe(*text);
      if (!key) return fail(Status::error(Code::usage, "--sign " + opt->sign + ": not an adrestore private key: " + key.status().message()));
      o.signing_key = *key;
      platform::secure_wipe(key->seed.data(), key->seed.size());
    }
    auto backend = open_backend(opt->backend);
    if (!backend) return fail(backend.status());
    o.out_dir = opt->out;
    o.now_unix = static_cast<std::int64_t>(std::time(nullptr));
    if (backend->world) {
      auto out = sim::world_or_host_path(*backend->world, opt->out);
      if (!out) return fail(out.status().with_context("--out"));
      o.out_dir = *out;
      if (auto snap = backend->world->snapshot()) o.now_unix += snap->clock_offset;
    }
    auto result = backup::run_backup(*backend->api, *backend->host, o);
    if (!result) return fail(result.status());
    // A corrupt fault in the world damages the set as soon as it exists (doc/simulator.md).
    if (backend->world) {
      if (Status s = backend->world->apply_corrupt_faults(o.out_dir); !s) return fail(s);
    }
    for (const std::string& w : result->warnings) std::cerr << "adrestore: warning: " << w << "\n";
    if (global.verbosity >= 0) {
      std::uint64_t bytes = 0;
      for (const backup::ManifestFile& f : result->manifest.files) bytes += f.size;
      std::cout << "Backup set of " << result->manifest.dc << " written to " << opt->out << ": " << result->manifest.files.size()
                << " files, " << format_bytes(bytes) << ", logs " << result->manifest.gen_low << ".." << result->manifest.gen_high
                << ", created " << result->manifest.created_at << "\n";
    }
    exit_code = k_exit_ok;
  });
}

}  // namespace adrestore::cli
