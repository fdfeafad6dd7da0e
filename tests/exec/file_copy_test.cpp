#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <random>

#include "exec/file_copy.h"
#include "fault_disks.h"
#include "sim/sim_disks.h"
#include "support.h"
#include "winpath_util.h"

using namespace adrestore;
using namespace adrestore::exec;
using adrestore::testing::TempDir;
using adrestore::testing::wp;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t k_chunk = 64 * 1024;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

// What the journal would hold, kept in memory.
struct Log {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> chunks;  // (chunk, offset)
  std::vector<std::string> restarts;
  std::vector<std::string> done;
  CopyProgress last_progress;
  FileCopyState state;  // of the single file, as RunState would fold it
};

// A backup set in D:\backup and a DC with E:\NTDS, in a simulated world.
struct CopyWorld {
  TempDir t;
  sim::SimDisks disks{t.path().string()};
  Log log;
  CopyOptions options;

  CopyWorld() {
    options.buffer_size = 16 * 1024;  // several buffers per chunk
    options.buffers = 3;
  }

  CopyItem backup(const std::string& name, const std::string& content, const std::string& dest = "E:\\NTDS") {
    t.write("fs/D/backup/" + name, content);
    CopyItem item;
    item.name = name;
    item.source = wp("D:\\backup\\" + name);
    item.destination = wp(dest + "\\" + name);
    item.size = content.size();
    item.sha256 = platform::sha256(content);
    item.chunk_size = k_chunk;
    for (std::size_t off = 0; off < content.size(); off += k_chunk) {
      item.chunk_sha256.push_back(platform::sha256(content.substr(off, k_chunk)));
    }
    return item;
  }
  fs::path host(const std::string& rel) const { return t / rel; }

