// Reading plan files (input/guard.h read_capped_file, load_yaml_file): only regular files,
// never opening devices or FIFOs. POSIX only: it makes FIFOs and uses /dev.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "input/guard.h"
#include "support.h"

namespace adrestore::testing {

TEST_SUITE("input") {
  TEST_CASE("a plan file is read only when it is a regular file under the size limit") {
    TempDir dir;
    const std::string ok = dir.write("ok.yaml", "a: 1\n");
    CHECK(input::read_capped_file(ok, 5).is_ok());
    CHECK(*input::read_capped_file(ok, 5) == "a: 1\n");
    const auto big = input::read_capped_file(ok, 4);
    REQUIRE_FALSE(big.is_ok());
    CHECK(big.status().message().find("is 5 bytes; the limit is 4 bytes") != std::string::npos);
    const auto missing = input::read_capped_file((dir / "missing.yaml").string(), 100);
    REQUIRE_FALSE(missing.is_ok());
    CHECK(missing.status().message().find("cannot read") != std::string::npos);
    // The operating system's code, not a usage error; the caller names the path.
    CHECK(missing.status().code() == Code::not_found);
    CHECK(missing.status().message().find(dir.path().string()) == std::string::npos);
    const auto folder = input::read_capped_file(dir.path().string(), 100);
    REQUIRE_FALSE(folder.is_ok());
    CHECK(folder.status().message().find("is a directory") != std::string::npos);
    const auto device = input::read_capped_file("/dev/zero", 100);
    REQUIRE_FALSE(device.is_ok());
    CHECK(device.status().message().find("not a regular file") != std::string::npos);
  }

  TEST_CASE("a FIFO with no writer is refused at once instead of blocking the read") {
    TempDir dir;
    const std::string fifo = (dir / "plan.yaml").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto start = std::chrono::steady_clock::now();
    const auto r = input::read_capped_file(fifo, 100);
    // A hang detector, not a speed test: the refusal is immediate, a blocking read would wait
    // for a writer that never comes. 30 s leaves a loaded machine ample room.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message().find("not a regular file") != std::string::npos);
  }

  TEST_CASE("load_yaml_file reports an unreadable file without the path repeated in the message") {
    TempDir dir;
    input::Diagnostics diags("x.yaml");
    const input::Loaded l = input::load_yaml_file((dir / "x.yaml").string(), diags);
    CHECK(l.failure == input::LoadFailure::unreadable);
    REQUIRE(diags.items().size() == 1);
    CHECK(diags.items()[0].message.rfind("cannot read", 0) == 0);
  }
}

}  // namespace adrestore::testing
