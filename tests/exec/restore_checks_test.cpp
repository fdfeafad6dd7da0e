// restore.locations' read-only look at the destinations (exec/restore_checks.h): what
// files.clear and files.copy would refuse is found before DsRestoreRegister.
#include <doctest/doctest.h>

#include <filesystem>

#include "exec/restore_checks.h"
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

// C:\Windows\NTDS holds an old database (1000 bytes) and a log; the restore brings a
// 4000-byte ntds.dit and a 500-byte log there.
struct TargetWorld {
  TempDir t;
  sim::SimDisks sim{t.path().string()};
  testing::FaultDisks disks{sim};
  std::vector<backup::ManifestFile> files;
  placement::Resolution res;
  TargetWorld() {
    t.write("fs/C/Windows/NTDS/ntds.dit", std::string(1000, 'o'));
    t.write("fs/C/Windows/NTDS/edb00001.log", std::string(100, 'l'));
    files.resize(2);
    files[0].path = "ntds.dit";
    files[0].size = 4000;
    files[1].path = "edb00001.log";
    files[1].kind = backup::FileKind::log;
    files[1].size = 500;
    res.directories = {wp("C:\\Windows\\NTDS")};
    for (const backup::ManifestFile& f : files) {
      placement::FilePlacement p;
      p.file = &f;
      p.destination = wp("C:\\Windows\\NTDS\\" + f.path);
      res.files.push_back(p);
    }
  }
  ClearOptions clear(ClearAction a = ClearAction::quarantine) const {
    ClearOptions o;
    o.action = a;
    o.run_id = "run1";
    return o;
  }
  void free_space(std::uint64_t n) {
    disks.on_free_bytes = [n](const WinPath&) -> Result<std::uint64_t> { return n; };
  }
};

}  // namespace

TEST_SUITE("exec") {
  TEST_CASE("the destination checks pass for a destination that files.clear and files.copy can handle") {
    TargetWorld w;
    w.t.write("fs/C/Windows/NTDS/Drop/x.txt", "kept");
    auto r = check_restore_targets(w.disks, w.res, w.clear(), true);
    REQUIRE_MESSAGE(r, r.status().message());
    REQUIRE(r->warnings.size() == 1);
    CHECK(r->warnings[0].find("C:\\Windows\\NTDS\\Drop is a folder") != std::string::npos);
  }

  TEST_CASE("a folder where a restored file must go is refused before the registration") {
    TargetWorld w;
    fs::remove(w.t / "fs/C/Windows/NTDS/edb00001.log");
    fs::create_directories(w.t / "fs/C/Windows/NTDS/edb00001.log");
    auto r = check_restore_targets(w.disks, w.res, w.clear(), true);
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::failed);
    CHECK(r.status().message().find("a folder stands where the restored edb00001.log must go") != std::string::npos);
  }

  TEST_CASE("a file another process holds open in a destination is refused before the registration") {
    TargetWorld w;
    w.disks.on_check_movable = [](const WinPath& p) {
      return p.file_name() == "ntds.dit" ? Status::error(Code::io, "in use by another process") : Status::ok();
    };
    auto r = check_restore_targets(w.disks, w.res, w.clear(), true);
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("ntds.dit cannot be quarantined: in use by another process") != std::string::npos);
  }

  TEST_CASE("free space: quarantined files stay on the volume, deleted files make room") {
    TargetWorld w;
    // 4500 bytes to write; 1100 bytes of old files there.
    SUBCASE("quarantine needs room for the whole set") {
      w.free_space(4499);
      auto r = check_restore_targets(w.disks, w.res, w.clear(), true);
      REQUIRE_FALSE(r);
      CHECK(r.status().message().find("has 4.4 KiB (4499 bytes) free, but the restore still needs 4.4 KiB (4500 bytes)") != std::string::npos);
      CHECK(r.status().message().find("existingFiles: delete") != std::string::npos);
      w.free_space(4500);
      CHECK(check_restore_targets(w.disks, w.res, w.clear(), true));
    }
    SUBCASE("delete counts the deleted files as room") {
      w.free_space(3400);
      CHECK(check_restore_targets(w.disks, w.res, w.clear(ClearAction::remove), true));
      w.free_space(3399);
      CHECK_FALSE(check_restore_targets(w.disks, w.res, w.clear(ClearAction::remove), true));
    }
    SUBCASE("after files.clear only what is not yet copied counts") {
      // The files there now are this restore's own, partly copied: 1100 of 4500 bytes.
      w.free_space(3400);
      CHECK(check_restore_targets(w.disks, w.res, w.clear(), false));
      w.free_space(3399);
      CHECK_FALSE(check_restore_targets(w.disks, w.res, w.clear(), false));
    }
  }
}
