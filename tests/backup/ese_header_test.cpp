#include <doctest/doctest.h>

#include "backup/ese_header.h"

using namespace adrestore;
using namespace adrestore::backup;

namespace {

EseDatabaseHeader sample_db() {
  EseDatabaseHeader h;
  h.db_signature = EseSignature::make(0x11223344, "DC01");
  h.log_signature = EseSignature::make(0x55667788, "DC01");
  return h;
}

void put32(EseHeaderBytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

// The parse error of `b` after setting the 32-bit field at `at` and resealing the checksum.
template <class Parse>
std::string error_with(EseHeaderBytes b, std::size_t at, std::uint32_t v, Parse parse) {
  put32(b, at, v);
  reseal_ese_header(b);
  auto r = parse(b.data(), b.size());
  return r ? std::string() : r.status().message();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("ese") {
  TEST_CASE("a database header round-trips: signatures, state, page size, required logs") {
    EseDatabaseHeader in = sample_db();
    in.state = EseDbState::dirty_shutdown;
    in.required_low = 7;
    in.required_high = 9;
    const EseHeaderBytes b = write_ese_database_header(in);
    CHECK(b[4] == 0xEF);  // the signature, little-endian
    CHECK(b[7] == 0x89);
    auto h = parse_ese_database_header(b.data(), b.size());
    REQUIRE(h);
    CHECK(h->format_version == 0x620);
    CHECK(h->page_size == 8192);
    CHECK(h->state == EseDbState::dirty_shutdown);
    CHECK(h->required_low == 7);
    CHECK(h->required_high == 9);
    CHECK(h->db_signature == in.db_signature);
    CHECK(h->log_signature == in.log_signature);
    CHECK(h->log_signature.text() == "0x55667788/DC01");
  }

  TEST_CASE("the checksum is the seed XORed with every word from offset 4") {
    EseHeaderBytes b{};
    CHECK(ese_header_checksum(b.data()) == 0x89ABCDEF);
    b[4] = 0xEF;
    b[5] = 0xCD;
    b[6] = 0xAB;
    b[7] = 0x89;
    CHECK(ese_header_checksum(b.data()) == 0);  // the signature cancels the seed
    b[4095] = 0x01;
    CHECK(ese_header_checksum(b.data()) == 0x01000000);
    b[0] = 0xFF;  // the stored checksum itself is not summed
    CHECK(ese_header_checksum(b.data()) == 0x01000000);
  }

  TEST_CASE("every database field check fails alone") {
    const EseHeaderBytes good = write_ese_database_header(sample_db());
    auto parse = [](const std::uint8_t* d, std::size_t n) { return parse_ese_database_header(d, n); };
    CHECK(has(error_with(good, 4, 0x12345678, parse), "does not start with an ESE database header"));
    CHECK(has(error_with(good, 8, 0x623, parse), "unknown ESE database format version 0x00000623"));
    CHECK(has(error_with(good, 236, 3000, parse), "page size of 3000 bytes"));
    CHECK(error_with(good, 236, 0, parse).empty());  // 0 means 4 KiB
    CHECK(has(error_with(good, 52, 9, parse), "unknown state 9"));
    CHECK(has(error_with(good, 667, 3, parse), "says the file is a transaction log, not a database"));
    CHECK(has(error_with(good, 52, 2, parse), "names no valid range of required logs (0..0)"));
    EseHeaderBytes dirty = good;
    put32(dirty, 52, 2);
    put32(dirty, 296, 5);
    CHECK(has(error_with(dirty, 300, 4, parse), "(5..4)"));
    CHECK(error_with(dirty, 300, 5, parse).empty());

    EseHeaderBytes flipped = good;
    flipped[1000] ^= 0x01;
    auto r = parse_ese_database_header(flipped.data(), flipped.size());
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::corrupt);
    CHECK(has(r.status().message(), "checksum is wrong"));
    CHECK(has(parse_ese_database_header(good.data(), 4095).status().message(), "too short"));
    CHECK(has(parse_ese_database_header(good.data(), 3).status().message(), "too short"));
    CHECK_FALSE(parse_ese_database_header(nullptr, 0));
  }

  TEST_CASE("a log header round-trips and every field check fails alone") {
    EseLogHeader in;
    in.generation = 0x1A;
    in.log_signature = EseSignature::make(0x55667788, "DC01");
    const EseHeaderBytes good = write_ese_log_header(in);
    auto h = parse_ese_log_header(good.data(), good.size());
    REQUIRE(h);
    CHECK(h->generation == 0x1A);
    CHECK(h->page_size == 8192);
    CHECK(h->log_signature == in.log_signature);
    auto parse = [](const std::uint8_t* d, std::size_t n) { return parse_ese_log_header(d, n); };
    CHECK(has(error_with(good, 4, 0, parse), "generation 0, outside"));
    CHECK(has(error_with(good, 4, 0x80000000u, parse), "generation 2147483648, outside"));
    CHECK(has(error_with(good, 12, 0x0BB80000u, parse), "page size of 3000 bytes"));  // cbPageSize is at 14
    CHECK(has(error_with(good, 667, 4, parse), "is a checkpoint file, not a transaction log"));
    CHECK(error_with(good, 667, 0, parse).empty());  // an older, zero-filled file type
    EseHeaderBytes bad = good;
    bad[50] ^= 0x40;
    CHECK(has(parse_ese_log_header(bad.data(), bad.size()).status().message(), "transaction log header's checksum"));
    CHECK(has(parse_ese_log_header(good.data(), 100).status().message(), "too short"));
  }

  TEST_CASE("a checkpoint header round-trips and every field check fails alone") {
    EseCheckpointHeader in;
    in.generation = 3;
    in.log_signature = EseSignature::make(0x55667788, "DC01");
    const EseHeaderBytes good = write_ese_checkpoint_header(in);
    auto h = parse_ese_checkpoint_header(good.data(), good.size());
    REQUIRE(h);
    CHECK(h->generation == 3);
    CHECK(h->log_signature == in.log_signature);
    auto parse = [](const std::uint8_t* d, std::size_t n) { return parse_ese_checkpoint_header(d, n); };
    CHECK(has(error_with(good, 16, 0, parse), "log generation 0, outside"));
    CHECK(has(error_with(good, 667, 1, parse), "is a database, not a checkpoint"));
    CHECK(has(error_with(good, 667, 77, parse), "of ESE file type 77"));
    EseHeaderBytes bad = good;
    bad[30] ^= 0x01;
    CHECK(has(parse_ese_checkpoint_header(bad.data(), bad.size()).status().message(), "checkpoint header's checksum"));
  }

  TEST_CASE("a database header is not taken for a log and the other way round") {
    const EseHeaderBytes db = write_ese_database_header(sample_db());
    CHECK(has(parse_ese_log_header(db.data(), db.size()).status().message(), "is a database, not a transaction log"));
    EseLogHeader l;
    const EseHeaderBytes log = write_ese_log_header(l);
    CHECK(has(parse_ese_database_header(log.data(), log.size()).status().message(), "does not start with"));
  }

  TEST_CASE("signatures name their computer; log names map to generations") {
    const EseSignature s = EseSignature::make(1, "A-VERY-LONG-NAME-OF-A-DC");
    CHECK(s.computer() == "A-VERY-LONG-NAM");  // 15 characters and a NUL
    CHECK(s.random() == 1);
    CHECK(EseSignature::make(1, "DC01") != EseSignature::make(2, "DC01"));
    std::uint32_t g = 0;
    CHECK(parse_ese_log_name("EDB0001a.LOG", g));
    CHECK(g == 0x1A);
    CHECK(parse_ese_log_name("edb1.log", g));
    CHECK(g == 1);
    CHECK_FALSE(parse_ese_log_name("edb.log", g));
    CHECK_FALSE(parse_ese_log_name("edb.chk", g));
    CHECK_FALSE(parse_ese_log_name("edb0000g.log", g));
    CHECK_FALSE(parse_ese_log_name("edb123456789.log", g));
    CHECK(ese_log_name(0x1A) == "edb0001A.log");
    CHECK(ese_log_name(0x123456) == "edb123456.log");
  }
}
