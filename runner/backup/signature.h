// Detached signatures of a backup set's manifest (doc/backup-trust.md). `backup --sign KEY`
// writes <manifest>.sig next to the manifest; a plan with spec.backup.trust then accepts a
// set only when that file holds a valid Ed25519 signature, by a trusted key that has not
// expired, of the manifest's exact bytes. The manifest records the DC, createdAt, every
// file's size and SHA-256 (and chunk hashes) and the expiry token, so signing its bytes
// covers all of them; the file hashes then cover the data.
//
//   adrestore-backup.json.sig  {"format": "adrestore-signature/1", "algorithm": "ed25519",
//     "keyFingerprint": "<64 hex>", "publicKey": "<64 hex>", "signature": "<128 hex>",
//     "signedFile": "adrestore-backup.json"}
//
// The signature file is hostile: capped at k_max_signature_bytes and parsed strictly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backup/manifest.h"
#include "backup/verify.h"
#include "base/status.h"
#include "host/disks.h"
#include "platform/key_files.h"

namespace adrestore::backup {

inline constexpr std::size_t k_max_signature_bytes = 4096;
inline constexpr const char* k_signature_format = "adrestore-signature/1";

std::string signature_file_name(const std::string& manifest_name);

// The signature file's text for `manifest_bytes`, signed with `key`.
Result<std::string> sign_manifest(const platform::Ed25519KeyPair& key, std::string_view manifest_bytes,
                                  const std::string& manifest_name);

struct SignatureFile {
  std::string key_fingerprint;
  platform::Ed25519PublicKey public_key{};
  platform::Ed25519Signature signature{};
  std::string signed_file;
};
Result<SignatureFile> parse_signature_file(std::string_view text);

// The signature check of a set whose manifest `manifest` was read from
// <source>\<manifest_name>: the manifest's bytes are read again, and must both carry a
// valid signature and parse to `manifest`, so the set checked is the set signed. Returns
// the problems (unsigned_set, signature_file, untrusted_key, expired_key, bad_signature),
// or none. `signer` receives the fingerprint of the key that signed a good set.
std::vector<VerifyProblem> check_signature(host::Disks& disks, const WinPath& source, const std::string& manifest_name,
                                           const Manifest& manifest, const std::vector<platform::TrustedKey>& trust,
                                           std::int64_t now_unix, std::string* signer = nullptr);

}  // namespace adrestore::backup
