// `adrestore validate` with a reachable backup set: the end-to-end behaviour of
// backup/plan_check through the CLI.
#include <doctest/doctest.h>

#include <ctime>

#include "backup/manifest.h"
#include "set_fixture.h"

namespace adrestore::backup {
namespace {

using testing::run_adrestore;
using testing::SetFixture;

constexpr std::int64_t k_day = 86400;

std::string plan_text(const std::string& dc = "DC01.corp.example.com", const std::string& max_age = "180d") {
  return "apiVersion: adrestore/v1\n"
         "kind: RestorePlan\n"
         "metadata:\n"
         "  name: dc01-corp\n"
         "  domainController: " + dc + "\n"
         "spec:\n"
         "  backup:\n"
         "    source: 'D:\\Backups\\DC01\\2026-11-20'\n"
         "    maxAge: " + max_age + "\n";
}

// A set taken `age_days` ago (by the real clock, as validate uses it) and a plan for it.
struct ValidateFixture {
  explicit ValidateFixture(std::int64_t age_days = 3) {
    set.manifest().created_at_unix = static_cast<std::int64_t>(std::time(nullptr)) - age_days * k_day;
    set.write_manifest();
    plan = plans.write("dc01.yaml", plan_text());
  }
  testing::RunResult validate(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"validate", "--api", "sim", "--world", set.world().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(plan);
    return run_adrestore(args);
  }
  SetFixture set;
  testing::TempDir plans;
  std::string plan;
};

TEST_SUITE("backup") {
  TEST_CASE("validate checks a reachable backup set and accepts a good one") {
    ValidateFixture fx;
    auto r = fx.validate();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("error:") == std::string::npos);
    CHECK(r.out.find("(0 errors, 0 warnings)") != std::string::npos);
    CHECK(r.out.find("not reachable") == std::string::npos);
  }

  TEST_CASE("validate reports extra files in the set as notes") {
    ValidateFixture fx;
    testing::write_file(fx.set.file("notes.txt"), "x");
    auto r = fx.validate();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(fx.plan + ":8:13: note: spec.backup.source: backup set D:\\Backups\\DC01\\2026-11-20: "
                               "'notes.txt' in the backup set folder is not in the manifest") != std::string::npos);
  }

