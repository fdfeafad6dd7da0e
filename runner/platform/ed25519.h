// Ed25519 signatures (RFC 8032), behind one small interface: OpenSSL 3's EVP on POSIX
// (ed25519_openssl_posix.cpp). The Windows build has no implementation yet
// (ed25519_win32.cpp): every call there fails with "signature checks are not available in
// this build", so a plan that trusts keys refuses every set instead of passing it unchecked.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace adrestore::platform {

using Ed25519Seed = std::array<std::uint8_t, 32>;       // the private key (RFC 8032's 32-byte seed)
using Ed25519PublicKey = std::array<std::uint8_t, 32>;
using Ed25519Signature = std::array<std::uint8_t, 64>;

struct Ed25519KeyPair {
  Ed25519Seed seed{};
  Ed25519PublicKey public_key{};
};

// False where this build has no Ed25519 (then every call below fails).
bool ed25519_available();
// A fresh key pair from the system's random generator.
Result<Ed25519KeyPair> ed25519_generate();
Result<Ed25519PublicKey> ed25519_public_key(const Ed25519Seed& seed);
Result<Ed25519Signature> ed25519_sign(const Ed25519Seed& seed, std::string_view message);
// true: the signature is valid for the message and key; false: it is not. A Status error
// only when the check itself could not run.
Result<bool> ed25519_verify(const Ed25519PublicKey& key, std::string_view message, const Ed25519Signature& sig);

}  // namespace adrestore::platform
