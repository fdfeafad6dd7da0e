#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "exec/crc32c.h"

using adrestore::exec::crc32c;
using adrestore::exec::crc32c_extend;
using adrestore::exec::crc32c_mask;
using adrestore::exec::crc32c_unmask;

TEST_SUITE("journal") {
  TEST_CASE("CRC-32C matches the RFC 3720 test vectors") {
    std::vector<unsigned char> buf(32, 0x00);
    CHECK(crc32c(buf.data(), buf.size()) == 0x8A9136AAU);
    buf.assign(32, 0xFF);
    CHECK(crc32c(buf.data(), buf.size()) == 0x62A8AB43U);
    for (unsigned i = 0; i < 32; ++i) buf[i] = static_cast<unsigned char>(i);
    CHECK(crc32c(buf.data(), buf.size()) == 0x46DD794EU);
    for (unsigned i = 0; i < 32; ++i) buf[i] = static_cast<unsigned char>(31 - i);
    CHECK(crc32c(buf.data(), buf.size()) == 0x113FDB5CU);
    // An iSCSI SCSI Read (10) command PDU (RFC 3720 appendix B.4).
    const unsigned char pdu[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                                   0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    CHECK(crc32c(pdu, sizeof pdu) == 0xD9963A56U);
  }

  TEST_CASE("CRC-32C of the ASCII check string is E3069283") { CHECK(crc32c("123456789") == 0xE3069283U); }

  TEST_CASE("CRC-32C extended piece by piece equals the CRC of the whole") {
    std::string data;
    for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 + 3);
    for (std::size_t cut : {0UL, 1UL, 3UL, 4UL, 5UL, 500UL, 999UL, 1000UL}) {
      const std::uint32_t first = crc32c(data.data(), cut);
      CHECK(crc32c_extend(first, data.data() + cut, data.size() - cut) == crc32c(data));
    }
  }

  TEST_CASE("a masked CRC unmasks to the original and differs from it") {
    for (std::uint32_t v : {0U, 1U, 0x8A9136AAU, 0xFFFFFFFFU}) {
      CHECK(crc32c_unmask(crc32c_mask(v)) == v);
      CHECK(crc32c_mask(v) != v);
    }
  }
}
