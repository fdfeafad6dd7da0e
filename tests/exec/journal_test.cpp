#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "exec/crc32c.h"
#include "exec/journal.h"
#include "journal_fixture.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::exec;
using adrestore::testing::TempDir;

namespace {

std::string state_dir(const TempDir& t) { return t.path().string(); }

std::string journal_bytes(const TempDir& t) { return testing::read_file(t / "journal"); }

// A journal built frame by frame, so tests can write what the writer never would.
struct RawJournal {
  std::string bytes;
  std::uint32_t version;
  FrameLinks links;
  std::uint64_t seq = 1;
  explicit RawJournal(std::uint32_t v = k_journal_format_version)
      : bytes(encode_header(v)), version(v), links(header_links(v)) {}
  std::size_t add(RecordBody body, std::int64_t time_ms = 1000) {
    Record r;
    r.seq = seq++;
    r.time_ms = time_ms;
    r.body = std::move(body);
    const std::size_t at = bytes.size();
    bytes += encode_frame(r, version, links);
    return at;
  }
  // A frame with any payload text and type number, checksummed (and chained) correctly.
  std::size_t add_raw(std::uint16_t type, const std::string& payload) {
    std::string f(24, '\0');
    auto put = [&f](std::size_t at, std::uint64_t v, int n) {
      for (int i = 0; i < n; ++i) f[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
    };
    put(4, payload.size(), 4);
    put(8, seq++, 8);
    put(16, links.crc, 4);
    put(20, type, 2);
    f += payload;
    const std::size_t at = bytes.size();
    bytes += seal_frame(std::move(f), version, links);
    return at;
  }
};

RunStarted sample_start() {
  return RunStarted{"p", "p.yaml", std::string(64, '0'), "0.1.0", "r1", "sim", "", "DC01", ""};
}

}  // namespace

TEST_SUITE("journal") {
  TEST_CASE("every record type survives a write and a read unchanged") {
    TempDir t;
    testing::write_sample_journal(state_dir(t));
    auto c = read_journal((t / "journal").string());
    REQUIRE_MESSAGE(c, c.status().message());
    CHECK(c->warnings.empty());
    const auto bodies = testing::sample_bodies();
    REQUIRE(c->records.size() == bodies.size());
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      Record expected;
      expected.seq = i + 1;
      expected.time_ms = c->records[i].time_ms;
      expected.body = bodies[i];
      CHECK(c->records[i].seq == i + 1);
      CHECK(record_payload(c->records[i]) == record_payload(expected));
    }
    CHECK(c->valid_end == c->file_size);
    CHECK(c->offsets.front() == k_journal_header_size);
  }

  TEST_CASE("the file starts with the magic number and format version 3") {
    TempDir t;
    testing::write_sample_journal(state_dir(t));
    const std::string b = journal_bytes(t);
    CHECK(b.substr(0, 8) == "ADRJRNL\n");
    CHECK(b.substr(8, 4) == std::string("\x03\x00\x00\x00", 4));
  }

  TEST_CASE("a foreign-backup-allowed record (15, format version 2) survives a write and a read") {
    TempDir t;
    auto w = JournalWriter::create(state_dir(t));
    REQUIRE(w);
    REQUIRE((*w)->append(sample_start()));
    REQUIRE((*w)->append(StepStarted{"backup.verify", 1}));
    auto r = (*w)->append(ForeignBackupAllowed{"DC01.corp.example.com", "DC02.corp.example.com", "DC02"});
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(static_cast<int>(r->type()) == 15);
    auto c = read_journal((t / "journal").string());
    REQUIRE_MESSAGE(c, c.status().message());
    CHECK(c->format_version == 3);
    const auto* fb = c->records.back().as<ForeignBackupAllowed>();
    REQUIRE(fb);
    CHECK(fb->backup_dc == "DC01.corp.example.com");
    CHECK(fb->plan_dc == "DC02.corp.example.com");
    CHECK(fb->host == "DC02");
    CHECK(record_payload(c->records.back())["type"] == "foreign-backup-allowed");
  }

