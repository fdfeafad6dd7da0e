#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <set>

#include "exec/file_clear.h"
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

// A simulated DC with E:\NTDS (ntds.dit, old.log) and F:\Logs (edb.chk, edb00001.log).
struct ClearWorld {
  TempDir t;
  sim::SimDisks disks{t.path().string()};
  std::vector<FileCleared> records;
  ClearWorld() {
    t.write("fs/E/NTDS/ntds.dit", "old database");
    t.write("fs/E/NTDS/old.log", "old log");
    t.write("fs/F/Logs/edb.chk", "checkpoint");
    t.write("fs/F/Logs/edb00001.log", "log 1");
  }
  fs::path host(const std::string& rel) const { return t / rel; }
  std::vector<WinPath> dests() const { return {wp("E:\\NTDS"), wp("F:\\Logs")}; }
  ClearOptions options(ClearAction a = ClearAction::quarantine) const {
    ClearOptions o;
    o.action = a;
    o.run_id = "run1";
    return o;
  }
  std::function<Status(const FileCleared&)> journal() {
    return [this](const FileCleared& r) {
      records.push_back(r);
      return Status::ok();
    };
  }
};

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("files.clear quarantines every file beside its destination and journals each one") {
    ClearWorld w;
    auto r = clear_destinations(w.disks, w.dests(), w.options(), w.journal());
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(r->cleared == 4);
    REQUIRE(w.records.size() == 4);
    CHECK(w.records[0].file == "E:\\NTDS\\ntds.dit");
    CHECK(w.records[0].action == ClearAction::quarantine);
    CHECK(w.records[0].to == "E:\\NTDS.adrestore-quarantine\\run1\\ntds.dit");
    CHECK(fs::is_empty(w.host("fs/E/NTDS")));
    CHECK(fs::is_empty(w.host("fs/F/Logs")));
    CHECK(testing::read_file(w.host("fs/E/NTDS.adrestore-quarantine/run1/ntds.dit")) == "old database");
    CHECK(testing::read_file(w.host("fs/F/Logs.adrestore-quarantine/run1/edb.chk")) == "checkpoint");
  }

  TEST_CASE("files.clear quarantines into the plan's quarantine folder per run and destination name") {
    ClearWorld w;
    w.t.write("fs/F/NTDS/x.log", "same folder name on another drive");
    ClearOptions o = w.options();
    o.quarantine_root = wp("E:\\Quarantine");
    auto e = quarantine_dir_for(wp("E:\\NTDS"), {wp("E:\\NTDS"), wp("F:\\NTDS")}, o);
    REQUIRE(e);
    CHECK(e->str() == "E:\\Quarantine\\run1\\NTDS");
    auto r = clear_destinations(w.disks, {wp("E:\\NTDS")}, o, w.journal());
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(testing::read_file(w.host("fs/E/Quarantine/run1/NTDS/old.log")) == "old log");
    // Two destinations named NTDS: the second gets a suffix (on its own volume's quarantine).
    o.quarantine_root = wp("F:\\Q");
    auto f = quarantine_dir_for(wp("F:\\NTDS"), {wp("E:\\NTDS"), wp("F:\\NTDS")}, o);
    REQUIRE(f);
    CHECK(f->str() == "F:\\Q\\run1\\NTDS-2");
  }

  TEST_CASE("files.clear refuses a quarantine on another volume before touching anything") {
    ClearWorld w;
    ClearOptions o = w.options();
    o.quarantine_root = wp("G:\\Quarantine");
    auto r = clear_destinations(w.disks, w.dests(), o, w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("is on another volume") != std::string::npos);
    CHECK(w.records.empty());
    CHECK(fs::exists(w.host("fs/E/NTDS/ntds.dit")));
  }

  TEST_CASE("files.clear with delete removes the files and journals them without a destination") {
    ClearWorld w;
    auto r = clear_destinations(w.disks, w.dests(), w.options(ClearAction::remove), w.journal());
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(r->cleared == 4);
    CHECK(w.records[1].action == ClearAction::remove);
    CHECK(w.records[1].to.empty());
    CHECK(fs::is_empty(w.host("fs/E/NTDS")));
    CHECK_FALSE(fs::exists(w.host("fs/E/NTDS.adrestore-quarantine")));
  }

  // mingw's std::filesystem::create_symlink is "not implemented" (and Windows needs a
  // privilege for symbolic links): the link cases run on POSIX; the Win32 link detection is
  // tested in tests/platform/fs_win32_test.cpp with CreateSymbolicLinkW.
