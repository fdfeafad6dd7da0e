// The signing key files `adrestore keygen` writes (doc/backup-trust.md, "Key files"), the
// strict reader they share with signature files, and a trusted key as a plan names it.
//
//   NAME.pub  {"format": "adrestore-public-key/1", "algorithm": "ed25519",
//              "publicKey": "<64 hex>", "fingerprint": "<64 hex>", "expires": "2027-06-30"}
//   NAME.key  {"format": "adrestore-private-key/1", "algorithm": "ed25519",
//              "privateKey": "<64 hex>", "fingerprint": "<64 hex>"}
//
// The fingerprint is the SHA-256 of the 32 public key bytes, in lower-case hex. "expires"
// is optional: a date, from whose first second (UTC) the key is no longer trusted.
// Every file is hostile: capped at k_max_key_file_bytes, one flat JSON object of strings,
// no unknown or repeated member, and the fingerprint must match the key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "platform/ed25519.h"

namespace adrestore::platform {

inline constexpr std::size_t k_max_key_file_bytes = 4096;
inline constexpr const char* k_public_key_format = "adrestore-public-key/1";
inline constexpr const char* k_private_key_format = "adrestore-private-key/1";
inline constexpr const char* k_ed25519_name = "ed25519";

// Lower-case hex of any bytes, and back: exactly `size` bytes from 2 * size hex digits.
std::string hex_encode(const std::uint8_t* data, std::size_t size);
bool hex_decode(std::string_view hex, std::uint8_t* out, std::size_t size);

std::string key_fingerprint(const Ed25519PublicKey& key);
// A fingerprint as written in a plan or file: 64 hex digits (either case); lower-cased.
std::optional<std::string> normalize_fingerprint(std::string_view text);

// "2027-06-30" -> the unix time of 2027-06-30T00:00:00Z; refuses anything else.
Result<std::int64_t> parse_expiry_date(std::string_view text);
std::string format_expiry_date(std::int64_t unix_seconds);

// One JSON object whose members are all strings: the `required` ones must be present, the
// `optional` ones may be; anything else, a repeated member, or more than `max_bytes` is refused.
Result<std::map<std::string, std::string>> parse_flat_object(std::string_view text, std::size_t max_bytes,
                                                             const std::vector<std::string>& required,
                                                             const std::vector<std::string>& optional = {});

struct PublicKeyFile {
  Ed25519PublicKey key{};
  std::string fingerprint;
  std::optional<std::int64_t> expires_unix;
};
std::string format_public_key_file(const PublicKeyFile& f);
Result<PublicKeyFile> parse_public_key_file(std::string_view text);

// The private key's file. Never logged, journaled or copied into a backup set.
std::string format_private_key_file(const Ed25519KeyPair& kp);
Result<Ed25519KeyPair> parse_private_key_file(std::string_view text);

// A key a plan trusts (spec.backup.trust): a fingerprint, and the key itself when the plan
// named a key file.
struct TrustedKey {
  std::string fingerprint;
  std::optional<Ed25519PublicKey> key;
  std::optional<std::int64_t> expires_unix;  // the first second the key is no longer trusted
  std::string origin;                        // "spec.backup.trust[1]" (and the key file), for messages
};

}  // namespace adrestore::platform
