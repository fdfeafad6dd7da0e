// Crash recovery: the journal cut at every length, and damaged byte by byte.
#include <doctest/doctest.h>

#include "exec/journal.h"
#include "journal_fixture.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::exec;
using adrestore::testing::TempDir;

namespace {

struct Sample {
  std::string bytes;
  std::vector<std::uint64_t> offsets;  // frame starts, plus the end of the file
};

Sample sample() {
  TempDir t;
  testing::write_sample_journal(t.path().string());
  Sample s;
  s.bytes = testing::read_file(t / "journal");
  auto c = parse_journal(s.bytes, "journal");
  REQUIRE(c);
  s.offsets = c->offsets;
  s.offsets.push_back(s.bytes.size());
  return s;
}

}  // namespace

TEST_SUITE("journal") {
  TEST_CASE("a journal cut at every byte offset recovers the records before the cut") {
    const Sample s = sample();
    const std::size_t n_records = s.offsets.size() - 1;
    for (std::size_t len = 0; len <= s.bytes.size(); ++len) {
      CAPTURE(len);
      auto c = parse_journal(std::string_view(s.bytes).substr(0, len), "journal");
      REQUIRE_MESSAGE(c, c.status().message());
      if (len < k_journal_header_size) {
        CHECK_FALSE(c->header_complete);
        CHECK(c->records.empty());
        CHECK(c->warnings.size() == 1);
        continue;
      }
      // The records whose frames end at or before the cut survive; a partial one is cut off.
      std::size_t whole = 0;
      while (whole < n_records && s.offsets[whole + 1] <= len) ++whole;
      CHECK(c->records.size() == whole);
      const bool at_boundary = len == k_journal_header_size || len == s.offsets[whole];
      CHECK(c->warnings.empty() == at_boundary);
      CHECK(c->valid_end == (whole == 0 ? k_journal_header_size : s.offsets[whole]));
    }
  }

  TEST_CASE("the writer cuts a torn tail off durably and appends after the last good record") {
    const Sample s = sample();
    for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{16}, std::size_t{s.offsets[3] + 5},
                            std::size_t{s.offsets[5] + 30}, s.bytes.size() - 1}) {
      CAPTURE(cut);
      TempDir t;
      testing::write_file(t / "journal", s.bytes.substr(0, cut));
      JournalContents read;
      auto w = JournalWriter::open(t.path().string(), &read);
      REQUIRE_MESSAGE(w, w.status().message());
      const bool torn = cut != k_journal_header_size;  // an empty file is a crash during create too
      CHECK(read.warnings.empty() == !torn);
      if (read.records.empty()) {
        REQUIRE((*w)->append(RunStarted{"p", "", std::string(64, 'e'), "0.1.0", "r2", "sim", "", "DC01", ""}));
      } else {
        REQUIRE((*w)->append(Note{NoteLevel::info, "after recovery"}));
      }
      auto again = read_journal((t / "journal").string());
      REQUIRE_MESSAGE(again, again.status().message());
      CHECK(again->warnings.empty());
      CHECK(again->records.size() == read.records.size() + 1);
    }
  }

  TEST_CASE("a damaged byte in the last record is a torn tail; in any other record it is an error") {
    const Sample s = sample();
    const std::size_t n_records = s.offsets.size() - 1;
    for (std::size_t i = 0; i < n_records; ++i) {
      const std::uint64_t start = s.offsets[i];
      const std::uint64_t end = s.offsets[i + 1];
      // The checksum, the length, the sequence number, the link, the type, and payload bytes.
      for (std::uint64_t at : {start, start + 5, start + 9, start + 17, start + 20, start + 22, start + 30, end - 1}) {
        CAPTURE(i);
        CAPTURE(at);
        std::string b = s.bytes;
        b[at] = static_cast<char>(b[at] ^ 0x40);
        auto c = parse_journal(b, "journal");
        if (i + 1 == n_records) {
          REQUIRE_MESSAGE(c, c.status().message());
          CHECK(c->records.size() == n_records - 1);
          REQUIRE(c->warnings.size() == 1);
          CHECK(c->warnings[0].find("record " + std::to_string(i + 1) + " at offset " + std::to_string(start)) !=
                std::string::npos);
        } else {
          REQUIRE_FALSE(c);
          CHECK(c.status().code() == Code::corrupt);
          CHECK_MESSAGE(c.status().message().find("record " + std::to_string(i + 1) + " at offset " +
                                                  std::to_string(start) + " is damaged") != std::string::npos,
                        c.status().message());
          CHECK(c.status().message().find("corrupt in the middle") != std::string::npos);
        }
      }
    }
  }

  TEST_CASE("garbage after the last record that cannot be a whole record is cut off with a warning") {
    const Sample s = sample();
    for (const std::string& junk : {std::string(1, '\0'), std::string(23, '\0'), std::string(4096, '\0'),
                                    std::string("\xff\xfe garbage that is no frame at all")}) {
      auto c = parse_journal(s.bytes + junk, "journal");
      REQUIRE_MESSAGE(c, c.status().message());
      CHECK(c->records.size() == s.offsets.size() - 1);
      CHECK(c->warnings.size() == 1);
      CHECK(c->valid_end == s.bytes.size());
    }
  }

  TEST_CASE("more bytes after the damage than one append writes are corruption, not a torn tail") {
    const Sample s = sample();
    auto c = parse_journal(s.bytes + std::string(k_journal_frame_header_size + k_journal_max_payload + k_journal_chain_size + 1, 'x'), "journal");
    REQUIRE_FALSE(c);
    CHECK(c.status().code() == Code::corrupt);
    CHECK_MESSAGE(c.status().message().find("more than one record can hold") != std::string::npos, c.status().message());
  }

  TEST_CASE("a tail crafted with look-alike record headers is refused without checking each (fuzz finding)") {
    // Every 32 bytes a header whose type, reserved field and length pass the cheap filters:
    // checking each checksum would take time quadratic in the tail's size.
    const Sample s = sample();
    std::string head;
    for (std::uint64_t v : {0xdeadbeefULL, 0x8000ULL}) {
      for (int i = 0; i < 4; ++i) head += static_cast<char>((v >> (8 * i)) & 0xFF);
    }
    head += std::string(8, '\1') + std::string(4, '\0') + std::string("\1\0\0\0", 4) + std::string(8, '\xAA');
    REQUIRE(head.size() == 32);
    std::string tail;
    while (tail.size() < k_journal_max_payload) tail += head;
    auto c = parse_journal(s.bytes + tail, "journal");
    REQUIRE_FALSE(c);
    CHECK_MESSAGE(c.status().message().find("too many look-alike record headers") != std::string::npos,
                  c.status().message());
  }

  TEST_CASE("a record whose length field claims more than the file holds is an error when records follow") {
    const Sample s = sample();
    std::string b = s.bytes;
    b[s.offsets[2] + 6] = 0x7f;  // length now far beyond the end of the file
    auto c = parse_journal(b, "journal");
    REQUIRE_FALSE(c);
    CHECK(c.status().message().find("record 3 at offset") != std::string::npos);
  }

  TEST_CASE("scan_journal keeps the records before a corruption for dump") {
    const Sample s = sample();
    std::string b = s.bytes;
    b[s.offsets[4] + 30] ^= 0x01;
    JournalScan scan = scan_journal(b, "journal");
    CHECK_FALSE(scan.status);
    CHECK(scan.contents.records.size() == 4);
  }
}
