#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "backup/verify.h"
#include "set_fixture.h"

namespace adrestore::backup {
namespace {

using testing::SetFixture;

constexpr std::int64_t k_day = 86400;

VerifyOptions options_at(std::int64_t now = testing::k_fixture_created + 3 * k_day) {
  VerifyOptions o;
  o.now_unix = now;
  o.threads = 2;
  return o;
}

SetVerification verify(SetFixture& set, const VerifyOptions& o = options_at()) {
  return verify_backup_set(set.disks(), set.source(), k_default_manifest_name, o);
}

std::string all_messages(const VerifyResult& r) {
  std::string s;
  for (const VerifyProblem& p : r.problems) s += std::string(to_string(p.kind)) + ": " + p.message + "\n";
  return s;
}

bool has(const VerifyResult& r, ProblemKind kind, const std::string& file = {}) {
  return std::any_of(r.problems.begin(), r.problems.end(),
                     [&](const VerifyProblem& p) { return p.kind == kind && (file.empty() || p.file == file); });
}

TEST_SUITE("backup") {
  TEST_CASE("an intact backup set verifies, reading every byte once") {
    SetFixture set;
    std::uint64_t total = 0;
    for (const ManifestFile& f : set.manifest().files) total += f.size;
    SetVerification v = verify(set);
    INFO(all_messages(v.result));
    CHECK(v.result.ok());
    REQUIRE(v.manifest);
    CHECK(v.result.files_checked == 5);
    CHECK(v.result.bytes_hashed == total);
    CHECK(v.result.notes.empty());
  }

  TEST_CASE("any changed byte of a file is refused, with the chunk and its byte range") {
    // 300 KiB + 17 in 64 KiB chunks: five chunks, the last one short.
    SetFixture set;
    const std::uint64_t size = set.manifest().files[0].size;
    const std::uint64_t chunk = set.manifest().chunk_size;
    std::vector<std::uint64_t> offsets = {0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 4 * chunk, size - 2, size - 1};
    for (std::uint64_t off = 7; off < size; off += 9973) offsets.push_back(off);
    for (std::uint64_t off : offsets) {
      CAPTURE(off);
      set.flip_byte("ntds.dit", off);
      SetVerification v = verify(set);
      set.flip_byte("ntds.dit", off);
      const std::uint64_t index = off / chunk;
      bool named_chunk = false;
      for (const VerifyProblem& p : v.result.problems) {
        if (p.kind == ProblemKind::chunk_hash) {
          CHECK(p.file == "ntds.dit");
          CHECK(*p.chunk == index);
          CHECK(p.first_byte == index * chunk);
          CHECK(p.last_byte == std::min(size, (index + 1) * chunk) - 1);
          CHECK(p.message.find("ntds.dit: chunk " + std::to_string(index) + " (bytes ") == 0);
          named_chunk = true;
        }
      }
      CHECK(named_chunk);
      CHECK(has(v.result, ProblemKind::file_hash, "ntds.dit"));
      CHECK(v.result.problems.size() == 2);
    }
    CHECK(verify(set).result.ok());
  }

  TEST_CASE("a changed byte is found whatever the read size and chunk size") {
    // Chunks smaller than a read (several per block) and larger (several blocks per chunk).
    for (std::uint64_t chunk : {std::uint64_t{64} << 10, std::uint64_t{256} << 10}) {
      SetFixture set(1100 * 1024 + 5, 2, 200000, chunk);
      for (std::size_t read_size : {std::size_t{64} << 10, std::size_t{1} << 20}) {
        for (unsigned threads : {1u, 3u}) {
          VerifyOptions o = options_at();
          o.read_size = read_size;
          o.threads = threads;
          CAPTURE(chunk);
          CAPTURE(read_size);
          CAPTURE(threads);
          CHECK(verify(set, o).result.ok());
          for (std::uint64_t off : {std::uint64_t{0}, chunk * 2 - 1, chunk * 2, std::uint64_t{1100 * 1024 + 4}}) {
            set.flip_byte("ntds.dit", off);
            SetVerification v = verify(set, o);
            set.flip_byte("ntds.dit", off);
            CHECK(has(v.result, ProblemKind::chunk_hash, "ntds.dit"));
            CHECK(has(v.result, ProblemKind::file_hash, "ntds.dit"));
          }
          set.flip_byte("logs/edb00002.log", 199999);
          SetVerification v = verify(set, o);
          set.flip_byte("logs/edb00002.log", 199999);
          CHECK(has(v.result, ProblemKind::chunk_hash, "logs/edb00002.log"));
        }
      }
    }
  }

  TEST_CASE("chunk boundaries: exactly N chunks, N chunks + 1 byte, and a bad middle chunk named by its index") {
    // A hash engine that hashed chunks out of order, across a boundary, or dropped the last
    // byte would pass an intact file of one shape and fail another; each shape is checked
    // intact and with one chunk changed, for reads smaller than, equal to and larger than a
    // chunk, on one thread and on several, hashing from a mapping and from read buffers.
    const std::uint64_t chunk = 64 << 10;
    for (std::uint64_t size : {7 * chunk, 7 * chunk + 1, 8 * chunk - 1}) {
      SetFixture set(static_cast<std::size_t>(size), 1, 5000, chunk);  // a log holds its 4 KiB ESE header
      const std::uint64_t chunks = (size + chunk - 1) / chunk;
      REQUIRE(set.manifest().files[0].chunk_sha256.size() == chunks);
      for (std::size_t read_size : {std::size_t{64} << 10, std::size_t{256} << 10, std::size_t{4} << 20}) {
        for (unsigned threads : {1u, 2u, 5u}) {
         for (bool map : {true, false}) {
          CAPTURE(size);
          CAPTURE(read_size);
          CAPTURE(threads);
          CAPTURE(map);
          VerifyOptions o = options_at();
          o.read_size = read_size;
          o.threads = threads;
          o.map_source = map;
          SetVerification intact = verify(set, o);
          INFO(all_messages(intact.result));
          CHECK(intact.result.ok());
          for (std::uint64_t bad : {std::uint64_t{3}, chunks - 1}) {
            const std::uint64_t off = bad == chunks - 1 ? size - 1 : bad * chunk + chunk / 2;
            set.flip_byte("ntds.dit", off);
            SetVerification v = verify(set, o);
            set.flip_byte("ntds.dit", off);
            std::vector<std::uint64_t> named;
            for (const VerifyProblem& p : v.result.problems) {
              if (p.kind != ProblemKind::chunk_hash) continue;
              named.push_back(*p.chunk);
              CHECK(p.first_byte == bad * chunk);
              CHECK(p.last_byte == std::min(size, (bad + 1) * chunk) - 1);
            }
            CHECK(named == std::vector<std::uint64_t>{bad});
            CHECK(has(v.result, ProblemKind::file_hash, "ntds.dit"));
          }
         }
        }
      }
    }
  }

  TEST_CASE("a single-chunk file that changed is refused as chunk 0 and as a whole") {
    SetFixture set;
    for (std::uint64_t off : {0, 4095, 8191}) {
      set.flip_byte("edb.chk", off);
      SetVerification v = verify(set);
      set.flip_byte("edb.chk", off);
      CHECK(has(v.result, ProblemKind::chunk_hash, "edb.chk"));
      CHECK(has(v.result, ProblemKind::file_hash, "edb.chk"));
    }
  }

  TEST_CASE("a size changed in the manifest is refused") {
    SetFixture set;
    for (std::int64_t delta : {-1, 1, -17, 65536}) {
      auto doc = nlohmann::ordered_json::parse(serialize_manifest(set.manifest()));
      doc["files"][0]["size"] = static_cast<std::int64_t>(doc["files"][0]["size"].get<std::int64_t>() + delta);
      set.write_manifest_text(doc.dump(2));
      CHECK_FALSE(verify(set).result.ok());
      // With the chunk list fixed up to match, the file itself gives the size away.
      Manifest m = set.manifest();
      m.files[0].size = static_cast<std::uint64_t>(static_cast<std::int64_t>(m.files[0].size) + delta);
      m.files[0].chunk_sha256.resize(expected_chunk_count(m.files[0].size, m.chunk_size), std::string(64, 'a'));
      set.write_manifest_text(serialize_manifest(m));
      SetVerification v = verify(set);
      CHECK(has(v.result, ProblemKind::size, "ntds.dit"));
    }
  }

  TEST_CASE("every digit of a whole-file hash in the manifest matters") {
    SetFixture set;
    const std::string good = set.manifest().files[0].sha256;
    for (std::size_t i = 0; i < 64; ++i) {
      Manifest m = set.manifest();
      m.files[0].sha256[i] = good[i] == '0' ? '1' : '0';
      set.write_manifest_text(serialize_manifest(m));
      SetVerification v = verify(set);
      CAPTURE(i);
      REQUIRE(v.result.problems.size() == 1);
      CHECK(v.result.problems[0].kind == ProblemKind::file_hash);
      CHECK(v.result.problems[0].message.find("manifest's sha256 field itself was altered") != std::string::npos);
    }
  }

  TEST_CASE("every digit of every chunk hash in the manifest matters") {
    SetFixture set;
    for (std::size_t c = 0; c < set.manifest().files[0].chunk_sha256.size(); ++c) {
      for (std::size_t i = 0; i < 64; i += 7) {
        Manifest m = set.manifest();
        std::string& h = m.files[0].chunk_sha256[c];
        h[i] = h[i] == 'f' ? 'e' : 'f';
        set.write_manifest_text(serialize_manifest(m));
        SetVerification v = verify(set);
        CAPTURE(c);
        CAPTURE(i);
        REQUIRE(v.result.problems.size() == 1);
        CHECK(v.result.problems[0].kind == ProblemKind::chunk_hash);
        CHECK(*v.result.problems[0].chunk == c);
      }
    }
  }

  TEST_CASE("a manifest path that names a missing file or leaves the set is refused") {
    SetFixture set;
    Manifest m = set.manifest();
    m.files[1].path = "logs/edb99999.log";
    set.write_manifest_text(serialize_manifest(m));
    SetVerification v = verify(set);
    CHECK(has(v.result, ProblemKind::missing, "logs/edb99999.log"));
    // The real file is now an extra entry.
    CHECK(v.result.notes.size() == 1);

    m.files[1].path = "../2026-11-19/ntds.dit";
    set.write_manifest_text(serialize_manifest(m));
    v = verify(set);
    REQUIRE_FALSE(v.result.ok());
    CHECK(v.result.problems[0].kind == ProblemKind::manifest);
    CHECK(v.result.problems[0].message.find("files[1].path: '../2026-11-19/ntds.dit' has a '..' segment") !=
          std::string::npos);
    CHECK_FALSE(v.manifest);
  }

  TEST_CASE("a missing, damaged or absent manifest is refused") {
    SetFixture set;
    std::filesystem::remove(set.manifest_path());
    SetVerification v = verify(set);
    REQUIRE(v.result.problems.size() == 1);
    CHECK(v.result.problems[0].kind == ProblemKind::manifest);
    CHECK(v.result.problems[0].message.find("has no manifest adrestore-backup.json") != std::string::npos);

    set.write_manifest_text("{\"formatVersion\": 1,");
    v = verify(set);
    CHECK(v.result.problems[0].message.find("D:\\Backups\\DC01\\2026-11-20\\adrestore-backup.json:1:") == 0);

    std::filesystem::remove_all(set.set_dir());
    v = verify(set);
    REQUIRE(v.result.problems.size() == 1);
    CHECK(v.result.problems[0].kind == ProblemKind::set_folder);
  }

  TEST_CASE("a backup older than maxAge or from the future is refused") {
    SetFixture set;
    VerifyOptions o = options_at(testing::k_fixture_created + 181 * k_day);
    SetVerification v = verify(set, o);
    REQUIRE(v.result.problems.size() == 1);
    CHECK(v.result.problems[0].kind == ProblemKind::too_old);
    CHECK(v.result.problems[0].message.find("181.0 days ago; maxAge allows 180.0 days") != std::string::npos);

    o.max_age_seconds = 200 * k_day;
    CHECK(verify(set, o).result.ok());

    o = options_at(testing::k_fixture_created - 3600);
    v = verify(set, o);
    REQUIRE(v.result.problems.size() == 1);
    CHECK(v.result.problems[0].kind == ProblemKind::in_future);

    o = options_at(testing::k_fixture_created - 60);  // within the allowed clock skew
    CHECK(verify(set, o).result.ok());
  }

  TEST_CASE("a folder or device where a file should be is refused") {
    SetFixture set;
    std::filesystem::remove(set.file("edb.chk"));
    std::filesystem::create_directory(set.file("edb.chk"));
    SetVerification v = verify(set);
    CHECK(has(v.result, ProblemKind::not_regular, "edb.chk"));
  }

  TEST_CASE("extra files in the set folder are notes, not problems") {
    SetFixture set;
    testing::write_file(set.file("README.txt"), "hello");
    std::filesystem::create_directories(set.file("old/deeper"));
    testing::write_file(set.file("old/deeper/x.log"), "x");
    testing::write_file(set.file("logs/stray.tmp"), "x");
    SetVerification v = verify(set);
    CHECK(v.result.ok());
    REQUIRE(v.result.notes.size() == 3);
    CHECK(v.result.notes[0].find("'README.txt' in the backup set folder is not in the manifest") == 0);
    CHECK(v.result.notes[1].find("'logs/stray.tmp'") == 0);
    CHECK(v.result.notes[2].find("'old/'") == 0);
  }

  TEST_CASE("a subset verifies only the files named, as resume asks") {
    SetFixture set;
    set.flip_byte("logs/edb00001.log", 5);
    VerifyOptions o = options_at();
    o.only = std::vector<std::string>{"ntds.dit", "LOGS/edb00002.log"};
    SetVerification v = verify(set, o);
    CHECK(v.result.ok());
    CHECK(v.result.files_checked == 2);
    o.only = std::vector<std::string>{"logs/edb00001.log"};
    CHECK(has(verify(set, o).result, ProblemKind::chunk_hash, "logs/edb00001.log"));
    o.only = std::vector<std::string>{"nope.log"};
    CHECK(has(verify(set, o).result, ProblemKind::usage, "nope.log"));
  }

  TEST_CASE("the cheap check finds missing and resized files without reading them") {
    SetFixture set;
    VerifyOptions o = options_at();
    o.depth = VerifyDepth::cheap;
    set.flip_byte("ntds.dit", 100);
    SetVerification v = verify(set, o);
    CHECK(v.result.ok());
    CHECK(v.result.bytes_hashed == 0);
    std::filesystem::resize_file(set.file("edb.chk"), 100);
    std::filesystem::remove(set.file("logs/edb00003.log"));
    v = verify(set, o);
    CHECK(has(v.result, ProblemKind::size, "edb.chk"));
    CHECK(has(v.result, ProblemKind::missing, "logs/edb00003.log"));
    CHECK(v.result.problems.size() == 2);
  }

  TEST_CASE("an empty file in the set verifies") {
    SetFixture set;
    set.add("patch/edb.pat", FileKind::patch, "C:\\Windows\\NTDS\\edb.pat", "");
    set.write_manifest();
    CHECK(set.manifest().files.back().chunk_sha256.empty());
    CHECK(verify(set).result.ok());
    testing::write_file(set.file("patch/edb.pat"), "x");
    CHECK(has(verify(set).result, ProblemKind::size, "patch/edb.pat"));
  }

  TEST_CASE("cancelling stops the check and says so") {
    SetFixture set;
    std::atomic<bool> cancel{true};
    VerifyOptions o = options_at();
    o.cancel = &cancel;
    SetVerification v = verify(set, o);
    CHECK(v.result.cancelled);
    CHECK(has(v.result, ProblemKind::cancelled));
    CHECK(v.result.bytes_hashed == 0);
  }

  TEST_CASE("progress reports reach the total") {
    SetFixture set;
    std::uint64_t last_done = 0;
    std::uint64_t last_total = 0;
    int calls = 0;
    VerifyOptions o = options_at();
    o.read_size = 64 << 10;
    o.progress = [&](std::uint64_t done, std::uint64_t total) {
      CHECK(done > last_done);
      last_done = done;
      last_total = total;
      ++calls;
    };
    CHECK(verify(set, o).result.ok());
    CHECK(calls > 5);
    CHECK(last_done == last_total);
  }

  TEST_CASE("a manifest without an expiry token cannot pass verify") {
    SetFixture set;
    Manifest m = set.manifest();
    m.expiry_token_base64.clear();
    VerifyResult r = verify_files(set.disks(), set.source(), m, options_at());
    CHECK(has(r, ProblemKind::expiry_token));
  }
}

}  // namespace
}  // namespace adrestore::backup