  TEST_CASE("a version-1 journal is still read and continued in version 1") {
    TempDir t;
    RawJournal j(1);
    j.add(sample_start());
    j.add(Note{NoteLevel::info, "written by an older adrestore"});
    testing::write_file(t / "journal", j.bytes);
    auto c = read_journal((t / "journal").string());
    REQUIRE_MESSAGE(c, c.status().message());
    CHECK(c->format_version == 1);
    CHECK(c->records.size() == 2);

    JournalContents before;
    auto w = JournalWriter::open(state_dir(t), &before);
    REQUIRE(w);
    CHECK((*w)->format_version() == 1);
    REQUIRE((*w)->append(RunResumed{"0.2.0", "DC01"}));
    // Version 1 has no record 15: the writer refuses it rather than write what its header denies.
    auto refused = (*w)->append(ForeignBackupAllowed{"DC01", "DC02", "DC02"});
    REQUIRE_FALSE(refused);
    CHECK(refused.status().message().find("format version 1") != std::string::npos);
    // Nor record 16.
    auto refused16 = (*w)->append(DirectoryIdentityRecord{"C:\\Windows\\NTDS\\ntds.dit", std::nullopt, 0U});
    REQUIRE_FALSE(refused16);
    CHECK(refused16.status().message().find("format version 1") != std::string::npos);
    auto after = read_journal((t / "journal").string());
    REQUIRE_MESSAGE(after, after.status().message());
    CHECK(after->format_version == 1);
    CHECK(after->records.size() == 3);
    CHECK(journal_bytes(t).substr(8, 4) == std::string("\x01\x00\x00\x00", 4));
  }

  TEST_CASE("records 15 and 16 in a version-1 journal are corruption, not a torn tail") {
    const std::vector<std::pair<RecordBody, std::string>> cases = {
        {ForeignBackupAllowed{"DC01", "DC02", "DC02"}, "record type 15 (foreign-backup-allowed)"},
        {DirectoryIdentityRecord{"", std::nullopt, 1U}, "record type 16 (directory-identity)"}};
    for (const auto& [body, name] : cases) {
      CAPTURE(name);
      RawJournal j(1);
      j.add(sample_start());
      j.add(body);
      auto c = parse_journal(j.bytes, "j");
      REQUIRE_FALSE(c);
      CHECK(c.status().message().find(name + " does not exist in journal format version 1") != std::string::npos);
    }
  }

  TEST_CASE("the writer never lets time go backwards even when the clock does") {
    TempDir t;
    std::int64_t now = 5000;
    auto w = JournalWriter::create(state_dir(t), [&now] { return now; });
    REQUIRE(w);
    REQUIRE((*w)->append(sample_start()));
    now = 1000;  // the clock steps back (NTP, a restart with a wrong RTC)
    auto r = (*w)->append(Note{NoteLevel::info, "after the step back"});
    REQUIRE(r);
    CHECK(r->time_ms == 5000);
    CHECK(read_journal((t / "journal").string()));
  }

  TEST_CASE("create refuses to replace an existing journal") {
    TempDir t;
    testing::write_sample_journal(state_dir(t));
    auto w = JournalWriter::create(state_dir(t));
    REQUIRE_FALSE(w);
    CHECK(w.status().message().find("cannot create the journal") != std::string::npos);
  }

  TEST_CASE("open continues the journal with the next sequence number and link") {
    TempDir t;
    testing::write_sample_journal(state_dir(t));
    JournalContents before;
    auto w = JournalWriter::open(state_dir(t), &before);
    REQUIRE(w);
    CHECK((*w)->next_seq() == before.records.size() + 1);
    REQUIRE((*w)->append(StepStarted{"preflight.host", 2}));
    auto c = read_journal((t / "journal").string());
    REQUIRE_MESSAGE(c, c.status().message());
    CHECK(c->records.size() == before.records.size() + 1);
    CHECK(c->state.step("preflight.host").attempts == 2);
  }

