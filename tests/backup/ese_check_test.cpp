#include <doctest/doctest.h>

#include <algorithm>

#include "backup/ese_check.h"
#include "backup/verify.h"
#include "set_fixture.h"

namespace adrestore::backup {
namespace {

using testing::SetFixture;

// The fixture: ntds.dit (clean), logs/edb00001..3.log, edb.chk at generation 3.
VerifyResult verify(SetFixture& set) {
  VerifyOptions o;
  o.now_unix = testing::k_fixture_created + 86400;
  o.threads = 2;
  return verify_backup_set(set.disks(), set.source(), k_default_manifest_name, o).result;
}

std::string all_messages(const VerifyResult& r) {
  std::string s;
  for (const VerifyProblem& p : r.problems) s += std::string(to_string(p.kind)) + ": " + p.message + "\n";
  return s;
}

// The only problem of the set, which must be of `kind`.
VerifyProblem only_problem(SetFixture& set, ProblemKind kind) {
  const VerifyResult r = verify(set);
  INFO(all_messages(r));
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].kind == kind);
  return r.problems[0];
}

EseDatabaseHeader fixture_db() {
  EseDatabaseHeader h;
  h.db_signature = testing::fixture_db_signature();
  h.log_signature = testing::fixture_log_signature();
  return h;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_SUITE("ese") {
  TEST_CASE("an intact set passes the ESE checks, clean or dirty with its logs") {
    SetFixture set;
    CHECK(verify(set).ok());
    EseDatabaseHeader db = fixture_db();
    db.state = EseDbState::dirty_shutdown;
    db.required_low = 1;
    db.required_high = 3;
    set.set_header("ntds.dit", write_ese_database_header(db));
    const VerifyResult r = verify(set);
    INFO(all_messages(r));
    CHECK(r.ok());
  }

  TEST_CASE("a log from another database is refused, naming both signatures") {
    SetFixture set;
    EseLogHeader other;
    other.generation = 2;
    other.log_signature = EseSignature::make(0xBAD, "DC02");
    set.set_header("logs/edb00002.log", write_ese_log_header(other));
    const VerifyProblem p = only_problem(set, ProblemKind::ese_foreign_log);
    CHECK(p.file == "logs/edb00002.log");
    CHECK(p.message == "logs/edb00002.log belongs to another database: its log signature 0x00000BAD/DC02 differs from "
                       "ntds.dit's 0x00001061/DC01; AD DS cannot replay it into this database");
  }

  TEST_CASE("a log written for another page size is refused") {
    SetFixture set;
    EseLogHeader h;
    h.generation = 1;
    h.page_size = 4096;
    h.log_signature = testing::fixture_log_signature();
    set.set_header("logs/edb00001.log", write_ese_log_header(h));
    CHECK(has(only_problem(set, ProblemKind::ese_foreign_log).message, "4096-byte pages; ntds.dit has 8192-byte pages"));
  }

  TEST_CASE("a dirty database without the logs it needs is refused") {
    SetFixture set;
    EseDatabaseHeader db = fixture_db();
    db.state = EseDbState::dirty_shutdown;
    db.required_low = 2;
    db.required_high = 5;
    set.set_header("ntds.dit", write_ese_database_header(db));
    const VerifyProblem p = only_problem(set, ProblemKind::ese_logs_missing);
    CHECK(p.file == "ntds.dit");
    CHECK(p.message == "ntds.dit was not shut down cleanly (dirty shutdown) and needs log generations 2..5 to recover, "
                       "but the set lacks generations 4..5 (edb00004.log); AD DS would not start on the restored database");
  }

  TEST_CASE("a gap in the generations is refused, the removed log named") {
    SetFixture set;
    set.remove("logs/edb00002.log");
    set.write_manifest();
    CHECK(only_problem(set, ProblemKind::ese_log_sequence).message ==
          "the logs have a gap: generation 2 (edb00002.log) is missing between edb00001.log and edb00003.log; "
          "recovery stops at the first missing log");
  }

  TEST_CASE("logs that disagree with genLow/genHigh are refused") {
    SetFixture set;
    set.manifest().gen_high = 4;
    set.write_manifest();
    CHECK(has(only_problem(set, ProblemKind::ese_log_sequence).message,
              "the set's logs run from generation 1 to 3, but the manifest records genLow 1 and genHigh 4"));
  }

  TEST_CASE("a log whose header disagrees with its name is refused") {
    SetFixture set;
    set.set_header("logs/edb00003.log", testing::fixture_log_header(9));
    CHECK(only_problem(set, ProblemKind::ese_log_sequence).message ==
          "logs/edb00003.log: its header says log generation 9, but its name says 3; the file was renamed or swapped");
  }

  TEST_CASE("a damaged header is refused even when the manifest was re-hashed") {
    for (const char* rel : {"ntds.dit", "logs/edb00001.log", "edb.chk"}) {
      CAPTURE(rel);
      SetFixture set;
      std::string bytes = testing::read_file(set.file(rel));
      EseHeaderBytes h{};
      std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(h.size()), h.begin());
      h[200] ^= 0xFF;
      set.set_header(rel, h);
      const VerifyProblem p = only_problem(set, ProblemKind::ese_header);
      CHECK(p.file == rel);
      CHECK(has(p.message, "checksum is wrong"));
    }
  }

  TEST_CASE("a file too short for a header is refused") {
    SetFixture set;
    set.replace("edb.chk", "short");
    set.write_manifest();
    CHECK(has(only_problem(set, ProblemKind::ese_header).message, "edb.chk: the file is too short to hold an ESE checkpoint header"));
  }

  TEST_CASE("a checkpoint of another database or past the logs is refused") {
    SetFixture set;
    EseCheckpointHeader chk;
    chk.generation = 3;
    chk.log_signature = EseSignature::make(0xBAD, "DC02");
    set.set_header("edb.chk", write_ese_checkpoint_header(chk));
    CHECK(has(only_problem(set, ProblemKind::ese_checkpoint).message, "edb.chk belongs to another database"));
    chk.log_signature = testing::fixture_log_signature();
    chk.generation = 9;
    set.set_header("edb.chk", write_ese_checkpoint_header(chk));
    CHECK(only_problem(set, ProblemKind::ese_checkpoint).message ==
          "edb.chk points at log generation 9, which the set does not hold (it holds 1..3)");
  }

  TEST_CASE("files that failed their hashes are not read again; a subset check skips ESE") {
    SetFixture set;
    set.flip_byte("logs/edb00002.log", 100);  // inside the header, not re-hashed
    VerifyResult r = verify(set);
    INFO(all_messages(r));
    CHECK(std::none_of(r.problems.begin(), r.problems.end(), [](const VerifyProblem& p) {
      return p.kind == ProblemKind::ese_header || p.kind == ProblemKind::ese_log_sequence;
    }));
    CHECK_FALSE(r.ok());
    set.flip_byte("logs/edb00002.log", 100);
    set.remove("logs/edb00002.log");
    set.write_manifest();
    VerifyOptions o;
    o.now_unix = testing::k_fixture_created;
    o.only = std::vector<std::string>{"ntds.dit"};
    CHECK(verify_files(set.disks(), set.source(), set.manifest(), o).ok());
  }

  TEST_CASE("problems are capped") {
    SetFixture set(300 * 1024, 60, 5000);
    for (int i = 1; i <= 60; ++i) {
      EseLogHeader h;
      h.generation = static_cast<std::uint32_t>(i);
      h.log_signature = EseSignature::make(0xBAD, "DC02");
      set.replace("logs/" + ese_log_name(static_cast<std::uint32_t>(i)), testing::with_ese_header(std::string(5000, 'x'),
                                                                                                write_ese_log_header(h)));
    }
    set.write_manifest();
    const auto problems = check_ese_set(set.disks(), set.source(), set.manifest(), {});
    REQUIRE(problems.size() == k_max_ese_problems + 1);
    CHECK(problems.back().message == "... and 10 more ESE problems");
  }
}

}  // namespace
}  // namespace adrestore::backup