#ifndef _WIN32
  TEST_CASE("files.clear refuses a symbolic link, never follows it, and moves nothing") {
    ClearWorld w;
    w.t.write("elsewhere/precious", "not to be touched");
    fs::create_symlink(w.host("elsewhere/precious"), w.host("fs/F/Logs/x"));
    auto r = clear_destinations(w.disks, w.dests(), w.options(ClearAction::remove), w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message() ==
          "F:\\Logs\\x is a symbolic link; adrestore never follows links. Remove it or move it away by hand, then "
          "resume");
    CHECK(w.records.empty());
    CHECK(fs::exists(w.host("fs/E/NTDS/ntds.dit")));  // the earlier destination is untouched too
    CHECK(testing::read_file(w.host("elsewhere/precious")) == "not to be touched");
  }

#endif

  TEST_CASE("files.clear leaves a subfolder and what is in it in place, with a warning, and clears the files") {
    ClearWorld w;
    w.t.write("fs/F/Logs/Drop/dropped.txt", "somebody's file");
    auto plan = plan_clear(w.disks, w.dests(), w.options());
    REQUIRE_MESSAGE(plan, plan.status().message());
    REQUIRE(plan->warnings.size() == 1);
    CHECK(plan->warnings[0].find("F:\\Logs\\Drop is a folder; files.clear leaves it in place") != std::string::npos);
    CHECK(plan->moves.size() == 4);
    auto r = clear_destinations(w.disks, w.dests(), w.options(), w.journal());
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(r->cleared == 4);
    CHECK(testing::read_file(w.host("fs/F/Logs/Drop/dropped.txt")) == "somebody's file");
    CHECK_FALSE(fs::exists(w.host("fs/F/Logs/edb.chk")));
  }

  TEST_CASE("plan_clear changes nothing, and refuses a file another process holds open before anything moves") {
    ClearWorld w;
    testing::FaultDisks disks(w.disks);
    disks.on_check_movable = [](const WinPath& p) {
      if (p.file_name() != "edb00001.log") return Status::ok();
      return Status::error(Code::io, "in use by another process");
    };
    auto plan = plan_clear(disks, w.dests(), w.options());
    REQUIRE_FALSE(plan);
    CHECK(plan.status().message().find("F:\\Logs\\edb00001.log cannot be quarantined: in use by another process") !=
          std::string::npos);
    auto r = clear_destinations(disks, w.dests(), w.options(), w.journal());
    REQUIRE_FALSE(r);
    CHECK(w.records.empty());
    CHECK(testing::read_file(w.host("fs/E/NTDS/ntds.dit")) == "old database");
    CHECK_FALSE(fs::exists(w.host("fs/E/NTDS.adrestore-quarantine")));
    CHECK_FALSE(fs::exists(w.host("fs/F/Logs.adrestore-quarantine")));
  }

#ifndef _WIN32  // a symbolic link: see above
  TEST_CASE("files.clear refuses a destination that is itself a link") {
    ClearWorld w;
    fs::create_directories(w.host("real"));
    fs::create_directory_symlink(w.host("real"), w.host("fs/G"));
    auto r = clear_destinations(w.disks, {wp("G:\\")}, w.options(ClearAction::remove), w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("is a symbolic link or junction") != std::string::npos);
  }

  TEST_CASE("files.clear refuses a quarantine reached through a link, before anything moves") {
    ClearWorld w;
    fs::create_directories(w.host("fs/E/elsewhere"));
    fs::create_directory_symlink(w.host("fs/E/elsewhere"), w.host("fs/E/Quarantine"));
    ClearOptions o = w.options();
    o.quarantine_root = wp("E:\\Quarantine");
    auto r = clear_destinations(w.disks, {wp("E:\\NTDS")}, o, w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message() ==
          "the quarantine for E:\\NTDS would be reached through E:\\Quarantine, a symbolic link or junction; "
          "adrestore never moves files through a link. Choose a spec.restore.quarantine reached through real folders "
          "only (or existingFiles: delete), then resume");

    // A link deeper in the plan's quarantine, and the default quarantine beside the destination.
    fs::create_directories(w.host("fs/E/Q2"));
    fs::create_directory_symlink(w.host("fs/E/elsewhere"), w.host("fs/E/Q2/run1"));
    o.quarantine_root = wp("E:\\Q2");
    r = clear_destinations(w.disks, {wp("E:\\NTDS")}, o, w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("reached through E:\\Q2\\run1, a symbolic link") != std::string::npos);
    fs::create_directory_symlink(w.host("fs/E/elsewhere"), w.host("fs/E/NTDS.adrestore-quarantine"));
    r = clear_destinations(w.disks, {wp("E:\\NTDS")}, w.options(), w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("reached through E:\\NTDS.adrestore-quarantine, a symbolic link") !=
          std::string::npos);

    // A destination behind a link (a folder mount point, say): its quarantine is refused too,
    // before the first destination's files move.
    w.t.write("real/NTDS/ntds.dit", "old database");
    fs::create_directory_symlink(w.host("real"), w.host("fs/F/DB"));
    r = clear_destinations(w.disks, {wp("F:\\Logs"), wp("F:\\DB\\NTDS")}, w.options(), w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("the quarantine for F:\\DB\\NTDS would be reached through F:\\DB, a symbolic "
                                    "link") == 0);

    CHECK(w.records.empty());
    CHECK(fs::exists(w.host("fs/E/NTDS/ntds.dit")));
    CHECK(fs::exists(w.host("fs/F/Logs/edb.chk")));
    CHECK(fs::exists(w.host("real/NTDS/ntds.dit")));
    CHECK(fs::is_empty(w.host("fs/E/elsewhere")));
  }
