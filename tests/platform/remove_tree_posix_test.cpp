#include <doctest/doctest.h>

#include <filesystem>

#include "platform/remove_tree.h"
#include "support.h"

namespace adrestore::testing {

TEST_SUITE("platform") {
  TEST_CASE("remove_tree removes a folder and everything in it, and never follows a link out of it") {
    TempDir t;
    namespace fs = std::filesystem;
    const fs::path outside = t / "outside";
    const fs::path tree = t / "tree";
    fs::create_directories(outside);
    write_file(outside / "keep.txt", "keep");
    fs::create_directories(tree / "a" / "b");
    write_file(tree / "a" / "b" / "file", "x");
    write_file(tree / "top", "y");
    fs::create_directory_symlink(outside, tree / "a" / "link");
    REQUIRE(platform::remove_tree(platform::system_fs(), tree.string()));
    CHECK_FALSE(fs::exists(fs::symlink_status(tree)));
    CHECK(read_file(outside / "keep.txt") == "keep");
    CHECK(platform::remove_tree(platform::system_fs(), tree.string()));  // gone already: fine
    CHECK_FALSE(platform::remove_empty_dir(outside.string()));           // not empty: refused
  }
}

}  // namespace adrestore::testing
