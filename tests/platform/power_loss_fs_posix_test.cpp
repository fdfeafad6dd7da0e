#include "platform/power_loss_fs.h"

#include <doctest/doctest.h>

#include "support.h"

namespace adrestore::testing {
namespace {

using platform::File;

struct Disk {
  TempDir tmp;
  PowerLossFs fs{platform::system_fs(), tmp.path().string()};
  std::string at(const std::string& name) const { return (tmp / name).string(); }
  bool exists(const std::string& name) const { return std::filesystem::exists(tmp / name); }
  std::string content(const std::string& name) const { return testing::read_file(tmp / name); }
  // Creates `name` with `text` through the file system, syncing the file or not.
  void put(const std::string& name, const std::string& text, bool sync_file) {
    auto f = fs.open(at(name), File::Mode::write_truncate);
    REQUIRE(f);
    REQUIRE((*f)->write_all(text.data(), text.size()));
    if (sync_file) REQUIRE((*f)->sync());
    REQUIRE((*f)->close());
  }
};

}  // namespace

TEST_SUITE("platform") {
  TEST_CASE("a file whose data was never synced is empty after a power cut, though its directory was synced") {
    Disk d;
    d.put("a", "data", false);
    REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK(d.exists("a"));
    CHECK(d.content("a").empty());
  }

  TEST_CASE("a synced file whose directory was not synced loses its name in a power cut") {
    Disk d;
    d.put("a", "data", true);
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK_FALSE(d.exists("a"));
  }

  TEST_CASE("a synced file in a synced directory survives a power cut whole") {
    Disk d;
    d.put("a", "data", true);
    REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK(d.content("a") == "data");
  }

  TEST_CASE("appends after the last sync are lost, and torn at a sector boundary in torn mode") {
    for (auto mode : {PowerLossFs::Mode::lose, PowerLossFs::Mode::torn}) {
      Disk d;
      d.put("a", "head", true);
      REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
      auto f = d.fs.open(d.at("a"), File::Mode::read_write);
      REQUIRE(f);
      const std::string first(1000, 'x');
      const std::string second(2048, 'y');
      REQUIRE((*f)->pwrite_all(first.data(), first.size(), 4));
      REQUIRE((*f)->pwrite_all(second.data(), second.size(), 1004));
      REQUIRE(d.fs.power_cut(mode));
      if (mode == PowerLossFs::Mode::lose) {
        CHECK(d.content("a") == "head");
      } else {
        // The first write whole; of the second (1004..3052) the sectors that end by its
        // middle (2028): up to 1536.
        CHECK(d.content("a") == "head" + first + std::string(1536 - 1004, 'y'));
      }
      CHECK((*f)->sync().code() == Code::io);  // a file opened before the cut stays dead
    }
  }

  TEST_CASE("a rename without a directory sync is undone, and the replaced file comes back") {
    Disk d;
    d.put("old", "old content", true);
    d.put("new.tmp", "new content", true);
    REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
    REQUIRE(d.fs.rename(d.at("new.tmp"), d.at("old")));
    CHECK(d.content("old") == "new content");
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK(d.content("old") == "old content");
    CHECK(d.content("new.tmp") == "new content");
  }

  TEST_CASE("a rename into another directory is atomic: syncing either directory keeps it whole") {
    for (const char* synced : {"from", "to"}) {
      Disk d;
      REQUIRE(platform::create_dirs(d.fs, d.at("from")));
      REQUIRE(platform::create_dirs(d.fs, d.at("to")));
      d.put("from/f", "moved", true);
      REQUIRE(d.fs.sync_dir(d.at("from")));
      REQUIRE(d.fs.rename(d.at("from/f"), d.at("to/f")));
      REQUIRE(d.fs.sync_dir(d.at(synced)));
      REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
      CAPTURE(synced);
      CHECK_FALSE(d.exists("from/f"));
      CHECK(d.content("to/f") == "moved");
    }
  }

  TEST_CASE("write_file_durable survives a power cut right after it returns") {
    Disk d;
    d.put("w", "before", true);
    REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
    REQUIRE(platform::write_file_durable(d.fs, d.at("w"), "after"));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::torn));
    CHECK(d.content("w") == "after");
  }

  TEST_CASE("a removed file comes back unless its directory was synced") {
    Disk d;
    d.put("a", "keep", true);
    REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
    REQUIRE(d.fs.remove(d.at("a")));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK(d.content("a") == "keep");
    REQUIRE(d.fs.remove(d.at("a")));
    REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK_FALSE(d.exists("a"));
  }

  TEST_CASE("a directory made without syncing its parent is gone with its files") {
    Disk d;
    REQUIRE(d.fs.make_dir(d.at("sub")));
    d.put("sub/a", "data", true);
    REQUIRE(d.fs.sync_dir(d.at("sub")));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK_FALSE(d.exists("sub"));
    REQUIRE(platform::create_dirs(d.fs, d.at("sub")));  // syncs the parent
    d.put("sub/a", "data", true);
    REQUIRE(d.fs.sync_dir(d.at("sub")));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK(d.content("sub/a") == "data");
  }

  TEST_CASE("a cut at the n-th sync point stops that sync and every call after it") {
    Disk d;
    d.fs.cut_at_sync(2);
    d.put("a", "one", true);                       // sync 1
    CHECK(d.fs.sync_dir(d.tmp.path().string()).code() == Code::io);  // sync 2: the power goes
    CHECK(d.fs.dead());
    CHECK(d.fs.stat(d.at("a")).status().code() == Code::io);
    CHECK(d.fs.sync_log() == std::vector<std::string>{"file " + d.at("a"), "dir " + d.tmp.path().string()});
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK_FALSE(d.exists("a"));
    CHECK(d.fs.stat(d.at("a")));
  }

  TEST_CASE("a cut at a write offset writes up to the offset, and only synced bytes survive") {
    Disk d;
    d.put("copy", "", true);
    REQUIRE(d.fs.sync_dir(d.tmp.path().string()));
    d.fs.cut_at_write("copy", 1500);
    auto f = d.fs.open(d.at("copy"), File::Mode::read_write);
    REQUIRE(f);
    const std::string chunk(1024, 'c');
    REQUIRE((*f)->pwrite_all(chunk.data(), chunk.size(), 0));
    REQUIRE((*f)->sync());
    CHECK((*f)->pwrite_all(chunk.data(), chunk.size(), 1024).code() == Code::io);
    CHECK(d.content("copy").size() == 1500);  // what the page cache held at the cut
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK(d.content("copy") == chunk);
  }

  TEST_CASE("paths outside the root and untracked paths pass through and are never undone") {
    TempDir outside;
    Disk d;
    d.fs.untracked = [](const std::string& p) { return p.find("evidence") != std::string::npos; };
    d.put("evidence.log", "seen", false);
    auto f = d.fs.open((outside / "x").string(), File::Mode::write_truncate);
    REQUIRE(f);
    REQUIRE((*f)->write_all("y", 1));
    REQUIRE(d.fs.power_cut(PowerLossFs::Mode::lose));
    CHECK(d.content("evidence.log") == "seen");
    CHECK(testing::read_file(outside / "x") == "y");
  }
}

}  // namespace adrestore::testing