  CopyCallbacks callbacks(std::function<Status(std::uint64_t chunk)> before_chunk = nullptr) {
    CopyCallbacks cb;
    cb.chunk_verified = [this, before_chunk](const CopyItem&, std::uint64_t offset, std::uint64_t chunk) {
      if (before_chunk) {
        if (Status s = before_chunk(chunk); !s) return s;
      }
      log.chunks.emplace_back(chunk, offset);
      log.state.verified_offset = offset;
      log.state.last_chunk = chunk;
      return Status::ok();
    };
    cb.file_restarted = [this](const CopyItem&, const std::string& reason) {
      log.restarts.push_back(reason);
      log.state = FileCopyState{};
      return Status::ok();
    };
    cb.file_done = [this](const CopyItem& item) {
      log.done.push_back(item.destination.str());
      log.state.done = true;
      return Status::ok();
    };
    cb.progress = [this](const CopyProgress& p) { log.last_progress = p; };
    return cb;
  }
};

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("files.copy copies byte for byte, journals every chunk after flushing it, and renames into place") {
    CopyWorld w;
    const std::string data = random_bytes(5 * k_chunk + 1234, 1);
    const std::vector<CopyItem> items{w.backup("ntds.dit", data), w.backup("edb00001.log", random_bytes(1000, 2))};
    Status s = copy_files(w.disks, items, w.callbacks(), w.options);
    REQUIRE_MESSAGE(s, s.message());
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
    CHECK(testing::read_file(w.host("fs/E/NTDS/edb00001.log")).size() == 1000);
    CHECK_FALSE(fs::exists(w.host("fs/E/NTDS/.ntds.dit.adrestore-partial")));
    REQUIRE(w.log.chunks.size() == 7);  // 6 for the database, 1 for the log
    for (std::uint64_t i = 0; i < 5; ++i) CHECK(w.log.chunks[i] == std::make_pair(i, (i + 1) * k_chunk));
    CHECK(w.log.chunks[5] == std::make_pair(std::uint64_t{5}, std::uint64_t{data.size()}));
    CHECK(w.log.done == std::vector<std::string>{"E:\\NTDS\\ntds.dit", "E:\\NTDS\\edb00001.log"});
    CHECK(w.log.last_progress.all_done == data.size() + 1000);
    CHECK(w.log.last_progress.all_total == data.size() + 1000);
  }

  TEST_CASE("files.copy works with buffers larger than a chunk and with an empty file") {
    CopyWorld w;
    w.options.buffer_size = 1 << 20;
    const std::string data = random_bytes(3 * k_chunk, 3);
    Status s = copy_files(w.disks, {w.backup("ntds.dit", data), w.backup("empty.log", "")}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(s, s.message());
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
    CHECK(fs::file_size(w.host("fs/E/NTDS/empty.log")) == 0);
    CHECK(w.log.done.size() == 2);
  }

  TEST_CASE("a chunk that does not match the manifest fails naming the file, the chunk and its bytes") {
    CopyWorld w;
    const std::string data = random_bytes(6 * k_chunk, 4);
    CopyItem item = w.backup("ntds.dit", data);
    std::string damaged = data;
    damaged[3 * k_chunk + 17] ^= 0x01;
    testing::write_file(w.host("fs/D/backup/ntds.dit"), damaged);
    Status s = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_FALSE(s);
    CHECK(s.code() == Code::failed);
    CHECK_MESSAGE(s.message().find("E:\\NTDS\\ntds.dit: SHA-256 mismatch in chunk 3 (bytes 196608-262143)") == 0,
                  s.message());
    CHECK(s.message().find("D:\\backup\\ntds.dit does not match its manifest") != std::string::npos);
    CHECK(w.log.chunks.size() == 3);
    CHECK(w.log.done.empty());
    CHECK_FALSE(fs::exists(w.host("fs/E/NTDS/ntds.dit")));
  }

  TEST_CASE("a backup file that shrinks during the copy fails cleanly, naming it, and a resume can finish later") {
    // The source is read through mappings where the platform has them (POSIX): the ranges
    // mapped ahead of the truncation vanish under the hasher (SIGBUS) or the writer
    // (EFAULT); later ranges are read and come up short. Each way is a clean failure.
    for (const bool mapped : {true, false}) {
      CAPTURE(mapped);
      CopyWorld w;
      w.options.map_source = mapped;
      const std::string data = random_bytes(6 * k_chunk, 21);
      const CopyItem item = w.backup("ntds.dit", data);
      const fs::path source = w.host("fs/D/backup/ntds.dit");
      Status s = copy_files(w.disks, {item}, w.callbacks([&](std::uint64_t chunk) {
                              if (chunk == 0) fs::resize_file(source, k_chunk + 100);
                              return Status::ok();
                            }),
                            w.options);
      REQUIRE_FALSE(s);
      CHECK_MESSAGE(s.message().find("E:\\NTDS\\ntds.dit: ") == 0, s.message());
      CHECK_MESSAGE(s.message().find("D:\\backup\\ntds.dit") != std::string::npos, s.message());
      const bool shrank = s.message().find("shrank while it was being copied") != std::string::npos;
      const bool ended = s.message().find("ends at offset " + std::to_string(k_chunk + 100)) != std::string::npos;
      CHECK_MESSAGE((shrank || ended), s.message());
      CHECK(w.log.done.empty());
      CHECK_FALSE(fs::exists(w.host("fs/E/NTDS/ntds.dit")));

      // Put the backup file back: the resume re-checks the journaled prefix and completes.
      testing::write_file(source, data);
      CopyItem again = item;
      again.resume = w.log.state;
      s = copy_files(w.disks, {again}, w.callbacks(), w.options);
      REQUIRE_MESSAGE(s, s.message());
      CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
    }
  }

  TEST_CASE("a resumed copy re-checks the verified prefix, drops what follows it, and reads the source from there") {
    CopyWorld w;
    const std::string data = random_bytes(6 * k_chunk + 99, 5);
    CopyItem item = w.backup("ntds.dit", data);
    // First run: the process "dies" while journaling chunk 3 (after chunk 3's data was written).
    Status first = copy_files(w.disks, {item}, w.callbacks([](std::uint64_t c) {
      return c == 3 ? Status::error(Code::io, "simulated crash") : Status::ok();
    }),
                              w.options);
    REQUIRE_FALSE(first);
    CHECK(w.log.state.verified_offset == 3 * k_chunk);
    const fs::path partial = w.host("fs/E/NTDS/.ntds.dit.adrestore-partial");
    CHECK(fs::file_size(partial) >= 4 * k_chunk);
    // Unjournaled bytes after the prefix must not survive.
    std::string p = testing::read_file(partial);
    p += "garbage written by a dying process";
    testing::write_file(partial, p);

    testing::FaultDisks counting(w.disks);
    item.resume = w.log.state;
    Status second = copy_files(counting, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(second, second.message());
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
    CHECK(w.log.restarts.empty());
    CHECK(counting.lowest_read("D:\\backup\\ntds.dit") == 3 * k_chunk);  // the prefix came from the partial
    CHECK(w.log.chunks.back().first == 6);
    CHECK(w.log.chunks[3] == std::make_pair(std::uint64_t{3}, 4 * k_chunk));
  }

  TEST_CASE("a partial copy whose prefix no longer matches starts that file over") {
    CopyWorld w;
    const std::string data = random_bytes(4 * k_chunk, 6);
    CopyItem item = w.backup("ntds.dit", data);
    Status first = copy_files(w.disks, {item}, w.callbacks([](std::uint64_t c) {
      return c == 2 ? Status::error(Code::io, "simulated crash") : Status::ok();
    }),
                              w.options);
    REQUIRE_FALSE(first);
    const fs::path partial = w.host("fs/E/NTDS/.ntds.dit.adrestore-partial");
    std::string p = testing::read_file(partial);
    p[k_chunk + 5] ^= 0x20;  // bit rot in chunk 1
    testing::write_file(partial, p);

    testing::FaultDisks counting(w.disks);
    item.resume = w.log.state;
    w.log.chunks.clear();
    Status second = copy_files(counting, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(second, second.message());
    REQUIRE(w.log.restarts.size() == 1);
    CHECK(w.log.restarts[0].find("chunk 1 (bytes 65536-131071)") != std::string::npos);
    CHECK(counting.lowest_read("D:\\backup\\ntds.dit") == 0);
    CHECK(w.log.chunks.front().first == 0);
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
    CHECK(w.log.last_progress.all_done == data.size());
  }

  TEST_CASE("journaled progress without its partial copy starts the file over") {
    CopyWorld w;
    const std::string data = random_bytes(2 * k_chunk, 7);
    CopyItem item = w.backup("ntds.dit", data);
    item.resume.verified_offset = k_chunk;
    item.resume.last_chunk = 0;
    Status s = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(s, s.message());
    REQUIRE(w.log.restarts.size() == 1);
    CHECK(w.log.restarts[0].find("is missing") != std::string::npos);
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
  }

  TEST_CASE("a full disk fails the copy resumably, and a resume after freeing space completes it") {
    CopyWorld w;
    const std::string data = random_bytes(8 * k_chunk, 8);
    CopyItem item = w.backup("ntds.dit", data);
    std::uint64_t written = 0;
    w.disks.set_write_gate([&written](const WinPath&, std::uint64_t bytes) {
      if (written + bytes > 5 * k_chunk + 100) return Status::error(Code::io, "no space left on device");
      written += bytes;
      return Status::ok();
    });
    Status first = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_FALSE(first);
    CHECK(first.code() == Code::io);
    CHECK_MESSAGE(first.message().find("E:\\NTDS\\ntds.dit: write failed at offset 327680: no space left on device") == 0,
                  first.message());
    CHECK(w.log.state.verified_offset == 5 * k_chunk);

    w.disks.set_write_gate([](const WinPath&, std::uint64_t) { return Status::ok(); });  // space freed
    item.resume = w.log.state;
    Status second = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(second, second.message());
    CHECK(w.log.restarts.empty());
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
  }

  TEST_CASE("a full disk, a read-only file system or a denied write in the middle of a copy keeps its cause and resumes") {
    struct Cause {
      Code code;
      const char* text;
    };
    for (const Cause& cause : {Cause{Code::no_space, "no space left on device"}, Cause{Code::access_denied, "read-only file system"},
                               Cause{Code::access_denied, "Permission denied"}}) {
      CAPTURE(std::string(cause.text));
      CopyWorld w;
      const std::string data = random_bytes(6 * k_chunk, 12);
      CopyItem item = w.backup("ntds.dit", data);
      std::uint64_t written = 0;
      w.disks.set_write_gate([&written, cause](const WinPath&, std::uint64_t bytes) {
        if (written + bytes > 3 * k_chunk + 100) return Status::error(cause.code, cause.text);
        written += bytes;
        return Status::ok();
      });
      Status first = copy_files(w.disks, {item}, w.callbacks(), w.options);
      REQUIRE_FALSE(first);
      // The code decides the HRESULT files.copy hands to DsRestoreRegisterComplete.
      CHECK(first.code() == cause.code);
      CHECK_MESSAGE(first.message().find("E:\\NTDS\\ntds.dit: write failed at offset 196608: " + std::string(cause.text)) == 0,
                    first.message());
      CHECK(w.log.state.verified_offset == 3 * k_chunk);
      CHECK(w.log.done.empty());
      CHECK_FALSE(fs::exists(w.host("fs/E/NTDS/ntds.dit")));

      w.disks.set_write_gate([](const WinPath&, std::uint64_t) { return Status::ok(); });  // the cause fixed
      item.resume = w.log.state;
      Status second = copy_files(w.disks, {item}, w.callbacks(), w.options);
      REQUIRE_MESSAGE(second, second.message());
      CHECK(w.log.restarts.empty());
      CHECK(w.log.chunks.front().first == 0);
      CHECK(w.log.chunks.back().first == 5);
      CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
    }
  }

  TEST_CASE("an error opening the partial copy fails cleanly with the file named") {
    CopyWorld w;
    CopyItem item = w.backup("ntds.dit", random_bytes(k_chunk, 9));
    testing::FaultDisks faulty(w.disks);
    faulty.on_open = [](const WinPath& p, platform::File::Mode) {
      if (p.file_name().find("partial") != std::string::npos) return Status::error(Code::io, "read-only file system");
      return Status::ok();
    };
    Status s = copy_files(faulty, {item}, w.callbacks(), w.options);
    REQUIRE_FALSE(s);
    CHECK(s.message().find("E:\\NTDS\\ntds.dit: cannot open the partial copy: read-only file system") == 0);
    CHECK(w.log.chunks.empty());
  }

  TEST_CASE("a failed rename into place leaves a verified partial that a resume puts in place") {
    CopyWorld w;
    const std::string data = random_bytes(3 * k_chunk, 10);
    CopyItem item = w.backup("ntds.dit", data);
    testing::FaultDisks faulty(w.disks);
    faulty.on_rename = [](const WinPath&, const WinPath&) { return Status::error(Code::io, "Access is denied"); };
    Status first = copy_files(faulty, {item}, w.callbacks(), w.options);
    REQUIRE_FALSE(first);
    CHECK(first.message().find("cannot move the verified copy into place: Access is denied") != std::string::npos);
    CHECK(w.log.state.verified_offset == data.size());

    testing::FaultDisks counting(w.disks);
    item.resume = w.log.state;
    Status second = copy_files(counting, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(second, second.message());
    CHECK(counting.opens_of("r D:\\backup\\ntds.dit") == 1);
    CHECK(counting.lowest_read("D:\\backup\\ntds.dit") == UINT64_MAX);  // nothing left to read
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
  }

  TEST_CASE("a file renamed into place just before a crash is verified and journaled, not copied again") {
    CopyWorld w;
    const std::string data = random_bytes(2 * k_chunk + 5, 11);
    CopyItem item = w.backup("ntds.dit", data);
    w.t.write("fs/E/NTDS/ntds.dit", data);  // the rename happened; file-done was never journaled
    item.resume.verified_offset = data.size();
    item.resume.last_chunk = 2;
    testing::FaultDisks counting(w.disks);
    Status s = copy_files(counting, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(s, s.message());
    CHECK(counting.opens_of("r D:\\backup\\ntds.dit") == 0);
    CHECK(w.log.done.size() == 1);
    CHECK(w.log.chunks.empty());
  }

  TEST_CASE("files already done are skipped, and one that changed since is refused") {
    CopyWorld w;
    const std::string data = random_bytes(k_chunk, 12);
    CopyItem item = w.backup("ntds.dit", data);
    w.t.write("fs/E/NTDS/ntds.dit", data);
    item.resume.done = true;
    testing::FaultDisks counting(w.disks);
    Status s = copy_files(counting, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(s, s.message());
    CHECK(counting.opened.empty());
    CHECK(w.log.last_progress.all_done == data.size());

    w.t.write("fs/E/NTDS/ntds.dit", "shorter");
    Status changed = copy_files(counting, {item}, w.callbacks(), w.options);
    REQUIRE_FALSE(changed);
    CHECK(changed.message().find("records it as copied and verified, but it is now 7 bytes") != std::string::npos);
  }

  TEST_CASE("cancellation stops after a verified chunk and a resume finishes the file") {
    CopyWorld w;
    const std::string data = random_bytes(5 * k_chunk, 13);
    CopyItem item = w.backup("ntds.dit", data);
    std::atomic<bool> cancel{false};
    w.options.cancel = &cancel;
    Status first = copy_files(w.disks, {item}, w.callbacks([&cancel](std::uint64_t c) {
      if (c == 1) cancel = true;  // Ctrl-C arrives while chunk 1 is being journaled
      return Status::ok();
    }),
                              w.options);
    REQUIRE_FALSE(first);
    CHECK(first.code() == Code::interrupted);
    CHECK(first.message().find("stopped after chunk 1") != std::string::npos);
    CHECK(w.log.chunks.size() == 2);

    cancel = false;
    item.resume = w.log.state;
    Status second = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(second, second.message());
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
  }

  TEST_CASE("a backup file whose size differs from the manifest is refused before copying") {
    CopyWorld w;
    CopyItem item = w.backup("ntds.dit", random_bytes(k_chunk, 14));
    testing::write_file(w.host("fs/D/backup/ntds.dit"), "short");
    Status s = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_FALSE(s);
    CHECK(s.message().find("is 5 bytes, but the manifest says 65536") != std::string::npos);
  }

  TEST_CASE("a manifest entry with the wrong number of chunk hashes is invalid input") {
    backup::ManifestFile f;
    f.path = "ntds.dit";
    f.size = 3 * k_chunk;
    f.sha256 = std::string(64, 'a');
    f.chunk_sha256 = {std::string(64, 'b'), std::string(64, 'c')};
    auto item = make_copy_item(f, k_chunk, wp("D:\\backup"), wp("E:\\NTDS\\ntds.dit"));
    REQUIRE_FALSE(item);
    CHECK(item.status().code() == Code::invalid_input);
    f.chunk_sha256.push_back(std::string(64, 'd'));
    f.path = "sub/ntds.dit";
    auto ok = make_copy_item(f, k_chunk, wp("D:\\backup"), wp("E:\\NTDS\\ntds.dit"));
    REQUIRE(ok);
    CHECK(ok->source.str() == "D:\\backup\\sub\\ntds.dit");
    f.path = "../ntds.dit";
    CHECK_FALSE(make_copy_item(f, k_chunk, wp("D:\\backup"), wp("E:\\NTDS\\ntds.dit")));
  }

  TEST_CASE("a manifest whose whole-file hash contradicts its chunk hashes fails at the end of the file") {
    CopyWorld w;
    CopyItem item = w.backup("ntds.dit", random_bytes(3 * k_chunk, 17));
    item.sha256 = platform::sha256("something else");
    Status s = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_FALSE(s);
    CHECK(s.message().find("E:\\NTDS\\ntds.dit: whole-file SHA-256 mismatch") == 0);
    CHECK(s.message().find("every chunk matched") != std::string::npos);
    CHECK(w.log.chunks.size() == 3);
    CHECK(w.log.done.empty());
    CHECK_FALSE(fs::exists(w.host("fs/E/NTDS/ntds.dit")));
  }

  TEST_CASE("with whole-file checking left to backup.verify, the chunk hashes alone decide") {
    CopyWorld w;
    const std::string data = random_bytes(3 * k_chunk + 1, 18);
    CopyItem item = w.backup("ntds.dit", data);
    item.sha256 = platform::sha256("not consulted");
    w.options.whole_file = WholeFileCheck::chunks;
    Status s = copy_files(w.disks, {item}, w.callbacks(), w.options);
    REQUIRE_MESSAGE(s, s.message());
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == data);
  }

  TEST_CASE("two backup files with the same destination are refused before anything is copied") {
    CopyWorld w;
    CopyItem a = w.backup("ntds.dit", random_bytes(100, 15));
    CopyItem b = w.backup("NTDS.DIT.old", random_bytes(100, 16));
    b.destination = wp("e:\\ntds\\NTDS.dit");
    Status s = copy_files(w.disks, {a, b}, w.callbacks(), w.options);
    REQUIRE_FALSE(s);
    CHECK(s.code() == Code::invalid_input);
    CHECK(s.message().find("two backup files go to") != std::string::npos);
    CHECK_FALSE(fs::exists(w.host("fs/E")));
  }

  TEST_CASE("the partial copy is a hidden name in the destination folder") {
    CHECK(partial_path(wp("E:\\NTDS\\ntds.dit")).str() == "E:\\NTDS\\.ntds.dit.adrestore-partial");
  }
}
