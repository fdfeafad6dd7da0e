// platform/ed25519.h on Windows with libgcrypt (doc/backup-trust.md, "Windows"): CNG has no
// Ed25519. libgcrypt takes keys, messages and signatures as S-expressions; the raw 32-byte
// seed, 32-byte public key and 64-byte signature (R then S) are the same bytes as RFC 8032's
// and OpenSSL's, so key and signature files are the same on both systems.
#include <windows.h>
// windows.h first: bcrypt.h needs its types.
#include <bcrypt.h>
#include <gcrypt.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "platform/ed25519.h"

namespace adrestore::platform {
namespace {

struct SexpFree {
  void operator()(gcry_sexp_t s) const { gcry_sexp_release(s); }
};
using Sexp = std::unique_ptr<std::remove_pointer_t<gcry_sexp_t>, SexpFree>;

struct EcFree {
  void operator()(gcry_ctx_t c) const { gcry_ctx_release(c); }
};
using EcCtx = std::unique_ptr<std::remove_pointer_t<gcry_ctx_t>, EcFree>;

struct MpiFree {
  void operator()(gcry_mpi_t m) const { gcry_mpi_release(m); }
};
using Mpi = std::unique_ptr<std::remove_pointer_t<gcry_mpi_t>, MpiFree>;

Status crypto_error(const char* what, gcry_error_t err) {
  return Status::error(Code::failed, std::string("Ed25519: ") + what + " failed (libgcrypt: " + gcry_strerror(err) + ")");
}

// libgcrypt must be initialised once before use. No secure memory: the pool needs
// privileges on Windows and only warns without them; the seed's lifetime is ours to keep short.
bool initialise() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    if (gcry_check_version(GCRYPT_VERSION) == nullptr) return;
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    ok = true;
  });
  return ok;
}

Status not_initialised() {
  return Status::error(Code::failed, "Ed25519: libgcrypt is older than the version this build was made with");
}

// Builds an S-expression from `format` and (length, pointer) pairs for each %b.
template <typename... Args>
Result<Sexp> build(const char* what, const char* format, Args... args) {
  gcry_sexp_t s = nullptr;
  const gcry_error_t err = gcry_sexp_build(&s, nullptr, format, args...);
  if (err) return crypto_error(what, err);
  return Sexp(s);
}

int len(std::size_t n) { return static_cast<int>(n); }

// The data of `token`'s first value in `sexp`, which must be exactly `size` bytes.
bool copy_token(gcry_sexp_t sexp, const char* token, std::uint8_t* out, std::size_t size) {
  Sexp part(gcry_sexp_find_token(sexp, token, 0));
  if (!part) return false;
  std::size_t n = 0;
  const char* data = gcry_sexp_nth_data(part.get(), 1, &n);
  if (data == nullptr || n != size) return false;
  std::memcpy(out, data, size);
  return true;
}

Result<Sexp> message_sexp(std::string_view message) {
  // Ed25519 (pure, no prehash) needs the message as is; "eddsa" and sha512 select RFC 8032.
  return build("encoding the message", "(data (flags eddsa) (hash-algo sha512) (value %b))", len(message.size()),
               message.data());
}

}  // namespace

bool ed25519_available() { return initialise(); }

Result<Ed25519KeyPair> ed25519_generate() {
  if (!initialise()) return not_initialised();
  Ed25519KeyPair kp;
  // The system's generator, not libgcrypt's: its Windows entropy poll prints "NOTE: you
  // should run 'diskperf -y'" on stderr, and signing itself needs no randomness (RFC 8032).
  const NTSTATUS st = BCryptGenRandom(nullptr, kp.seed.data(), static_cast<ULONG>(kp.seed.size()),
                                      BCRYPT_USE_SYSTEM_PREFERRED_RNG);
  if (st < 0) return Status::error(Code::failed, "Ed25519: random key generation failed (BCryptGenRandom)");
  auto pub = ed25519_public_key(kp.seed);
  if (!pub) return pub.status();
  kp.public_key = *pub;
  return kp;
}

Result<Ed25519PublicKey> ed25519_public_key(const Ed25519Seed& seed) {
  if (!initialise()) return not_initialised();
  auto key = build("loading the private key", "(private-key (ecc (curve Ed25519) (flags eddsa) (d %b)))",
                   len(seed.size()), seed.data());
  if (!key) return key.status();
  gcry_ctx_t raw = nullptr;
  const gcry_error_t err = gcry_mpi_ec_new(&raw, key->get(), nullptr);
  if (err) return crypto_error("deriving the public key", err);
  EcCtx ctx(raw);
  // "q@eddsa": the public point, computed from d when absent, in RFC 8032's 32-byte encoding.
  Mpi q(gcry_mpi_ec_get_mpi("q@eddsa", ctx.get(), 1));
  unsigned int bits = 0;
  const void* bytes = q ? gcry_mpi_get_opaque(q.get(), &bits) : nullptr;
  Ed25519PublicKey pub{};
  if (bytes == nullptr || bits != pub.size() * 8) return crypto_error("deriving the public key", GPG_ERR_INV_OBJ);
  std::memcpy(pub.data(), bytes, pub.size());
  return pub;
}

Result<Ed25519Signature> ed25519_sign(const Ed25519Seed& seed, std::string_view message) {
  auto pub = ed25519_public_key(seed);
  if (!pub) return pub.status();
  auto key = build("loading the private key", "(private-key (ecc (curve Ed25519) (flags eddsa) (q %b) (d %b)))",
                   len(pub->size()), pub->data(), len(seed.size()), seed.data());
  if (!key) return key.status();
  auto data = message_sexp(message);
  if (!data) return data.status();
  gcry_sexp_t raw = nullptr;
  const gcry_error_t err = gcry_pk_sign(&raw, data->get(), key->get());
  if (err) return crypto_error("signing", err);
  Sexp sig_val(raw);
  Ed25519Signature sig{};
  // (sig-val (eddsa (r <32 bytes>) (s <32 bytes>))): R then S is the RFC 8032 signature.
  if (!copy_token(sig_val.get(), "r", sig.data(), 32) || !copy_token(sig_val.get(), "s", sig.data() + 32, 32)) {
    return crypto_error("signing", GPG_ERR_INV_OBJ);
  }
  return sig;
}

Result<bool> ed25519_verify(const Ed25519PublicKey& key, std::string_view message, const Ed25519Signature& sig) {
  if (!initialise()) return not_initialised();
  auto pub = build("loading the public key", "(public-key (ecc (curve Ed25519) (flags eddsa) (q %b)))",
                   len(key.size()), key.data());
  if (!pub) return pub.status();
  auto sig_val = build("loading the signature", "(sig-val (eddsa (r %b) (s %b)))", 32, sig.data(), 32, sig.data() + 32);
  if (!sig_val) return sig_val.status();
  auto data = message_sexp(message);
  if (!data) return data.status();
  // 0: valid. Any error (a bad signature, or a key that is not a curve point) is "not valid",
  // as with OpenSSL on POSIX.
  return gcry_pk_verify(sig_val->get(), data->get(), pub->get()) == 0;
}

}  // namespace adrestore::platform
