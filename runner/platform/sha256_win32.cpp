// platform/sha256.h with Windows CNG (bcrypt.dll). The algorithm provider is opened once per
// process (opening it is the expensive part); each Sha256 owns one hash object.
#include "platform/win32.h"  // before <bcrypt.h>, which needs <windows.h>

#include <bcrypt.h>

#include <algorithm>
#include <stdexcept>

#include "platform/sha256.h"

namespace adrestore::platform {
namespace {

class Provider {
 public:
  Provider() {
    if (!BCRYPT_SUCCESS(::BCryptOpenAlgorithmProvider(&m_alg, BCRYPT_SHA256_ALGORITHM, nullptr, 0))) m_alg = nullptr;
  }
  ~Provider() {
    if (m_alg) ::BCryptCloseAlgorithmProvider(m_alg, 0);
  }
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;
  BCRYPT_ALG_HANDLE get() const { return m_alg; }

 private:
  BCRYPT_ALG_HANDLE m_alg = nullptr;
};

BCRYPT_ALG_HANDLE sha256_provider() {
  static const Provider provider;  // thread-safe initialisation
  if (!provider.get()) throw std::runtime_error("CNG SHA-256 provider is unavailable");
  return provider.get();
}

BCRYPT_HASH_HANDLE new_hash() {
  BCRYPT_HASH_HANDLE h = nullptr;
  // No object buffer: CNG allocates it (Windows 7 and later).
  if (!BCRYPT_SUCCESS(::BCryptCreateHash(sha256_provider(), &h, nullptr, 0, nullptr, 0, 0))) {
    throw std::runtime_error("CNG SHA-256 init failed");
  }
  return h;
}

}  // namespace

struct Sha256::Impl {
  BCRYPT_HASH_HANDLE hash = new_hash();
  Impl() = default;
  ~Impl() {
    if (hash) ::BCryptDestroyHash(hash);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (n > 0) {  // BCryptHashData takes a ULONG length
    const ULONG chunk = static_cast<ULONG>(std::min<std::size_t>(n, 1u << 30));
    if (!BCRYPT_SUCCESS(::BCryptHashData(m_impl->hash, const_cast<PUCHAR>(p), chunk, 0))) {
      throw std::runtime_error("CNG SHA-256 update failed");
    }
    p += chunk;
    n -= chunk;
  }
}

Digest Sha256::finish() {
  Digest d{};
  if (!BCRYPT_SUCCESS(::BCryptFinishHash(m_impl->hash, d.data(), static_cast<ULONG>(d.size()), 0))) {
    throw std::runtime_error("CNG SHA-256 finish failed");
  }
  // A finished CNG hash cannot take more data: start a fresh one for reuse.
  ::BCryptDestroyHash(m_impl->hash);
  m_impl->hash = nullptr;
  m_impl->hash = new_hash();
  return d;
}

}  // namespace adrestore::platform
