// Streaming SHA-256: OpenSSL's libcrypto on POSIX (SHA-NI where the CPU has it),
// CNG (bcrypt) on Windows. One implementation file each: sha256_openssl.cpp, sha256_win32.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace adrestore::platform {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t n);
  Digest finish();  // resets the hasher for reuse

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

Digest sha256(std::string_view data);
std::string to_hex(const Digest& d);
// Parses 64 lower- or upper-case hex digits; false when malformed.
bool from_hex(std::string_view hex, Digest& out);

}  // namespace adrestore::platform