#endif

  TEST_CASE("files.clear refuses a quarantine folder that is a file") {
    ClearWorld w;
    w.t.write("fs/E/Quarantine", "a file");
    ClearOptions o = w.options();
    o.quarantine_root = wp("E:\\Quarantine\\Sub");
    auto r = clear_destinations(w.disks, {wp("E:\\NTDS")}, o, w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("the quarantine for E:\\NTDS would be inside E:\\Quarantine, which is not a "
                                    "folder") == 0);
    CHECK(w.records.empty());
    CHECK(fs::exists(w.host("fs/E/NTDS/ntds.dit")));
  }

  TEST_CASE("files.clear treats a missing destination as empty and clears a repeated one once") {
    ClearWorld w;
    auto r = clear_destinations(w.disks, {wp("E:\\NTDS"), wp("e:\\ntds"), wp("H:\\Nowhere")}, w.options(), w.journal());
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(r->cleared == 2);
  }

  TEST_CASE("files.clear leaves a destination nested in another alone and clears it on its own") {
    ClearWorld w;
    w.t.write("fs/E/NTDS/Logs/edb00002.log", "nested log");
    auto r = clear_destinations(w.disks, {wp("E:\\NTDS"), wp("E:\\NTDS\\Logs")}, w.options(), w.journal());
    REQUIRE_MESSAGE(r, r.status().message());
    CHECK(r->cleared == 3);
    CHECK(fs::is_directory(w.host("fs/E/NTDS/Logs")));
    CHECK(fs::is_empty(w.host("fs/E/NTDS/Logs")));
  }

  TEST_CASE("files.clear resumes after a crash and clears only what is left") {
    ClearWorld w;
    int calls = 0;
    auto crash_after_two = [&](const FileCleared& rec) {
      if (++calls > 2) return Status::error(Code::io, "simulated crash");
      w.records.push_back(rec);
      return Status::ok();
    };
    auto first = clear_destinations(w.disks, w.dests(), w.options(), crash_after_two);
    REQUIRE_FALSE(first);
    CHECK(first.status().message() == "simulated crash");
    // The third file was moved but its record was lost with the "crash".
    REQUIRE(w.records.size() == 2);
    ClearOptions o = w.options();
    o.already_cleared = w.records;
    auto second = clear_destinations(w.disks, w.dests(), o, w.journal());
    REQUIRE_MESSAGE(second, second.status().message());
    CHECK(second->recovered == 1);
    CHECK(second->cleared == 1);
    REQUIRE(w.records.size() == 4);
    std::set<std::string> files;
    for (const FileCleared& r : w.records) files.insert(r.file);
    CHECK(files.size() == 4);
    CHECK(fs::is_empty(w.host("fs/F/Logs")));
  }

  TEST_CASE("files.clear refuses to overwrite a file already in the quarantine") {
    ClearWorld w;
    w.t.write("fs/E/NTDS.adrestore-quarantine/run1/ntds.dit", "earlier");
    ClearOptions o = w.options();
    o.already_cleared = {FileCleared{"E:\\NTDS\\ntds.dit", ClearAction::quarantine,
                                     "E:\\NTDS.adrestore-quarantine\\run1\\ntds.dit"}};
    auto r = clear_destinations(w.disks, w.dests(), o, w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("already exists and adrestore never overwrites") != std::string::npos);
    CHECK(testing::read_file(w.host("fs/E/NTDS.adrestore-quarantine/run1/ntds.dit")) == "earlier");
  }

  TEST_CASE("files.clear stops between files when cancelled") {
    ClearWorld w;
    std::atomic<bool> cancel{false};
    ClearOptions o = w.options();
    o.cancel = &cancel;
    auto r = clear_destinations(w.disks, w.dests(), o, [&](const FileCleared& rec) {
      w.records.push_back(rec);
      cancel = true;
      return Status::ok();
    });
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::interrupted);
    CHECK(w.records.size() == 1);
  }

  TEST_CASE("files.clear reports a failed move with both paths and journals nothing for it") {
    ClearWorld w;
    testing::FaultDisks faulty(w.disks);
    faulty.on_rename = [](const WinPath&, const WinPath&) {
      return Status::error(Code::io, "Access is denied");
    };
    auto r = clear_destinations(faulty, w.dests(), w.options(), w.journal());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("cannot quarantine E:\\NTDS\\ntds.dit to E:\\NTDS.adrestore-quarantine") !=
          std::string::npos);
    CHECK(w.records.empty());
  }
}
