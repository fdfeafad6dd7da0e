// Destination resolution: where each backup file goes, which directories files.clear
// empties, and where quarantined files end up.
#include <doctest/doctest.h>

#include "placement/destinations.h"
#include "graph/manifest_fixture.h"

namespace adrestore::placement {
namespace {

WinPath P(const char* s) { return *WinPath::parse(s); }

DestinationPolicy policy(plan::LocationsFailure on_failure = plan::LocationsFailure::original) {
  DestinationPolicy p;
  p.on_locations_failure = on_failure;
  p.backup_source = P("D:\\Backups\\DC01");
  return p;
}

backup::Locations dc_report() {
  backup::Locations l;
  l.database_file = P("C:\\Windows\\NTDS\\NTDS.DIT");
  l.log_dir = P("C:\\Windows\\NTDS\\Logs");
  l.checkpoint_dir = P("C:\\Windows\\NTDS\\Chk");
  return l;
}

std::string dest(const Resolution& r, std::size_t i) {
  return r.files[i].destination ? r.files[i].destination->str() : "pending";
}

}  // namespace

TEST_SUITE("placement") {
  TEST_CASE("before DsRestoreGetDatabaseLocations is called, every destination without an override is pending") {
    const backup::Manifest m = testing::sample_manifest();
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::pending(), policy());
    REQUIRE(r.is_ok());
    CHECK_FALSE(r->complete());
    CHECK_FALSE(r->database.dir.has_value());
    CHECK(r->database.source == DestinationSource::pending);
    CHECK(r->directories.empty());
    for (const FilePlacement& f : r->files) CHECK_FALSE(f.destination.has_value());
  }