  TEST_CASE("the writer refuses a record the reader would call impossible and writes nothing") {
    TempDir t;
    auto w = JournalWriter::create(state_dir(t));
    REQUIRE(w);
    REQUIRE((*w)->append(sample_start()));
    const std::string before = journal_bytes(t);
    auto r = (*w)->append(StepFinished{"files.copy", StepOutcome::succeeded, std::nullopt, 0, ""});
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::internal);
    CHECK(r.status().message().find("not running") != std::string::npos);
    auto bad_path = (*w)->append(FileDone{"ntds.dit", 1, std::string(64, 'c')});
    REQUIRE_FALSE(bad_path);
    CHECK(bad_path.status().message().find("not an absolute Windows path") != std::string::npos);
    CHECK(journal_bytes(t) == before);
  }

  TEST_CASE("a journal from a newer format version is refused") {
    std::string b = encode_header();
    b[8] = static_cast<char>(k_journal_format_version + 1);
    auto c = parse_journal(b, "journal");
    REQUIRE_FALSE(c);
    CHECK(c.status().code() == Code::corrupt);
    CHECK(c.status().message().find("version " + std::to_string(k_journal_format_version + 1) + " is newer") !=
          std::string::npos);
  }

  TEST_CASE("the first directory-identity record is the identity before the restore") {
    TempDir t;
    auto w = JournalWriter::create(state_dir(t));
    REQUIRE(w);
    REQUIRE((*w)->append(testing::sample_bodies().front()));
    REQUIRE((*w)->append(DirectoryIdentityRecord{"C:\\Windows\\NTDS\\ntds.dit", std::string("a"), 4U}));
    REQUIRE((*w)->append(DirectoryIdentityRecord{"E:\\NTDS\\ntds.dit", std::string("b"), 5U}));
    auto c = read_journal((t / "journal").string());
    REQUIRE_MESSAGE(c, c.status().message());
    REQUIRE(c->state.identity_before.has_value());
    const auto* first = c->state.identity_before->as<DirectoryIdentityRecord>();
    REQUIRE(first);
    CHECK(first->invocation_id == std::optional<std::string>("a"));
    CHECK(first->restore_count == std::optional<std::uint64_t>(4));
  }

  TEST_CASE("a file with a bad magic number is refused") {
    std::string b = encode_header();
    b[0] = 'X';
    auto c = parse_journal(b, "journal");
    REQUIRE_FALSE(c);
    CHECK(c.status().message().find("bad magic number at offset 0") != std::string::npos);
    auto short_bad = parse_journal("ADRX", "journal");
    REQUIRE_FALSE(short_bad);
  }

  TEST_CASE("a damaged header checksum is refused") {
    std::string b = encode_header();
    b[13] ^= 0x01;
    auto c = parse_journal(b, "journal");
    REQUIRE_FALSE(c);
    CHECK(c.status().message().find("header is damaged") != std::string::npos);
  }

  TEST_CASE("a header-only journal holds no records and no warnings") {
    auto c = parse_journal(encode_header(), "journal");
    REQUIRE(c);
    CHECK(c->records.empty());
    CHECK(c->warnings.empty());
    CHECK(c->valid_end == k_journal_header_size);
  }

  TEST_CASE("records with valid checksums but impossible content stop the reader with offset and number") {
    struct Case {
      const char* name;
      std::function<void(RawJournal&)> build;
      const char* expect;
    };
    const std::vector<Case> cases = {
        {"step-finished without step-started",
         [](RawJournal& j) { j.add(StepFinished{"files.copy", StepOutcome::succeeded, std::nullopt, 1, ""}); },
         "which is not running"},
        {"unknown record type", [](RawJournal& j) { j.add_raw(99, "{}"); }, "unknown record type 99"},
        {"missing field",
         [](RawJournal& j) { j.add_raw(3, R"({"type":"step-started","time_ms":1000,"step":"x"})"); },
         "missing field \"attempt\""},
        {"unknown field",
         [](RawJournal& j) {
           j.add_raw(3, R"({"type":"step-started","time_ms":1000,"step":"x","attempt":1,"extra":true})");
         },
         "unknown field \"extra\""},
        {"type name disagrees with the frame",
         [](RawJournal& j) { j.add_raw(3, R"({"type":"note","time_ms":1000,"level":"info","text":"x"})"); },
         "the frame says step-started"},
        {"payload not JSON", [](RawJournal& j) { j.add_raw(13, "{not json"); }, "not valid JSON"},
        {"deeply nested payload", [](RawJournal& j) { j.add_raw(13, std::string(100, '[') + std::string(100, ']')); },
         "nests deeper"},
        {"progress offset going backwards",
         [](RawJournal& j) {
           j.add(FileProgress{"E:\\NTDS\\ntds.dit", 200, 0});
           j.add(FileProgress{"E:\\NTDS\\ntds.dit", 100, 1});
         },
         "goes back from offset 200 to 100"},
        {"progress skipping a chunk",
         [](RawJournal& j) { j.add(FileProgress{"E:\\NTDS\\ntds.dit", 200, 1}); }, "where chunk 0 comes next"},
        {"time going backwards", [](RawJournal& j) { j.add(Note{NoteLevel::info, "x"}, 10); }, "earlier than"},
        {"a second run-started", [](RawJournal& j) { j.add(sample_start()); }, "a second run-started"},
        {"a step attempt out of order", [](RawJournal& j) { j.add(StepStarted{"preflight.host", 2}); },
         "attempt 2 follows 0"},
        {"context closed twice",
         [](RawJournal& j) {
           j.add(ContextOpened{});
           j.add(ContextClosed{});
           j.add(ContextClosed{});
         },
         "without an open backup context"},
        {"records after run-finished without run-resumed",
         [](RawJournal& j) {
           j.add(RunFinished{RunOutcome::succeeded});
           j.add(StepStarted{"x", 1});
         },
         "after run-finished"},
        {"sequence gap",
         [](RawJournal& j) {
           ++j.seq;
           j.add(Note{NoteLevel::info, "x"});
         },
         "sequence number 3 where 2 belongs"},
        {"broken back-link",
         [](RawJournal& j) {
           j.links.crc ^= 1;
           j.add(Note{NoteLevel::info, "x"});
         },
         "broken back-link"},
        {"quarantine without a destination",
         [](RawJournal& j) {
           j.add_raw(7, R"({"type":"file-cleared","time_ms":1000,"file":"E:\\a","action":"quarantine","to":""})");
         },
         "needs field \"to\""},
    };
    for (const Case& tc : cases) {
      CAPTURE(tc.name);
      RawJournal j;
      j.add(sample_start());
      tc.build(j);
      // The checksum is right, so even as the last record this is corruption, not a torn tail.
      auto c = parse_journal(j.bytes, "state/journal");
      REQUIRE_FALSE(c);
      CHECK(c.status().code() == Code::corrupt);
      CHECK_MESSAGE(c.status().message().find(tc.expect) != std::string::npos, c.status().message());
      CHECK_MESSAGE(c.status().message().find("state/journal: record ") == 0, c.status().message());
      CHECK(c.status().message().find("at offset ") != std::string::npos);
    }
  }

  TEST_CASE("the error for an impossible record names its number and byte offset") {
    RawJournal j;
    j.add(sample_start());
    const std::size_t at = j.add(StepFinished{"files.copy", StepOutcome::succeeded, std::nullopt, 1, ""});
    auto c = parse_journal(j.bytes, "journal");
    REQUIRE_FALSE(c);
    CHECK(c.status().message().find("record 2 at offset " + std::to_string(at)) != std::string::npos);
  }

  TEST_CASE("run-resumed closes the steps and the context the dead process had open") {
    RawJournal j;
    j.add(sample_start());
    j.add(StepStarted{"hook.pre.av", 1});
    j.add(ContextOpened{});
    j.add(RunResumed{"0.1.0", "DC01"});
    j.add(StepStarted{"hook.pre.av", 2});
    j.add(ContextOpened{});
    auto c = parse_journal(j.bytes, "journal");
    REQUIRE_MESSAGE(c, c.status().message());
    CHECK(c->state.processes == 2);
    CHECK(c->state.step("hook.pre.av").attempts == 2);
    CHECK(c->state.step("hook.pre.av").running_now());
    CHECK(c->state.context_open);
  }

  TEST_CASE("the journal state tracks copy progress, restarts and done files case-insensitively") {
    RawJournal j;
    j.add(sample_start());
    j.add(FileProgress{"E:\\NTDS\\ntds.dit", 64, 0});
    j.add(FileProgress{"E:\\NTDS\\ntds.dit", 128, 1});
    j.add(FileRestarted{"E:\\NTDS\\ntds.dit", "prefix mismatch"});
    j.add(FileProgress{"E:\\NTDS\\ntds.dit", 64, 0});
    j.add(FileProgress{"F:\\Logs\\edb1.log", 10, 0});
    j.add(FileDone{"F:\\Logs\\edb1.log", 10, std::string(64, 'd')});
    auto c = parse_journal(j.bytes, "journal");
    REQUIRE_MESSAGE(c, c.status().message());
    CHECK(c->state.file("e:\\ntds\\NTDS.DIT").verified_offset == 64);
    CHECK(*c->state.file("E:\\NTDS\\ntds.dit").last_chunk == 0);
    CHECK(c->state.file("F:\\Logs\\edb1.log").done);
    CHECK_FALSE(c->state.file("F:\\Logs\\other.log").done);
  }

  TEST_CASE("UTC times are formatted as RFC 3339 with milliseconds") {
    CHECK(format_utc_ms(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_utc_ms(1795514400123) == "2026-11-24T10:00:00.123Z");
    CHECK(format_utc_ms(951782400000) == "2000-02-29T00:00:00.000Z");
  }
}
