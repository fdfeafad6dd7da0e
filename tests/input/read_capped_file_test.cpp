// input::read_capped_file: plan files are read through the platform layer, looked at before
// they are opened, and never read past the cap.
#include <doctest/doctest.h>

#include <filesystem>

#include "input/guard.h"
#include "support.h"

using adrestore::Code;
using adrestore::input::read_capped_file;
using adrestore::testing::TempDir;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("input") {
  TEST_CASE("read_capped_file returns the whole file when it fits the cap") {
    TempDir dir;
    const std::string text = "kind: RestorePlan\n" + std::string(70000, '#') + "\n";
    const std::string path = dir.write("plan.yaml", text);
    auto r = read_capped_file(path, text.size());
    REQUIRE(r.is_ok());
    CHECK(*r == text);
    auto empty = read_capped_file(dir.write("empty.yaml", ""), 10);
    REQUIRE(empty.is_ok());
    CHECK(empty->empty());
  }

  TEST_CASE("read_capped_file refuses a file over the cap by its size, before reading") {
    TempDir dir;
    const std::string path = dir.write("big.yaml", std::string(101, 'x'));
    auto r = read_capped_file(path, 100);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == Code::usage);
    CHECK(r.status().message() == "is 101 bytes; the limit is 100 bytes");
  }

  TEST_CASE("read_capped_file refuses a directory (a usage error) and a missing file (not_found)") {
    TempDir dir;
    const std::string d = dir.path().u8string();
    auto r = read_capped_file(d, 100);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == Code::usage);
    CHECK(r.status().message() == "is a directory, not a file");

    const std::string missing = (dir.path() / "nope.yaml").u8string();
    auto m = read_capped_file(missing, 100);
    REQUIRE_FALSE(m.is_ok());
    CHECK(m.status().code() == Code::not_found);  // the OS says what happened; the CLI exits 2
    CHECK(m.status().message() == "cannot read: No such file or directory");
  }

  TEST_CASE("read_capped_file reads a file with a non-ASCII name") {
    TempDir dir;
    const std::string path = dir.write("pl\xC3\xA4n-\xC3\xBC.yaml", "metadata: {}\n");
    auto r = read_capped_file(path, 100);
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    CHECK(*r == "metadata: {}\n");
  }

  TEST_CASE("read_capped_file refuses a link instead of following it") {
    TempDir dir;
    const std::string target = dir.write("real.yaml", "kind: x\n");
    const auto link = dir.path() / "link.yaml";
    std::error_code ec;
    std::filesystem::create_symlink(std::filesystem::u8path(target), link, ec);
    if (ec) {
      MESSAGE("cannot create a symbolic link here (" << ec.message() << "); skipped");
      return;
    }
    auto r = read_capped_file(link.u8string(), 100);
    REQUIRE_FALSE(r.is_ok());
    CHECK(contains(r.status().message(), "is a link"));
  }

  TEST_CASE("read_capped_file refuses a device without reading it") {
#ifdef _WIN32
    const std::string device = "NUL";
#else
    const std::string device = "/dev/zero";  // reading it would never end
#endif
    auto r = read_capped_file(device, 100);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message() == "is not a regular file (a device or a pipe?)");
  }
}