  TEST_CASE("validate refuses a set whose file sizes differ, on the plan's source line") {
    ValidateFixture fx;
    std::filesystem::resize_file(fx.set.file("ntds.dit"), 1000);
    auto r = fx.validate();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(fx.plan + ":8:13: error: spec.backup.source: backup set D:\\Backups\\DC01\\2026-11-20: "
                               "ntds.dit: the file has 1000 bytes; the manifest records 307217") != std::string::npos);
  }

  TEST_CASE("validate refuses a set older than the plan's maxAge") {
    ValidateFixture fx(200);
    auto r = fx.validate();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(":8:13: error: spec.backup.source:") != std::string::npos);
    CHECK(r.out.find("200.0 days ago; maxAge allows 180.0 days") != std::string::npos);

    ValidateFixture young(3);
    testing::write_file(young.plan, plan_text("DC01.corp.example.com", "2d"));
    r = young.validate();
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("maxAge allows 2.0 days") != std::string::npos);
  }

  TEST_CASE("validate refuses a set with an invalid manifest, naming the manifest's line") {
    ValidateFixture fx;
    std::string text = fx.set.manifest_text();
    text.replace(text.find("\"ntds.dit\""), 10, "\"../ntds.dit\"");
    fx.set.write_manifest_text(text);
    auto r = fx.validate();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(":8:13: error: spec.backup.source: the manifest D:\\Backups\\DC01\\2026-11-20\\"
                     "adrestore-backup.json:") != std::string::npos);
    CHECK(r.out.find("files[0].path: '../ntds.dit' has a '..' segment") != std::string::npos);
  }

  TEST_CASE("validate reports a set taken on another DC as an error at spec.backup.source, exit 1") {
    ValidateFixture fx;
    testing::write_file(fx.plan, plan_text("DC02.corp.example.com"));
    auto r = fx.validate();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(fx.plan + ":8:13: error: spec.backup.source: backup set D:\\Backups\\DC01\\2026-11-20 was taken "
                               "on DC01.corp.example.com, but this plan restores DC02.corp.example.com "
                               "(metadata.domainController)") != std::string::npos);
    CHECK(r.out.find("--allow-foreign-backup") != std::string::npos);
    CHECK(r.out.find("warning:") == std::string::npos);
    // Another DC in NetBIOS form, and a DNS name in another domain, are other DCs too.
    for (const char* other : {"dc02", "DC01.other.example.com"}) {
      testing::write_file(fx.plan, plan_text(other));
      r = fx.validate();
      CHECK_MESSAGE(r.exit_code == 1, other);
    }
  }

  TEST_CASE("validate accepts the set's own DC in NetBIOS form and in another letter case") {
    ValidateFixture fx;
    for (const char* same : {"dc01", "DC01", "dc01.CORP.example.com"}) {
      testing::write_file(fx.plan, plan_text(same));
      auto r = fx.validate();
      INFO(r.out << r.err);
      CHECK_MESSAGE(r.exit_code == 0, same);
      CHECK(r.out.find("error:") == std::string::npos);
    }
  }

  TEST_CASE("validate warns, on the override's line, when a destination override differs from the DC's report at "
            "backup time") {
    ValidateFixture fx;
    testing::write_file(fx.plan, plan_text() + "  restore:\n"
                                               "    destinations:\n"
                                               "      database: 'E:\\NTDS'\n"
                                               "      logs: 'C:\\Windows\\NTDS'\n");
    auto r = fx.validate();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(":12:17: warning: spec.restore.destinations.database: spec.restore.destinations.database is "
                     "E:\\NTDS, but the DC reported C:\\Windows\\NTDS at backup time (backup set "
                     "D:\\Backups\\DC01\\2026-11-20): the restore relies on the restore map") != std::string::npos);
    CHECK(r.out.find("(0 errors, 1 warning") != std::string::npos);  // the logs override matches the report
  }

  TEST_CASE("validate without a world notes that the set was not checked") {
    ValidateFixture fx;
    std::filesystem::resize_file(fx.set.file("ntds.dit"), 1000);
    auto r = run_adrestore({"validate", "--api", "sim", fx.plan});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(":8:13: note: spec.backup.source: backup set D:\\Backups\\DC01\\2026-11-20 is not reachable "
                     "from here (no --world given); not checked") != std::string::npos);
    // The world can also come from the environment.
    r = run_adrestore({"validate", fx.plan}, 20, {"ADRESTORE_SIM_WORLD=" + fx.set.world().string()});
    CHECK(r.exit_code == 1);
  }

  TEST_CASE("validate with the win32 backend looks on this machine's volumes, or off Windows notes it cannot") {
    ValidateFixture fx;
    auto r = run_adrestore({"validate", "--api", "win32", fx.plan}, 20, {"ADRESTORE_SIM_WORLD="});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
#ifdef _WIN32
    CHECK(r.out.find("is not reachable from here (it does not exist in this machine's volumes); not checked") !=
          std::string::npos);
#else
    CHECK(r.out.find("is not reachable from here (the win32 backend cannot reach Windows volumes from this build); "
                     "not checked") != std::string::npos);
#endif
  }

  TEST_CASE("validate with a world that is not a directory is a usage error") {
    testing::TempDir plans;
    const std::string plan = plans.write("p.yaml", plan_text());
    auto r = run_adrestore({"validate", "--world", (plans.path() / "nope").string(), plan});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("is not a directory") != std::string::npos);
  }
}

}  // namespace
}  // namespace adrestore::backup