  TEST_CASE("reported locations place the DIT at the reported path, logs in the log dir, patch and edb.chk in the "
            "checkpoint dir") {
    const backup::Manifest m = testing::sample_manifest();
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::reported(dc_report()), policy());
    REQUIRE(r.is_ok());
    CHECK(r->complete());
    CHECK(dest(*r, 0) == "C:\\Windows\\NTDS\\NTDS.DIT");  // the reported name, not the backed-up one
    CHECK(dest(*r, 1) == "C:\\Windows\\NTDS\\Logs\\edb00001.log");
    CHECK(dest(*r, 2) == "C:\\Windows\\NTDS\\Logs\\edb00002.log");
    CHECK(dest(*r, 3) == "C:\\Windows\\NTDS\\Chk\\ntds.pat");
    CHECK(dest(*r, 4) == "C:\\Windows\\NTDS\\Chk\\edb.chk");
    REQUIRE(r->directories.size() == 3);
    CHECK(r->directories[0].str() == "C:\\Windows\\NTDS");
    CHECK(r->files[0].source == DestinationSource::reported);
  }

  TEST_CASE("an override wins over the report for its role only, and keeps the backed-up file name") {
    const backup::Manifest m = testing::sample_manifest();
    DestinationPolicy p = policy();
    p.database = P("E:\\NTDS");
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::reported(dc_report()), p);
    REQUIRE(r.is_ok());
    CHECK(dest(*r, 0) == "E:\\NTDS\\ntds.dit");
    CHECK(r->files[0].source == DestinationSource::override_);
    CHECK(dest(*r, 1) == "C:\\Windows\\NTDS\\Logs\\edb00001.log");
    Result<Resolution> pending = resolve_destinations(m, ReportedLocations::pending(), p);
    REQUIRE(pending.is_ok());
    CHECK(dest(*pending, 0) == "E:\\NTDS\\ntds.dit");  // known before the call
    CHECK(dest(*pending, 1) == "pending");
  }

  TEST_CASE("a failed locations call with onLocationsFailure original restores files where they were backed up from") {
    const backup::Manifest m = testing::sample_manifest();
    DestinationPolicy p = policy();
    p.logs = P("F:\\Logs");
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::failed(), p);
    REQUIRE(r.is_ok());
    CHECK(r->complete());
    CHECK(dest(*r, 0) == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(r->files[0].source == DestinationSource::original);
    CHECK(dest(*r, 1) == "F:\\Logs\\edb00001.log");  // the override still covers logs
    CHECK(dest(*r, 3) == "C:\\Windows\\NTDS\\ntds.pat");
  }

  TEST_CASE("a failed locations call with onLocationsFailure fail stops with a clear error, even with overrides") {
    const backup::Manifest m = testing::sample_manifest();
    DestinationPolicy p = policy(plan::LocationsFailure::fail);
    p.logs = P("F:\\Logs");
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::failed(), p);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == Code::failed);
    CHECK(r.status().message().find("DsRestoreGetDatabaseLocations failed and spec.restore.onLocationsFailure is fail") !=
          std::string::npos);
    p.database = P("E:\\NTDS");
    p.checkpoint = P("F:\\Logs");
    CHECK_FALSE(resolve_destinations(m, ReportedLocations::failed(), p).is_ok());
    CHECK(resolve_destinations(m, ReportedLocations::pending(), p).is_ok());
  }

  TEST_CASE("a report that lacks a role falls back per policy for that role") {
    const backup::Manifest m = testing::sample_manifest();
    backup::Locations partial = dc_report();
    partial.log_dir.reset();
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::reported(partial), policy());
    REQUIRE(r.is_ok());
    CHECK(dest(*r, 1) == "C:\\Windows\\NTDS\\edb00001.log");
    CHECK(r->logs.source == DestinationSource::original);
    Result<Resolution> strict =
        resolve_destinations(m, ReportedLocations::reported(partial), policy(plan::LocationsFailure::fail));
    REQUIRE_FALSE(strict.is_ok());
    CHECK(strict.status().message().find("did not report the logs location") != std::string::npos);
  }

  TEST_CASE("directories shared by several roles are listed once, case-insensitively") {
    const backup::Manifest m = testing::sample_manifest();
    DestinationPolicy p = policy();
    p.logs = P("F:\\NTDSLogs");
    p.checkpoint = P("f:\\ntdslogs\\");
    p.database = P("E:\\NTDS");
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::pending(), p);
    REQUIRE(r.is_ok());
    CHECK(r->complete());
    REQUIRE(r->directories.size() == 2);
    CHECK(r->directories[1].str() == "F:\\NTDSLogs");
  }

  TEST_CASE("two files that would land on the same path are refused") {
    backup::Manifest m = testing::sample_manifest();
    m.files[2].original = P("C:\\Windows\\NTDS\\EDB00001.LOG");
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::reported(dc_report()), policy());
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message().find("would both be copied to") != std::string::npos);
  }

  TEST_CASE("a reported destination inside the backup source, or holding the quarantine, is refused") {
    const backup::Manifest m = testing::sample_manifest();
    backup::Locations bad = dc_report();
    bad.log_dir = P("D:\\Backups\\DC01\\logs");
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::reported(bad), policy());
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message().find("lies inside the backup source") != std::string::npos);

    DestinationPolicy q = policy();
    q.quarantine = P("C:\\Windows\\NTDS\\Logs\\q");
    Result<Resolution> rq = resolve_destinations(m, ReportedLocations::reported(dc_report()), q);
    REQUIRE_FALSE(rq.is_ok());
    CHECK(rq.status().message().find("sweep up the quarantine") != std::string::npos);
  }

  TEST_CASE("DsRestoreRegister arguments come from the resolution and the manifest") {
    const backup::Manifest m = testing::sample_manifest();
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::reported(dc_report()), policy());
    REQUIRE(r.is_ok());
    Result<RegisterArgs> a = register_args(*r, m);
    REQUIRE(a.is_ok());
    CHECK(a->checkpoint_dir == "C:\\Windows\\NTDS\\Chk");
    CHECK(a->log_dir == "C:\\Windows\\NTDS\\Logs");
    CHECK(a->backup_log_dir == "C:\\Windows\\NTDS\\Logs");
    REQUIRE(a->restore_map.size() == 1);
    CHECK(a->restore_map[0].first == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(a->restore_map[0].second == "C:\\Windows\\NTDS\\NTDS.DIT");
    CHECK(a->gen_low == 1);
    CHECK(a->gen_high == 2);
    Result<Resolution> pending = resolve_destinations(m, ReportedLocations::pending(), policy());
    CHECK_FALSE(register_args(*pending, m).is_ok());
    backup::Manifest bad = m;
    bad.gen_low = 5;
    CHECK_FALSE(register_args(*r, bad).is_ok());
  }

  TEST_CASE("DsRestoreRegister gets the paths as the DC reported them; overrides are the plan's own text") {
    const backup::Manifest m = testing::sample_manifest();
    DcPathTexts given;
    given.database_file = "\\\\DC01\\C$\\Windows\\NTDS\\NTDS.DIT";
    given.log_dir = "\\\\DC01\\C$\\Windows\\NTDS\\Logs";
    given.checkpoint_dir = "\\\\DC01\\C$\\Windows\\NTDS\\Chk";
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::reported(dc_report(), given), policy());
    REQUIRE(r.is_ok());
    CHECK(dest(*r, 0) == "C:\\Windows\\NTDS\\NTDS.DIT");  // file I/O stays local
    CHECK(r->database.as_given == std::optional<std::string>("\\\\DC01\\C$\\Windows\\NTDS"));
    Result<RegisterArgs> a = register_args(*r, m);
    REQUIRE(a.is_ok());
    CHECK(a->checkpoint_dir == "\\\\DC01\\C$\\Windows\\NTDS\\Chk");
    CHECK(a->log_dir == "\\\\DC01\\C$\\Windows\\NTDS\\Logs");
    CHECK(a->backup_log_dir == "\\\\DC01\\C$\\Windows\\NTDS\\Logs");
    REQUIRE(a->restore_map.size() == 1);
    CHECK(a->restore_map[0].first == "C:\\Windows\\NTDS\\ntds.dit");  // as the manifest recorded it
    CHECK(a->restore_map[0].second == "\\\\DC01\\C$\\Windows\\NTDS\\NTDS.DIT");

    // An override elsewhere is the plan's text; one that names the reported directory gets the DC's form.
    DestinationPolicy p = policy();
    p.logs = P("E:\\Logs");
    p.checkpoint = P("c:\\windows\\ntds\\chk");
    Result<Resolution> o = resolve_destinations(m, ReportedLocations::reported(dc_report(), given), p);
    REQUIRE(o.is_ok());
    Result<RegisterArgs> b = register_args(*o, m);
    REQUIRE(b.is_ok());
    CHECK(b->log_dir == "E:\\Logs");
    CHECK(b->backup_log_dir == "E:\\Logs");
    CHECK(b->checkpoint_dir == "\\\\DC01\\C$\\Windows\\NTDS\\Chk");
    CHECK(b->restore_map[0].second == "\\\\DC01\\C$\\Windows\\NTDS\\NTDS.DIT");

    // A DIT at a drive's root: its directory's text keeps the separator.
    backup::Locations root = dc_report();
    root.database_file = P("E:\\ntds.dit");
    DcPathTexts root_given;
    root_given.database_file = "E:\\ntds.dit";
    Result<Resolution> rr = resolve_destinations(m, ReportedLocations::reported(root, root_given), policy());
    REQUIRE(rr.is_ok());
    CHECK(rr->database.as_given == std::optional<std::string>("E:\\"));
  }

  TEST_CASE("quarantine folders: beside the destination by default, else under the plan's root by volume and path") {
    CHECK(quarantine_dir(P("E:\\NTDS"), std::nullopt, "run-1")->str() == "E:\\NTDS.adrestore-quarantine\\run-1");
    CHECK(quarantine_dir(P("E:\\NTDS"), P("Q:\\q"), "run-1")->str() == "Q:\\q\\run-1\\E\\NTDS");
    CHECK(quarantine_dir(P("\\\\srv\\share\\ntds"), P("Q:\\q"), "r")->str() == "Q:\\q\\r\\UNC\\srv\\share\\ntds");
    Result<WinPath> root = quarantine_dir(P("E:\\"), std::nullopt, "r");
    REQUIRE_FALSE(root.is_ok());
    CHECK(root.status().message().find("set spec.restore.quarantine") != std::string::npos);
  }

  TEST_CASE("files.clear plans a delete or a quarantine move for every listed file of a destination only") {
    const backup::Manifest m = testing::sample_manifest();
    DestinationPolicy p = policy();
    p.database = P("E:\\NTDS");
    p.logs = P("F:\\Logs");
    p.checkpoint = P("F:\\Logs");
    Result<Resolution> r = resolve_destinations(m, ReportedLocations::pending(), p);
    REQUIRE(r.is_ok());
    const std::vector<DirListing> existing = {{P("e:\\ntds"), {"ntds.dit", "edb.chk"}},
                                              {P("C:\\Elsewhere"), {"keep.me"}},
                                              {P("F:\\Logs"), {"edb00009.log"}}};
    Result<std::vector<ClearAction>> q = plan_clear(*r, p, existing, "run-7");
    REQUIRE(q.is_ok());
    REQUIRE(q->size() == 3);
    CHECK((*q)[0].file.str() == "E:\\NTDS\\ntds.dit");
    CHECK((*q)[0].quarantined_to->str() == "E:\\NTDS.adrestore-quarantine\\run-7\\ntds.dit");
    CHECK((*q)[2].quarantined_to->str() == "F:\\Logs.adrestore-quarantine\\run-7\\edb00009.log");
    p.existing_files = plan::ExistingFiles::remove;
    Result<std::vector<ClearAction>> d = plan_clear(*r, p, existing, "run-7");
    REQUIRE(d.is_ok());
    CHECK_FALSE((*d)[0].quarantined_to.has_value());
    const std::vector<DirListing> hostile = {{P("E:\\NTDS"), {"..\\escape"}}};
    CHECK_FALSE(plan_clear(*r, p, hostile, "run-7").is_ok());
  }

  TEST_CASE("an override that differs from the DC's report is flagged with the restore map it relies on") {
    DestinationPolicy p = policy();
    p.database = P("E:\\NTDS");
    p.logs = P("c:\\windows\\ntds\\logs");  // the reported log dir, in other case: not a difference
    const std::vector<OverrideDifference> d = override_differences(p, dc_report());
    REQUIRE(d.size() == 1);
    CHECK(d[0].role == DirRole::database);
    CHECK(d[0].override_dir.str() == "E:\\NTDS");
    CHECK(d[0].reported_dir.str() == "C:\\Windows\\NTDS");
    const std::string text = describe_override_difference(d[0], "at backup time");
    CHECK(text.find("spec.restore.destinations.database is E:\\NTDS, but the DC reported C:\\Windows\\NTDS at backup "
                    "time") == 0);
    CHECK(text.find("restore map (DsRestoreRegister's rgrstmap)") != std::string::npos);
    CHECK(text.find("only the simulator verifies") != std::string::npos);
    CHECK(text.find("system.verify-online") != std::string::npos);
  }

  TEST_CASE("overrides equal to the report, and roles the DC did not report, are not flagged") {
    DestinationPolicy p = policy();
    p.database = P("C:\\Windows\\NTDS");
    p.checkpoint = P("F:\\Chk");
    backup::Locations l = dc_report();
    l.checkpoint_dir.reset();
    CHECK(override_differences(p, l).empty());
    CHECK(override_differences(policy(), dc_report()).empty());  // no overrides at all
  }
}

}  // namespace adrestore::placement
