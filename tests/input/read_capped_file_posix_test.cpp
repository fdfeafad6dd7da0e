// read_capped_file and FIFOs (POSIX only: Windows has no named pipes in the file system).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "input/guard.h"
#include "support.h"

using adrestore::input::read_capped_file;
using adrestore::testing::TempDir;

TEST_SUITE("input") {
  TEST_CASE("read_capped_file refuses a FIFO without blocking on it") {
    TempDir dir;
    const std::string fifo = (dir.path() / "plan.yaml").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto r = read_capped_file(fifo, 100);  // with no writer, opening it would block forever
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message() == "is not a regular file (a device or a pipe?)");
  }
}
