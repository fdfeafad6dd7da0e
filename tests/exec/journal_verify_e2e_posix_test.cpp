// issue 18's "done when": a journal edited in the middle and re-checksummed consistently (CRCs,
// back-links and the stored chain recomputed) is caught by `journal verify` against the head
// in the --events file, as are a dropped tail and an appended record.
#include <doctest/doctest.h>

#include <filesystem>

#include "exec/e2e_support.h"
#include "exec/journal.h"
#include "exec/journal_tamper.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;
using e2e::lines_of;

// The heads in an --events file, in order: (seq, hash).
std::vector<std::pair<std::uint64_t, std::string>> heads_of(const fs::path& events) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  for (const std::string& line : lines_of(events)) {
    const nlohmann::json e = nlohmann::json::parse(line);
    if (!e.contains("data") || !e["data"].contains("journalHead")) continue;
    out.emplace_back(e["data"]["journalSeq"].get<std::uint64_t>(), e["data"]["journalHead"].get<std::string>());
  }
  return out;
}

struct VerifiedRun {
  MatrixWorld w{e2e::quick_options()};
  fs::path events = w.tmp / "events.jsonl";
  std::string journal_file = exec::journal_path(w.state.string());
  std::vector<std::pair<std::uint64_t, std::string>> heads;

  VerifiedRun() {
    const RunResult r = w.run({"--events", events.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    heads = heads_of(events);
    REQUIRE(heads.size() > 10);
  }
  RunResult verify(const std::vector<std::string>& extra) const {
    std::vector<std::string> args{"journal", "verify", "--state", w.state.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_adrestore(args);
  }
};

}  // namespace

TEST_SUITE("journal-chain") {
  TEST_CASE("journal verify proves an untouched run against its events file, its last head and status") {
    VerifiedRun v;
    const std::string head = v.heads.back().second;
    const RunResult by_events = v.verify({"--events", v.events.string()});
    CHECK_MESSAGE(by_events.exit_code == 0, (by_events.out + by_events.err));
    CHECK(contains(by_events.out, "proven: all "));
    const RunResult by_head = v.verify({"--head", head});
    CHECK_MESSAGE(by_head.exit_code == 0, (by_head.out + by_head.err));
    const RunResult unproven = v.verify({});
    CHECK(unproven.exit_code == 0);
    CHECK(contains(unproven.out, "unproven: "));
    // status shows the same head, and the last event's head is the journal's.
    const RunResult status = run_adrestore({"status", "--state", v.w.state.string()});
    CHECK_MESSAGE(contains(status.out, "Journal head: sha256 " + head), status.out);
    const RunResult json = run_adrestore({"status", "--state", v.w.state.string(), "--format", "json"});
    CHECK(nlohmann::json::parse(json.out)["journalHead"]["sha256"] == head);
  }

  TEST_CASE("a record edited in the middle and re-checksummed consistently is caught against the events' head") {
    VerifiedRun v;
    auto journal = exec::read_journal(v.journal_file);
    REQUIRE(journal);
    // The forger rewrites files.copy's step-finished: a copy that took longer (or failed) looks fine.
    std::vector<exec::Record> records = journal->records;
    std::uint64_t edited = 0;
    for (exec::Record& r : records) {
      auto* sf = std::get_if<exec::StepFinished>(&r.body);
      if (sf && sf->step == "files.copy") {
        sf->message = "copied by hand";
        edited = r.seq;
      }
    }
    REQUIRE(edited > 5);
    REQUIRE(edited < records.size() - 5);
    write_file(v.journal_file, encode_journal(records));
    // The CRC chain cannot tell: dump reads it without a complaint.
    const RunResult dump = run_adrestore({"journal", "dump", "--state", v.w.state.string()});
    CHECK_MESSAGE(dump.exit_code == 0, dump.err);
    CHECK(contains(dump.out, "copied by hand"));

    const RunResult by_head = v.verify({"--head", v.heads.back().second});
    CHECK(by_head.exit_code == 1);
    CHECK_MESSAGE(contains(by_head.out, "differs: no record's chain hash equals the head"), by_head.out);

    const RunResult by_events = v.verify({"--events", v.events.string(), "--format", "json"});
    CHECK(by_events.exit_code == 1);
    const nlohmann::json doc = nlohmann::json::parse(by_events.out);
    CHECK(doc["verdict"] == "differs");
    // The head published after files.copy ended is the first that fails, the one before it held.
    CHECK(doc["first_differs"]["to"] == edited);
    CHECK(doc["first_differs"]["from"].get<std::uint64_t>() <= edited);
    CHECK(doc["first_differs"]["from"].get<std::uint64_t>() > 1);
    CHECK_MESSAGE(contains(doc["message"].get<std::string>(), "to " + std::to_string(edited)), doc["message"]);
  }

  TEST_CASE("a journal cut short, or with a record appended, is caught against the events' heads") {
    VerifiedRun v;
    auto journal = exec::read_journal(v.journal_file);
    REQUIRE(journal);
    const std::string original = read_file(v.journal_file);

    SUBCASE("records dropped from the end (cut at a frame boundary: no torn tail to notice)") {
      write_file(v.journal_file, original.substr(0, journal->offsets[journal->records.size() - 3]));
      const RunResult r = v.verify({"--events", v.events.string()});
      CHECK(r.exit_code == 1);
      CHECK_MESSAGE(contains(r.out, "ends after record " + std::to_string(journal->records.size() - 3)), r.out);
    }
    SUBCASE("a record appended after the run") {
      exec::JournalContents read;
      auto w = exec::JournalWriter::open(v.w.state.string(), &read);
      REQUIRE(w);
      REQUIRE((*w)->append(exec::Note{exec::NoteLevel::info, "all went well"}));
      const RunResult r = v.verify({"--events", v.events.string()});
      CHECK(r.exit_code == 1);
      CHECK_MESSAGE(contains(r.out, "appended: "), r.out);
      CHECK(contains(r.out, "record " + std::to_string(journal->records.size() + 1) + " follow"));
    }
  }

  TEST_CASE("journal verify's usage errors exit 2") {
    TempDir t;
    CHECK(run_adrestore({"journal", "verify", "--state", t.path().string()}).exit_code == 2);  // no journal
    write_file(t / "events.jsonl", "{\"type\":\"step-finished\"}\nnot json\n");
    const RunResult no_heads = run_adrestore({"journal", "verify", "--state", t.path().string(), "--events",
                                             (t / "events.jsonl").string()});
    CHECK(no_heads.exit_code == 2);
    CHECK(contains(no_heads.err, "holds no journal head"));
    CHECK(run_adrestore({"journal", "verify", "--state", t.path().string(), "--head", "abc"}).exit_code == 2);
  }
}

}  // namespace adrestore::testing
