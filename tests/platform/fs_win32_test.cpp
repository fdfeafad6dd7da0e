// fs_win32.cpp specifics: long paths, both separators, Windows path roots, devices, and
// messages that never show the \\?\ prefix the implementation adds.
#include <doctest/doctest.h>

#include "platform/fs.h"
#include "platform/win32.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::platform;
using adrestore::testing::TempDir;

TEST_SUITE("platform") {
  TEST_CASE("paths longer than MAX_PATH work and messages show them without the prefix") {
    TempDir dir;
    std::string deep = dir.path().u8string();
    while (deep.size() < 400) deep = join_path(deep, std::string(40, 'd'));
    REQUIRE(create_dirs(deep));
    const std::string file = join_path(deep, "journal.bin");
    REQUIRE(file.size() > MAX_PATH);
    REQUIRE(write_file_durable(file, "long"));
    auto text = read_file(file, 100);
    REQUIRE(text.is_ok());
    CHECK(*text == "long");
    auto info = stat_nofollow(file);
    REQUIRE(info.is_ok());
    CHECK(info->type == FileType::regular);
    auto names = list_dir(deep);
    REQUIRE(names.is_ok());
    CHECK(*names == std::vector<std::string>{"journal.bin"});

    auto missing = File::open(join_path(deep, "absent"), File::Mode::read);
    REQUIRE_FALSE(missing.is_ok());
    CHECK(missing.status().message().find("\\\\?\\") == std::string::npos);
    CHECK(missing.status().message().find(join_path(deep, "absent")) != std::string::npos);
    CHECK(missing.status().message().find("(error 2)") != std::string::npos);  // ERROR_FILE_NOT_FOUND
  }

  TEST_CASE("forward slashes and dot segments are accepted as Windows accepts them") {
    TempDir dir;
    std::string base = dir.path().u8string();
    for (char& c : base) {
      if (c == '\\') c = '/';
    }
    REQUIRE(create_dirs(base + "/sub"));
    REQUIRE(write_file_durable(base + "/sub/../f.txt", "dots"));
    auto text = read_file(join_path(dir.path().u8string(), "f.txt"), 10);
    REQUIRE(text.is_ok());
    CHECK(*text == "dots");
  }

  TEST_CASE("parent_dir stops at drive and share roots") {
    CHECK(parent_dir("C:\\Windows\\NTDS\\ntds.dit") == "C:\\Windows\\NTDS");
    CHECK(parent_dir("C:\\Windows\\") == "C:\\");
    CHECK(parent_dir("C:\\") == "C:\\");
    CHECK(parent_dir("\\\\srv\\share\\dir\\f") == "\\\\srv\\share\\dir");
    CHECK(parent_dir("\\\\srv\\share\\f") == "\\\\srv\\share\\");
    CHECK(parent_dir("C:/a/b") == "C:/a");
    CHECK(join_path("C:\\a", "b") == "C:\\a\\b");
    CHECK(join_path("C:\\", "b") == "C:\\b");
  }

  TEST_CASE("a device is neither a file nor a directory") {
    auto nul = stat_nofollow("NUL");
    REQUIRE(nul.is_ok());
    CHECK(nul->type == FileType::other);
  }

  TEST_CASE("programs are recognised by their extension") {
    TempDir dir;
    const std::string exe = dir.write("tool.EXE", "MZ");
    const std::string cmd = dir.write("hook.cmd", "@echo off");
    const std::string txt = dir.write("notes.txt", "x");
    CHECK(stat_nofollow(exe)->executable);
    CHECK(stat_nofollow(cmd)->executable);
    CHECK_FALSE(stat_nofollow(txt)->executable);
  }

  TEST_CASE("a path that is not valid UTF-8 is refused with a clear message") {
    auto f = File::open("C:\\bad-\xFF.txt", File::Mode::read);
    REQUIRE_FALSE(f.is_ok());
    CHECK(f.status().message().find("not valid UTF-8") != std::string::npos);
  }

  TEST_CASE("Win32 errors carry the system's text and code") {
    Status s = win32::error_status("cannot open", "C:\\x", ERROR_ACCESS_DENIED);
    CHECK(s.code() == Code::access_denied);
    CHECK(s.message().find("cannot open C:\\x: ") == 0);
    CHECK(s.message().find("(error 5)") != std::string::npos);
    CHECK(s.message().size() > std::string("cannot open C:\\x:  (error 5)").size());  // some text
    CHECK(win32::error_status("cannot open", "C:\\x", ERROR_FILE_NOT_FOUND).code() == Code::not_found);
  }

  TEST_CASE("UTF-8 and UTF-16 convert both ways") {
    auto w = win32::to_utf16("a\xC3\xA4\xF0\x9F\x98\x80");  // a, ä, U+1F600 (a surrogate pair)
    REQUIRE(w.is_ok());
    CHECK(*w == std::wstring{L'a', 0x00E4, 0xD83D, 0xDE00});
    CHECK(win32::to_utf8(*w) == "a\xC3\xA4\xF0\x9F\x98\x80");
    CHECK_FALSE(win32::to_utf16("\xC3").is_ok());
  }

  TEST_CASE("a symbolic link made by CreateSymbolicLinkW is a link, not its target") {
    TempDir dir;
    const std::string target = dir.write("target.txt", "secret");
    const std::string link = join_path(dir.path().u8string(), "link.txt");
    auto wlink = win32::to_utf16(link);
    auto wtarget = win32::to_utf16(target);
    REQUIRE(wlink.is_ok());
    REQUIRE(wtarget.is_ok());
    // 0x2: SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE (developer mode); older systems ignore it.
    if (!::CreateSymbolicLinkW(wlink->c_str(), wtarget->c_str(), 0x2)) {
      MESSAGE("CreateSymbolicLinkW failed (" << win32::error_text(::GetLastError()) << "); skipped");
      return;
    }
    if (::GetFileAttributesW(wlink->c_str()) == INVALID_FILE_ATTRIBUTES) {
      MESSAGE("CreateSymbolicLinkW claimed success but made nothing (wine 8 has a stub); skipped");
      return;
    }
    auto info = stat_nofollow(link);
    REQUIRE(info.is_ok());
    CHECK(info->type == FileType::symlink);
    auto opened = File::open(link, File::Mode::read);
    REQUIRE_FALSE(opened.is_ok());
    CHECK(opened.status().message().find("is a link") != std::string::npos);
    REQUIRE(remove_file(link));
    auto text = read_file(target, 100);
    REQUIRE(text.is_ok());
    CHECK(*text == "secret");
  }
}
