// What an operator reads when backup.verify stops a run: an old set is called too old, with
// its dates; only a damaged set is called a mismatch with its manifest, and a set that
// would not recover (the ESE checks) says so.
#include <doctest/doctest.h>

#include <fstream>

#include "exec/matrix_fixture.h"

using adrestore::testing::MatrixOptions;
using adrestore::testing::MatrixWorld;
using adrestore::testing::RunResult;
using adrestore::testing::contains;

TEST_SUITE("exec") {
  TEST_CASE("a backup older than maxAge is refused as too old, with the date it was taken and the date it expired") {
    MatrixOptions o;
    o.world_overrides = "clockOffset: -17280000\n";  // the backup is taken 200 days ago
    MatrixWorld w(o);
    const RunResult r = w.run();
    const std::string all = r.out + r.err;
    CHECK(r.exit_code == 3);
    CHECK_MESSAGE(contains(all, "the backup set D:\\Backups\\DC01 is too old to restore; nothing was changed: the backup was taken 20"), all);
    CHECK_MESSAGE(contains(all, "200.0 days ago; maxAge allows 180.0 days, so it has been too old since 20"), all);
    CHECK_MESSAGE(contains(all, "older than the tombstone lifetime"), all);
    CHECK_MESSAGE(!contains(all, "does not match its manifest"), all);
    CHECK(w.destination() == w.destination_before);
  }

  TEST_CASE("a damaged backup file is still reported as not matching the manifest") {
    MatrixWorld w;
    {
      std::fstream f(w.host("D/Backups/DC01/ntds.dit"), std::ios::in | std::ios::out | std::ios::binary);
      REQUIRE(f);
      f.seekp(9000);
      f.put('\x5a');
    }
    const RunResult r = w.run();
    const std::string all = r.out + r.err;
    CHECK(r.exit_code == 3);
    CHECK_MESSAGE(contains(all, "the backup set D:\\Backups\\DC01 does not match its manifest; nothing was changed: ntds.dit"), all);
    CHECK_MESSAGE(!contains(all, "too old"), all);
    CHECK(w.destination() == w.destination_before);
  }

  TEST_CASE("a set that matches its manifest but would not recover is refused before restore.prepare") {
    MatrixOptions o;
    // adrestore backup applies the fault to the set it writes, re-hashing the manifest.
    o.world_overrides = "faults:\n  - {ese: {problem: foreignLog, backupFile: edb00002.log}}\n";
    MatrixWorld w(o);
    const RunResult r = w.run();
    const std::string all = r.out + r.err;
    CHECK(r.exit_code == 3);
    CHECK_MESSAGE(contains(all, "the backup set D:\\Backups\\DC01 would not recover (its bytes match the manifest); "
                                "nothing was changed: edb00002.log belongs to another database: its log signature"),
                  all);
    CHECK(w.destination() == w.destination_before);
  }
}
