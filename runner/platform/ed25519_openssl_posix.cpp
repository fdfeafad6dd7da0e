// platform/ed25519.h with OpenSSL 3 (libcrypto's EVP one-shot sign and verify).
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "platform/ed25519.h"

namespace adrestore::platform {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

Status crypto_error(const char* what) { return Status::error(Code::failed, std::string("Ed25519: ") + what + " failed (OpenSSL)"); }

Pkey private_key(const Ed25519Seed& seed) {
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
}

}  // namespace

bool ed25519_available() { return true; }

Result<Ed25519KeyPair> ed25519_generate() {
  Ed25519KeyPair kp;
  if (RAND_priv_bytes(kp.seed.data(), static_cast<int>(kp.seed.size())) != 1) return crypto_error("random key generation");
  auto pub = ed25519_public_key(kp.seed);
  if (!pub) return pub.status();
  kp.public_key = *pub;
  return kp;
}

Result<Ed25519PublicKey> ed25519_public_key(const Ed25519Seed& seed) {
  Pkey key = private_key(seed);
  Ed25519PublicKey pub{};
  std::size_t len = pub.size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1 || len != pub.size()) {
    return crypto_error("deriving the public key");
  }
  return pub;
}

Result<Ed25519Signature> ed25519_sign(const Ed25519Seed& seed, std::string_view message) {
  Pkey key = private_key(seed);
  Ctx ctx(EVP_MD_CTX_new());
  Ed25519Signature sig{};
  std::size_t len = sig.size();
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      len != sig.size()) {
    return crypto_error("signing");
  }
  return sig;
}

Result<bool> ed25519_verify(const Ed25519PublicKey& key, std::string_view message, const Ed25519Signature& sig) {
  Pkey pub(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
  Ctx ctx(EVP_MD_CTX_new());
  if (!pub || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pub.get()) != 1) {
    return crypto_error("loading the public key");
  }
  // 1: valid; 0 or a negative value: not valid (a malformed signature is just not valid).
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace adrestore::platform
