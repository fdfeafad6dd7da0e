// adrestore keygen --out NAME: an Ed25519 key pair for signing backup sets
// (doc/backup-trust.md). NAME.key is the private key (owner-only, never overwritten);
// NAME.pub the public key that plans trust (spec.backup.trust).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/app.h"
#include "cli/exit_codes.h"
#include "platform/fs.h"
#include "platform/key_files.h"
#include "platform/secure_wipe.h"

namespace adrestore::cli {
namespace {

// Creates `path` (refusing an existing one), writes `data` and makes both durable.
Status write_new_file(const std::string& path, const std::string& data, platform::File::Mode mode) {
  platform::FileSystem& fs = platform::system_fs();
  auto f = fs.open(path, mode);
  if (!f) return f.status();
  if (Status s = (*f)->write_all(data.data(), data.size()); !s) return s;
  if (Status s = (*f)->sync(); !s) return s;
  if (Status s = (*f)->close(); !s) return s;
  return fs.sync_dir(platform::parent_dir(path));
}

int keygen(const std::string& out, const std::string& expires, int verbosity) {
  auto error = [](const Status& s) {
    std::cerr << "adrestore: error: " << s.message() << "\n";
    return exit_code_for(s.code());
  };
  platform::PublicKeyFile pub;
  if (!expires.empty()) {
    auto t = platform::parse_expiry_date(expires);
    if (!t) return error(Status::error(Code::usage, "--expires: " + t.status().message()));
    pub.expires_unix = *t;
  }
  const std::string key_path = out + ".key";
  const std::string pub_path = out + ".pub";
  for (const std::string& p : {key_path, pub_path}) {
    auto info = platform::stat_nofollow(p);
    if (!info) return error(info.status());
    if (info->type != platform::FileType::missing) {
      return error(Status::error(Code::refused, p + " already exists; keygen never overwrites a key (choose another --out)"));
    }
  }
  auto kp = platform::ed25519_generate();
  if (!kp) return error(kp.status());
  pub.key = kp->public_key;
  std::string private_text = platform::format_private_key_file(*kp);
  platform::secure_wipe(kp->seed.data(), kp->seed.size());
  Status s = write_new_file(key_path, private_text, platform::File::Mode::write_new_private);
  platform::secure_wipe(private_text);
  if (!s) return error(s.with_context(key_path));
  if (Status p = write_new_file(pub_path, platform::format_public_key_file(pub), platform::File::Mode::write_new); !p) {
    (void)platform::remove_file(key_path);  // no private key without its public half
    return error(p.with_context(pub_path));
  }
  if (verbosity >= 0) {
    std::cout << "Wrote " << key_path << " (private: keep it off the backup share) and " << pub_path << "\n"
              << "fingerprint: " << platform::key_fingerprint(pub.key) << "\n";
    if (pub.expires_unix) std::cout << "expires: " << platform::format_expiry_date(*pub.expires_unix) << "\n";
  }
  return k_exit_ok;
}

}  // namespace

void add_keygen_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  struct Options {
    std::string out;
    std::string expires;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("keygen", "Make an Ed25519 key pair for signing backup sets (NAME.key, NAME.pub)");
  cmd->add_option("--out", opt->out, "Writes NAME.key (private, owner-only) and NAME.pub (public)")->required();
  cmd->add_option("--expires", opt->expires, "A date (YYYY-MM-DD) from which plans no longer trust the key");
  cmd->footer(
      "Examples:\n"
      "  adrestore keygen --out backup-signing-2027 --expires 2028-01-31\n"
      "  adrestore backup --api sim --world /tmp/dc01 --out 'D:\\Backups\\DC01' --sign backup-signing-2027.key\n"
      "Exit codes: 0 done, 2 usage, 5 refused (a key file already exists).");
  cmd->callback([opt, &global, &exit_code] { exit_code = keygen(opt->out, opt->expires, global.verbosity); });
}

}  // namespace adrestore::cli
