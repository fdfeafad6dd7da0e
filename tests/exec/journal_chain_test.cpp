#include <doctest/doctest.h>

#include "exec/crc32c.h"
#include "exec/journal.h"
#include "exec/journal_verify.h"
#include "journal_fixture.h"
#include "journal_tamper.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::exec;
using adrestore::testing::TempDir;

namespace {

JournalContents sample_contents(const TempDir& t) {
  testing::write_sample_journal(t.path().string());
  auto c = read_journal((t / "journal").string());
  REQUIRE_MESSAGE(c, c.status().message());
  return std::move(*c);
}

JournalScan scan_of(const std::string& bytes) { return scan_journal(bytes, "journal"); }

// The heads a run publishes: one after each of these records.
std::vector<PublishedHead> heads_after(const JournalContents& c, const std::vector<std::uint64_t>& seqs) {
  std::vector<PublishedHead> out;
  for (std::uint64_t s : seqs) out.push_back({s, platform::to_hex(c.chain[s - 1]), "events line " + std::to_string(s)});
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("journal-chain") {
  TEST_CASE("H_0 is the SHA-256 of the header and each H_i hashes H_(i-1) with the frame after its CRC") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    const std::string bytes = testing::read_file(t / "journal");
    REQUIRE(c.format_version == 3);
    REQUIRE(c.chain.size() == c.records.size());
    platform::Digest h = platform::sha256(bytes.substr(0, k_journal_header_size));
    CHECK(header_links(3).chain == h);
    for (std::size_t i = 0; i < c.records.size(); ++i) {
      const std::size_t at = c.offsets[i];
      const std::uint32_t length = static_cast<unsigned char>(bytes[at + 4]) |
                                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 5])) << 8 |
                                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 6])) << 16;
      const std::size_t body_end = at + k_journal_frame_header_size + length;
      platform::Sha256 hasher;
      hasher.update(h.data(), h.size());
      hasher.update(bytes.data() + at + 4, body_end - at - 4);
      h = hasher.finish();
      CHECK(c.chain[i] == h);
      // The trailer holds it, and the CRC at the frame's start covers the trailer too.
      CHECK(bytes.substr(body_end, 32) == std::string(reinterpret_cast<const char*>(h.data()), 32));
    }
    CHECK(c.head == h);
    const auto head = journal_head(c);
    REQUIRE(head);
    CHECK(head->seq == c.records.size());
    CHECK(head->sha256 == platform::to_hex(h));
  }

  TEST_CASE("the writer's head is the reader's, also across a reopen") {
    TempDir one, two;
    const JournalContents whole = sample_contents(one);
    // The same records written in two sessions: the chain continues where it stopped.
    std::int64_t now = 1795000000000;
    auto clock = [&now] { return now += 1000; };
    const auto bodies = testing::sample_bodies();
    {
      auto w = JournalWriter::create(two.path().string(), clock);
      REQUIRE(w);
      CHECK((*w)->head()->seq == 0);
      for (std::size_t i = 0; i < 10; ++i) REQUIRE((*w)->append(bodies[i]));
      CHECK((*w)->head()->sha256 == platform::to_hex(whole.chain[9]));
    }
    JournalContents read;
    auto w = JournalWriter::open(two.path().string(), &read, clock);
    REQUIRE(w);
    CHECK((*w)->head()->seq == 10);
    for (std::size_t i = 10; i < bodies.size(); ++i) REQUIRE((*w)->append(bodies[i]));
    const auto head = (*w)->head();
    REQUIRE(head);
    CHECK(head->seq == whole.records.size());
    CHECK(head->sha256 == journal_head(whole)->sha256);
  }

  TEST_CASE("an intact journal is proven against its heads; without a head it is only unproven") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    const std::string bytes = testing::read_file(t / "journal");
    const ChainCheck all = check_chain(scan_of(bytes), heads_after(c, {3, 6, 22, 24}));
    CHECK(all.verdict == ChainVerdict::proven);
    CHECK(all.proven_through == 24);
    const ChainCheck bare = check_chain(scan_of(bytes), {{0, journal_head(c)->sha256, "--head"}});
    CHECK(bare.verdict == ChainVerdict::proven);
    const ChainCheck none = check_chain(scan_of(bytes), {});
    CHECK(none.verdict == ChainVerdict::unproven);
    CHECK(contains(none.message, "not proven"));
  }

  TEST_CASE("a record edited in the middle and re-checksummed consistently reads, but differs from the heads") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    std::vector<Record> records = c.records;
    // Record 6 is restore.prepare's step-finished: say it took longer.
    auto* sf = std::get_if<StepFinished>(&records[5].body);
    REQUIRE(sf);
    sf->duration_ms = 999;
    const std::string forged = testing::encode_journal(records);
    const JournalScan scan = scan_of(forged);
    REQUIRE_MESSAGE(scan.status, scan.status.message());  // CRCs, back-links and stored hashes agree
    const ChainCheck check = check_chain(scan, heads_after(c, {3, 6, 22, 24}));
    CHECK(check.verdict == ChainVerdict::differs);
    CHECK(check.first_differs_from == 4);
    CHECK(check.first_differs_to == 6);
    CHECK_MESSAGE(contains(check.message, "records 4 to 6"), check.message);
    // With a head after every record the heads name it exactly.
    std::vector<std::uint64_t> every;
    for (std::uint64_t s = 1; s <= 24; ++s) every.push_back(s);
    const ChainCheck exact = check_chain(scan, heads_after(c, every));
    CHECK(exact.first_differs_from == 6);
    CHECK(exact.first_differs_to == 6);
    CHECK_MESSAGE(contains(exact.message, "record 6 was edited"), exact.message);
    // A bare head: no record's hash equals it.
    const ChainCheck bare = check_chain(scan, {{0, journal_head(c)->sha256, "--head"}});
    CHECK(bare.verdict == ChainVerdict::differs);
    CHECK(contains(bare.message, "no record's chain hash equals the head"));
  }

  TEST_CASE("an edit that recomputes the CRCs but not the stored chain is refused by the reader") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    std::vector<Record> records = c.records;
    std::get<StepFinished>(records[5].body).duration_ms = 999;
    // A format-3 journal whose trailers are taken from the original: CRCs recomputed over them.
    std::string forged = testing::encode_journal(records);
    const std::string original = testing::read_file(t / "journal");
    const JournalScan good = scan_of(forged);
    REQUIRE(good.status);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::size_t end = (i + 1 < records.size() ? good.contents.offsets[i + 1] : forged.size());
      const std::size_t orig_end = (i + 1 < records.size() ? c.offsets[i + 1] : original.size());
      forged.replace(end - 32, 32, original.substr(orig_end - 32, 32));
    }
    // Re-seal every frame's CRC (and back-link) over the copied trailers.
    FrameLinks links = header_links(3);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::size_t at = good.contents.offsets[i];
      const std::size_t end = (i + 1 < records.size() ? good.contents.offsets[i + 1] : forged.size());
      for (int b = 0; b < 4; ++b) forged[at + 16 + static_cast<std::size_t>(b)] = static_cast<char>((links.crc >> (8 * b)) & 0xFF);
      const std::uint32_t crc = crc32c_mask(crc32c(forged.data() + at + 4, end - at - 4));
      for (int b = 0; b < 4; ++b) forged[at + static_cast<std::size_t>(b)] = static_cast<char>((crc >> (8 * b)) & 0xFF);
      links.crc = crc;
    }
    const JournalScan scan = scan_of(forged);
    REQUIRE_FALSE(scan.status);
    CHECK_MESSAGE(contains(scan.status.message(), "record 6 at offset"), scan.status.message());
    CHECK(contains(scan.status.message(), "SHA-256 chain hash does not follow"));
    CHECK(check_chain(scan, {}).verdict == ChainVerdict::corrupt);
  }

  TEST_CASE("a dropped record differs from the heads after it") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    std::vector<Record> records = c.records;
    records.erase(records.begin() + 18);  // the note (record 19)
    const JournalScan scan = scan_of(testing::encode_journal(records));
    REQUIRE_MESSAGE(scan.status, scan.status.message());
    const ChainCheck check = check_chain(scan, heads_after(c, {6, 18, 22, 24}));
    CHECK(check.verdict == ChainVerdict::differs);
    CHECK(check.first_differs_from == 19);
    CHECK(check.first_differs_to == 22);
  }

  TEST_CASE("records reordered differ from the heads") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    std::vector<Record> records = c.records;
    std::swap(records[16], records[17]);  // two hook results
    std::swap(records[16].time_ms, records[17].time_ms);  // time never runs backwards
    const JournalScan scan = scan_of(testing::encode_journal(records));
    REQUIRE_MESSAGE(scan.status, scan.status.message());
    const ChainCheck check = check_chain(scan, heads_after(c, {6, 16, 18, 24}));
    CHECK(check.verdict == ChainVerdict::differs);
    CHECK(check.first_differs_from == 17);
    CHECK(check.first_differs_to == 18);
  }

  TEST_CASE("a record appended after the last head is not proven") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    JournalContents read;
    auto w = JournalWriter::open(t.path().string(), &read);
    REQUIRE(w);
    REQUIRE((*w)->append(Note{NoteLevel::info, "added later"}));
    const JournalScan scan = scan_of(testing::read_file(t / "journal"));
    REQUIRE(scan.status);
    const ChainCheck numbered = check_chain(scan, heads_after(c, {6, 24}));
    CHECK(numbered.verdict == ChainVerdict::appended);
    CHECK(numbered.proven_through == 24);
    CHECK_MESSAGE(contains(numbered.message, "record 25 follow"), numbered.message);
    const ChainCheck bare = check_chain(scan, {{0, journal_head(c)->sha256, "--head"}});
    CHECK(bare.verdict == ChainVerdict::appended);
  }

  TEST_CASE("a journal cut short before the last head differs, naming where it ends") {
    TempDir t;
    const JournalContents c = sample_contents(t);
    const std::string bytes = testing::read_file(t / "journal");
    const JournalScan scan = scan_of(bytes.substr(0, c.offsets[20]));  // records 1-20, cut at a frame boundary
    REQUIRE(scan.status);
    const ChainCheck check = check_chain(scan, heads_after(c, {6, 18, 24}));
    CHECK(check.verdict == ChainVerdict::differs);
    CHECK_MESSAGE(contains(check.message, "ends after record 20"), check.message);
    CHECK(check.first_differs_from == 19);
    CHECK(check.first_differs_to == 21);
  }

  TEST_CASE("a journal of format 2 has no chain: CRC only, nothing to prove against") {
    std::string v2 = encode_header(2);
    FrameLinks links = header_links(2);
    CHECK(links.chain == platform::Digest{});
    Record r;
    r.seq = 1;
    r.time_ms = 1000;
    r.body = RunStarted{"p", "p.yaml", std::string(64, '0'), "0.1.0", "r1", "sim", "", "DC01", ""};
    v2 += encode_frame(r, 2, links);
    const JournalScan scan = scan_of(v2);
    REQUIRE(scan.status);
    CHECK(scan.contents.chain.empty());
    CHECK_FALSE(journal_head(scan.contents));
    const ChainCheck check = check_chain(scan, {{0, std::string(64, 'a'), "--head"}});
    CHECK(check.verdict == ChainVerdict::no_chain);
    CHECK(contains(check.message, "no chain: format 2, CRC only"));
  }
}
