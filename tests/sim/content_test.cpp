#include <doctest/doctest.h>

#include "sim/content.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::sim;

TEST_SUITE("sim") {
  TEST_CASE("a simulated DIT is deterministic, names its DC and checks byte for byte") {
    testing::TempDir tmp;
    const std::string a = (tmp / "a.dit").string();
    const std::string b = (tmp / "b.dit").string();
    const SimFileSpec spec{SimFileKind::database, "DC01", 0, 100000};
    REQUIRE(write_sim_file(a, spec).is_ok());
    REQUIRE(write_sim_file(b, spec).is_ok());
    const std::string bytes = testing::read_file(a);
    CHECK(bytes.size() == 100000);
    CHECK(bytes == testing::read_file(b));
    CHECK(bytes.compare(4096, 32, "ADRESTORE-SIM database\ndc: DC01\n") == 0);
    auto ese = backup::parse_ese_database_header(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    REQUIRE(ese.is_ok());
    CHECK(ese->state == backup::EseDbState::clean_shutdown);
    CHECK(ese->db_signature == sim_db_signature("DC01"));
    CHECK(ese->log_signature == sim_log_signature("dc01"));  // the DC name is compared ignoring case
    CHECK(ese->log_signature.computer() == "DC01");
    CHECK(ese->log_signature != sim_log_signature("DC02"));
    CHECK(check_sim_file(a, spec).is_ok());
    auto header = read_sim_header(a);
    REQUIRE(header.is_ok());
    CHECK(header->size == 100000);
    CHECK(header->dc == "DC01");
  }

  TEST_CASE("one flipped byte, a cut file, another DC's file and garbage are told apart") {
    testing::TempDir tmp;
    const std::string p = (tmp / "ntds.dit").string();
    const SimFileSpec spec{SimFileKind::database, "DC01", 0, 65536};
    REQUIRE(write_sim_file(p, spec).is_ok());
    std::string bytes = testing::read_file(p);
    for (std::size_t at : {std::size_t{100}, std::size_t{4096}, std::size_t{8192}, std::size_t{65535}}) {
      std::string bad = bytes;
      bad[at] = static_cast<char>(bad[at] ^ 0x20);
      testing::write_file(p, bad);
      const Status s = check_sim_file(p, spec);
      CHECK_FALSE(s.is_ok());
      // Byte 4096 starts the text header, which then no longer reads as one.
      if (at != 4096) CHECK(s.message().find("byte " + std::to_string(at)) != std::string::npos);
    }
    testing::write_file(p, bytes.substr(0, 40000));
    CHECK(check_sim_file(p, spec).message().find("header says 65536") != std::string::npos);
    REQUIRE(write_sim_file(p, {SimFileKind::database, "DC02", 0, 65536}).is_ok());
    CHECK(check_sim_file(p, spec).message().find("belongs to DC DC02") != std::string::npos);
    testing::write_file(p, std::string(65536, 'z'));
    CHECK(check_sim_file(p, spec).message().find("not a file of a simulated DC") != std::string::npos);
  }

  TEST_CASE("a log checks its generation; log names map to generations") {
    testing::TempDir tmp;
    const std::string p = (tmp / "edb00002.log").string();
    REQUIRE(write_sim_file(p, {SimFileKind::log, "DC01", 2, 16384}).is_ok());
    CHECK(check_sim_file(p, {SimFileKind::log, "DC01", 2, 0}).is_ok());
    CHECK(check_sim_file(p, {SimFileKind::log, "DC01", 3, 0}).message().find("generation 2, not 3") != std::string::npos);
    CHECK(check_sim_file(p, {SimFileKind::database, "DC01", 0, 0}).message().find("not a database") != std::string::npos);
    const std::string bytes = testing::read_file(p);
    auto ese = backup::parse_ese_log_header(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    REQUIRE(ese.is_ok());
    CHECK(ese->generation == 2);
    CHECK(ese->log_signature == sim_log_signature("DC01"));
    CHECK(log_file_name(1) == "edb00001.log");
    CHECK(log_file_name(0x1A) == "edb0001A.log");
    std::uint32_t gen = 0;
    CHECK(parse_log_file_name("EDB0001a.LOG", gen));
    CHECK(gen == 0x1A);
    CHECK_FALSE(parse_log_file_name("edb.log", gen));
    CHECK_FALSE(parse_log_file_name("edb.chk", gen));
    CHECK_FALSE(parse_log_file_name("edb0000g.log", gen));
  }

  TEST_CASE("files smaller than a header are refused") {
    testing::TempDir tmp;
    CHECK_FALSE(write_sim_file((tmp / "x").string(), {SimFileKind::database, "DC01", 0, 100}).is_ok());
  }
}
