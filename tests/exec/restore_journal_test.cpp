// files.clear and files.copy wired to the real journal, as the executor wires them: the
// callbacks append records, a "crash" stops the run, and the resume reads its facts back
// from the journal alone.
#include <doctest/doctest.h>

#include <random>

#include "exec/file_clear.h"
#include "exec/file_copy.h"
#include "exec/journal.h"
#include "sim/sim_disks.h"
#include "support.h"
#include "winpath_util.h"

using namespace adrestore;
using namespace adrestore::exec;
using adrestore::testing::TempDir;
using adrestore::testing::wp;

namespace {

constexpr std::uint64_t k_chunk = 64 * 1024;

CopyCallbacks journaling(JournalWriter& j, int crash_at_chunk = -1) {
  CopyCallbacks cb;
  cb.chunk_verified = [&j, crash_at_chunk](const CopyItem& item, std::uint64_t offset, std::uint64_t chunk) {
    if (static_cast<int>(chunk) == crash_at_chunk) return Status::error(Code::io, "power cut");
    auto r = j.append(FileProgress{item.destination.str(), offset, chunk});
    return r ? Status::ok() : r.status();
  };
  cb.file_restarted = [&j](const CopyItem& item, const std::string& reason) {
    auto r = j.append(FileRestarted{item.destination.str(), reason});
    return r ? Status::ok() : r.status();
  };
  cb.file_done = [&j](const CopyItem& item) {
    auto r = j.append(FileDone{item.destination.str(), item.size, platform::to_hex(item.sha256)});
    return r ? Status::ok() : r.status();
  };
  return cb;
}

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("clear and copy resume from nothing but the journal after a crash") {
    TempDir t;
    const std::string state = (t / "state").string();
    std::filesystem::create_directories(state);
    sim::SimDisks disks((t / "world").string());
    std::mt19937 rng(42);
    std::string data(5 * k_chunk + 7, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    t.write("world/fs/D/backup/ntds.dit", data);
    t.write("world/fs/E/NTDS/stale.dit", "stale");

    CopyItem item;
    item.name = "ntds.dit";
    item.source = wp("D:\\backup\\ntds.dit");
    item.destination = wp("E:\\NTDS\\ntds.dit");
    item.size = data.size();
    item.sha256 = platform::sha256(data);
    item.chunk_size = k_chunk;
    for (std::size_t off = 0; off < data.size(); off += k_chunk) {
      item.chunk_sha256.push_back(platform::sha256(data.substr(off, k_chunk)));
    }
    CopyOptions opt;
    opt.buffer_size = 32 * 1024;

    {  // First process: clears, copies three chunks, dies.
      auto j = JournalWriter::create(state);
      REQUIRE(j);
      REQUIRE((*j)->append(RunStarted{"p", "p.yaml", std::string(64, 'a'), "0.1.0", "r1", "sim", "", "DC01", ""}));
      REQUIRE((*j)->append(StepStarted{"files.clear", 1}));
      ClearOptions co;
      co.run_id = "r1";
      auto cleared = clear_destinations(disks, {wp("E:\\NTDS")}, co, [&](const FileCleared& rec) {
        auto r = (*j)->append(rec);
        return r ? Status::ok() : r.status();
      });
      REQUIRE(cleared);
      REQUIRE((*j)->append(StepFinished{"files.clear", StepOutcome::succeeded, std::nullopt, 5, ""}));
      REQUIRE((*j)->append(StepStarted{"files.copy", 1}));
      CHECK_FALSE(copy_files(disks, {item}, journaling(**j, 3), opt));
    }

    // Second process: everything it knows comes from the journal.
    JournalContents read;
    auto j = JournalWriter::open(state, &read);
    REQUIRE_MESSAGE(j, j.status().message());
    CHECK(read.warnings.empty());
    const RunState& st = read.state;
    CHECK(st.succeeded("files.clear"));
    CHECK(st.cleared.size() == 1);
    CHECK(st.step("files.copy").running_now());
    CHECK(st.file("E:\\NTDS\\ntds.dit").verified_offset == 3 * k_chunk);
    REQUIRE((*j)->append(RunResumed{"0.1.0", "DC01"}));
    REQUIRE((*j)->append(StepStarted{"files.copy", 2}));
    item.resume = st.file(item.destination.str());
    Status s = copy_files(disks, {item}, journaling(**j), opt);
    REQUIRE_MESSAGE(s, s.message());
    REQUIRE((*j)->append(StepFinished{"files.copy", StepOutcome::succeeded, std::nullopt, 9, ""}));
    CHECK(testing::read_file(t / "world/fs/E/NTDS/ntds.dit") == data);
    CHECK(testing::read_file(t / "world/fs/E/NTDS.adrestore-quarantine/r1/stale.dit") == "stale");

    auto final_read = read_journal((t / "state/journal").string());
    REQUIRE_MESSAGE(final_read, final_read.status().message());
    CHECK(final_read->state.file("E:\\NTDS\\ntds.dit").done);
    CHECK(final_read->state.succeeded("files.copy"));
  }
}
