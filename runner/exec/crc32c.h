// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the journal's
// record framing (doc/journal-format.md). Debian 12 packages no crc32c library, so this
// is a small table-driven implementation, checked against the RFC 3720 (iSCSI) vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace adrestore::exec {

// Extends `crc` (the CRC of some earlier bytes, or 0 to start) with `n` more bytes.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t n);
inline std::uint32_t crc32c(const void* data, std::size_t n) { return crc32c_extend(0, data, n); }
inline std::uint32_t crc32c(std::string_view s) { return crc32c_extend(0, s.data(), s.size()); }

// leveldb's masking: a CRC stored next to the data it covers is rotated and offset, so
// that the CRC of bytes that themselves contain CRCs is not trivially related to them.
inline std::uint32_t crc32c_mask(std::uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8U; }
inline std::uint32_t crc32c_unmask(std::uint32_t masked) {
  const std::uint32_t rot = masked - 0xa282ead8U;
  return (rot >> 17) | (rot << 15);
}

}  // namespace adrestore::exec
