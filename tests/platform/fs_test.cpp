// platform/fs.h behaviour that both implementations (fs_posix.cpp, fs_win32.cpp) share.
// These run natively on Linux and under wine for the Windows build.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <new>

#include "platform/fs.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::platform;
using adrestore::testing::TempDir;

namespace {

std::string utf8(const std::filesystem::path& p) { return p.u8string(); }

std::string read_all(const std::string& path) {
  auto r = platform::read_file(path, 1 << 20);
  REQUIRE_MESSAGE(r.is_ok(), r.status().message());
  return *r;
}

}  // namespace

TEST_SUITE("platform") {
  TEST_CASE("write_file_durable creates a file and replaces it whole") {
    TempDir dir;
    const std::string path = utf8(dir / "state.json");
    REQUIRE(write_file_durable(path, "first"));
    CHECK(read_all(path) == "first");
    REQUIRE(write_file_durable(path, "second, longer"));
    CHECK(read_all(path) == "second, longer");
    auto names = list_dir(utf8(dir.path()));
    REQUIRE(names.is_ok());
    CHECK(*names == std::vector<std::string>{"state.json"});  // no temporary file left behind
  }

  TEST_CASE("read_file refuses a file larger than the limit") {
    TempDir dir;
    const std::string path = dir.write("big.txt", std::string(100, 'x'));
    CHECK(platform::read_file(path, 100).is_ok());
    auto r = platform::read_file(path, 99);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == Code::invalid_input);
    CHECK(r.status().message().find("limit of 99 bytes") != std::string::npos);
  }

  TEST_CASE("stat_nofollow tells missing, regular and directory apart") {
    TempDir dir;
    auto missing = stat_nofollow(utf8(dir / "nothing-here"));
    REQUIRE(missing.is_ok());
    CHECK(missing->type == FileType::missing);
    auto in_missing_dir = stat_nofollow(utf8(dir / "no-dir" / "file"));
    REQUIRE(in_missing_dir.is_ok());
    CHECK(in_missing_dir->type == FileType::missing);

    const std::string file = dir.write("f.bin", "12345");
    auto reg = stat_nofollow(file);
    REQUIRE(reg.is_ok());
    CHECK(reg->type == FileType::regular);
    CHECK(reg->size == 5);
    CHECK(reg->mtime_unix > 1600000000);  // after 2020: the epoch conversion is right

    auto d = stat_nofollow(utf8(dir.path()));
    REQUIRE(d.is_ok());
    CHECK(d->type == FileType::directory);
  }

  TEST_CASE("write_new refuses to replace an existing file") {
    TempDir dir;
    const std::string path = dir.write("exists", "keep me");
    auto f = File::open(path, File::Mode::write_new);
    REQUIRE_FALSE(f.is_ok());
    CHECK(f.status().message().find(path) != std::string::npos);
    CHECK(read_all(path) == "keep me");
  }

  TEST_CASE("write_truncate empties an existing file and read_write keeps it") {
    TempDir dir;
    const std::string path = dir.write("t", "0123456789");
    {
      auto f = File::open(path, File::Mode::read_write);
      REQUIRE(f.is_ok());
      REQUIRE((*f)->pwrite_all("ab", 2, 4));
      REQUIRE((*f)->close());
    }
    CHECK(read_all(path) == "0123ab6789");
    {
      auto f = File::open(path, File::Mode::write_truncate);
      REQUIRE(f.is_ok());
      REQUIRE((*f)->write_all("new", 3));
      REQUIRE((*f)->sync());
      REQUIRE((*f)->close());
    }
    CHECK(read_all(path) == "new");
  }

  TEST_CASE("pread and pwrite_all leave the file position where it was") {
    TempDir dir;
    const std::string path = dir.write("p", "abcdefghij");
    auto f = File::open(path, File::Mode::read_write);
    REQUIRE(f.is_ok());
    char buf[4] = {};
    auto n = (*f)->read(buf, 2);
    REQUIRE(n.is_ok());
    CHECK(std::string(buf, *n) == "ab");
    n = (*f)->pread(buf, 3, 6);
    REQUIRE(n.is_ok());
    CHECK(std::string(buf, *n) == "ghi");
    REQUIRE((*f)->pwrite_all("XY", 2, 8));
    n = (*f)->read(buf, 2);  // continues after "ab", as on POSIX
    REQUIRE(n.is_ok());
    CHECK(std::string(buf, *n) == "cd");
    n = (*f)->pread(buf, 4, 100);  // past the end: nothing, not an error
    REQUIRE(n.is_ok());
    CHECK(*n == 0);
    REQUIRE((*f)->close());
    CHECK(read_all(path) == "abcdefghXY");
  }

  TEST_CASE("direct writes, aligned or not, store the same bytes as buffered ones and reads see them") {
    TempDir dir;
    const std::string path = utf8(dir / "partial");
    auto f = File::open(path, File::Mode::read_write);
    REQUIRE(f.is_ok());
    const bool direct = (*f)->use_direct_writes();  // false on tmpfs and on Windows for now
    MESSAGE("direct writes " << std::string(direct ? "on" : "not available") << " for " << path);
    constexpr std::size_t A = k_direct_align;
    const std::align_val_t al{A};
    char* buf = static_cast<char*>(::operator new[](3 * A, al));
    std::string expected(3 * A, '\0');
    for (std::size_t i = 0; i < 3 * A; ++i) expected[i] = buf[i] = static_cast<char>('a' + i % 23);
    CHECK((*f)->pwrite_all(buf, 3 * A, 0));            // aligned: direct when available
    CHECK((*f)->pwrite_all("tail", 4, 3 * A));         // unaligned length and offset: buffered
    std::memset(buf, 'Z', A);
    CHECK((*f)->pwrite_all(buf, A, A));                // aligned again, over cached bytes
    CHECK((*f)->pwrite_all(buf + 1, A - 1, 2 * A + 1));  // unaligned buffer
    expected.replace(A, A, std::string(A, 'Z'));
    expected.replace(2 * A + 1, A - 1, std::string(A - 1, 'Z'));
    expected += "tail";
    std::string back(expected.size(), '\0');
    auto n = (*f)->pread(back.data(), back.size(), 0);
    REQUIRE(n.is_ok());
    CHECK(*n == expected.size());
    CHECK(back == expected);
    CHECK((*f)->sync());
    auto size = (*f)->size();
    REQUIRE(size.is_ok());
    CHECK(*size == expected.size());
    REQUIRE((*f)->close());
    CHECK(read_all(path) == expected);
    ::operator delete[](buf, al);
  }

  TEST_CASE("truncate and size agree") {
    TempDir dir;
    const std::string path = dir.write("s", "0123456789");
    auto f = File::open(path, File::Mode::read_write);
    REQUIRE(f.is_ok());
    auto sz = (*f)->size();
    REQUIRE(sz.is_ok());
    CHECK(*sz == 10);
    REQUIRE((*f)->truncate(4));
    sz = (*f)->size();
    REQUIRE(sz.is_ok());
    CHECK(*sz == 4);
    REQUIRE((*f)->close());
    CHECK(read_all(path) == "0123");
  }

  TEST_CASE("opening a missing file is a not_found error naming the path") {
    TempDir dir;
    const std::string path = utf8(dir / "absent.txt");
    auto f = File::open(path, File::Mode::read);
    REQUIRE_FALSE(f.is_ok());
    CHECK(f.status().code() == Code::not_found);
    CHECK(f.status().message().find("cannot open " + path + ": ") == 0);
    // The operating system's words are a field of their own, so nobody cuts them out.
    const std::string& cause = f.status().cause();
    CHECK_FALSE(cause.empty());
    CHECK(cause.find(path) == std::string::npos);
    CHECK(f.status().message() == "cannot open " + path + ": " + cause);
    CHECK(f.status().with_context("reading the plan").cause() == cause);
  }

  TEST_CASE("create_dirs makes every missing level and list_dir lists them sorted") {
    TempDir dir;
    const std::string deep = join_path(join_path(utf8(dir.path()), "a"), "b");
    REQUIRE(create_dirs(join_path(deep, "c")));
    REQUIRE(create_dirs(join_path(deep, "c")));  // again: nothing to do, no error
    REQUIRE(write_file_durable(join_path(deep, "zeta"), "z"));
    REQUIRE(write_file_durable(join_path(deep, "alpha"), "a"));
    auto names = list_dir(deep);
    REQUIRE(names.is_ok());
    CHECK(*names == std::vector<std::string>{"alpha", "c", "zeta"});
    CHECK(parent_dir(join_path(deep, "zeta")) == deep);

    auto missing = list_dir(join_path(deep, "nope"));
    REQUIRE_FALSE(missing.is_ok());
  }

  TEST_CASE("create_dirs refuses a path that is a file") {
    TempDir dir;
    const std::string file = dir.write("plain", "x");
    Status s = create_dirs(join_path(file, "sub"));
    CHECK_FALSE(s.is_ok());
  }

  TEST_CASE("remove_file removes a file but not a directory") {
    TempDir dir;
    const std::string file = dir.write("gone", "x");
    REQUIRE(remove_file(file));
    CHECK(stat_nofollow(file)->type == FileType::missing);
    CHECK_FALSE(remove_file(file).is_ok());
    CHECK_FALSE(remove_file(utf8(dir.path())).is_ok());
    CHECK(stat_nofollow(utf8(dir.path()))->type == FileType::directory);
  }

  TEST_CASE("rename_durable replaces the target") {
    TempDir dir;
    const std::string from = dir.write("from", "new");
    const std::string to = dir.write("to", "old");
    REQUIRE(rename_durable(from, to));
    CHECK(read_all(to) == "new");
    CHECK(stat_nofollow(from)->type == FileType::missing);
  }

  TEST_CASE("non-ASCII names survive every operation as UTF-8") {
    TempDir dir;
    const std::string sub = join_path(utf8(dir.path()), "Sicherung-\xC3\xBC");          // ü
    REQUIRE(create_dirs(sub));
    const std::string file = join_path(sub, "pl\xC3\xA4n-\xE6\x97\xA5\xE6\x9C\xAC.yaml");  // ä, 日本
    REQUIRE(write_file_durable(file, "text"));
    CHECK(read_all(file) == "text");
    auto info = stat_nofollow(file);
    REQUIRE(info.is_ok());
    CHECK(info->type == FileType::regular);
    auto names = list_dir(sub);
    REQUIRE(names.is_ok());
    CHECK(*names == std::vector<std::string>{"pl\xC3\xA4n-\xE6\x97\xA5\xE6\x9C\xAC.yaml"});
    // The same name through std::filesystem: both sides agree on the encoding.
    CHECK(std::filesystem::exists(std::filesystem::u8path(file)));
    REQUIRE(remove_file(file));
  }

  TEST_CASE("links are reported as links and never opened as files") {
    TempDir dir;
    const std::string target = dir.write("target", "secret");
    const std::string link = utf8(dir / "link");
    std::error_code ec;
    std::filesystem::create_symlink(std::filesystem::u8path(target), std::filesystem::u8path(link), ec);
    if (ec) {
      MESSAGE("cannot create a symbolic link here (" << ec.message() << "); skipped");
      return;
    }
    auto info = stat_nofollow(link);
    REQUIRE(info.is_ok());
    CHECK(info->type == FileType::symlink);
    CHECK_FALSE(File::open(link, File::Mode::read).is_ok());
    CHECK_FALSE(File::open(link, File::Mode::write_truncate).is_ok());
    REQUIRE(remove_file(link));  // removes the link, not the target
    CHECK(read_all(target) == "secret");
  }

  TEST_CASE("parent_dir and join_path take a path apart and back together") {
    const std::string root = utf8(std::filesystem::temp_directory_path());
    const std::string p = join_path(join_path(root, "x"), "y.txt");
    CHECK(parent_dir(p) == join_path(root, "x"));
    CHECK(parent_dir("relative-name") == ".");
    CHECK(join_path("", "a") == "a");
  }
}
