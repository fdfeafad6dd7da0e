// The detached signature file of a backup set's manifest: `backup --sign KEY` writes
// <manifest>.sig next to the manifest (doc/backup-trust.md); signature.h checks it.
//
//   adrestore-backup.json.sig  {"format": "adrestore-signature/1", "algorithm": "ed25519",
//     "keyFingerprint": "<64 hex>", "publicKey": "<64 hex>", "signature": "<128 hex>",
//     "signedFile": "adrestore-backup.json"}
//
// The file is hostile: capped at k_max_signature_bytes and parsed strictly.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
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


}  // namespace adrestore::backup
