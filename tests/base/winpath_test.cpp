// WinPath (base/winpath.h): strict parsing of absolute Windows paths, so that containment
// checks cannot be fooled by the ways Windows rewrites a path.
#include "base/winpath.h"

#include <doctest/doctest.h>

namespace adrestore::testing {
namespace {

WinPath path(const std::string& text) {
  Result<WinPath> p = WinPath::parse(text);
  REQUIRE_MESSAGE(p.is_ok(), text << ": " << p.status().message());
  return *p;
}

std::string refusal(const std::string& text) {
  Result<WinPath> p = WinPath::parse(text);
  REQUIRE_MESSAGE(!p.is_ok(), text << " was accepted");
  CHECK(p.status().code() == Code::invalid_input);
  return p.status().message();
}

}  // namespace

TEST_SUITE("base") {
  TEST_CASE("drive paths parse into a drive and segments; slashes and a trailing separator are normalised") {
    const WinPath p = path("d:/Backups\\DC01/");
    CHECK(p.root() == WinPath::Root::drive);
    CHECK(p.drive() == 'D');
    CHECK(p.segments() == std::vector<std::string>{"Backups", "DC01"});
    CHECK(p.str() == "D:\\Backups\\DC01");
    CHECK(path("C:\\").str() == "C:\\");
    CHECK(path("C:\\").segments().empty());
  }

  TEST_CASE("UNC paths parse into server, share and segments") {
    const WinPath p = path("\\\\backup01\\adbackups\\DC01\\2026");
    CHECK(p.root() == WinPath::Root::unc);
    CHECK(p.server() == "backup01");
    CHECK(p.share() == "adbackups");
    CHECK(p.segments() == std::vector<std::string>{"DC01", "2026"});
    CHECK(p.str() == "\\\\backup01\\adbackups\\DC01\\2026");
    CHECK(path("//srv/share/").str() == "\\\\srv\\share");
  }

  TEST_CASE("relative, rooted-but-driveless and drive-relative paths are refused") {
    CHECK(refusal("NTDS").find("not an absolute Windows path") != std::string::npos);
    CHECK(refusal(".\\NTDS").find("not an absolute Windows path") != std::string::npos);
    CHECK(refusal("\\NTDS").find("not an absolute Windows path") != std::string::npos);
    CHECK(refusal("C:foo").find("is not absolute; write a drive and a backslash") != std::string::npos);
    CHECK(refusal("C:").find("is not absolute") != std::string::npos);
    CHECK(refusal("1:\\x").find("not an absolute Windows path") != std::string::npos);
    CHECK(refusal("").find("not an absolute") != std::string::npos);
  }

  TEST_CASE("incomplete UNC paths are refused") {
    for (const char* p : {"\\\\srv", "\\\\srv\\", "\\\\\\share", "\\\\srv\\\\share"}) {
      CAPTURE(p);
      CHECK(refusal(p).find("not a complete UNC path") != std::string::npos);
    }
  }

  TEST_CASE("'.' and '..' segments are refused rather than resolved") {
    CHECK(refusal("D:\\NTDS\\..\\Windows").find("'..' segment") != std::string::npos);
    CHECK(refusal("D:\\NTDS\\.").find("'.' segment") != std::string::npos);
    CHECK(refusal("\\\\srv\\share\\..\\other").find("'..' segment") != std::string::npos);
    CHECK(refusal("\\\\srv\\..\\x").find("'..' segment") != std::string::npos);
  }

  TEST_CASE("device namespace prefixes are refused") {
    for (const char* p : {"\\\\?\\D:\\NTDS", "\\\\.\\D:\\NTDS", "\\\\?\\UNC\\srv\\share", "\\\\.\\pipe\\x", "//?/D:/x",
                          "\\??\\D:\\x"}) {
      CAPTURE(p);
      CHECK(refusal(p).find("device prefix") != std::string::npos);
    }
  }

  TEST_CASE("reserved device names are refused in any segment, with an extension, in any case") {
    for (const char* p :
         {"D:\\CON", "D:\\x\\nul.txt", "D:\\COM1", "D:\\com9\\x", "D:\\LPT9", "D:\\lpt0", "D:\\AUX.tar.gz", "D:\\PRN",
          "D:\\CONIN$", "D:\\conout$", "D:\\CON .txt", "\\\\srv\\CON\\x", "D:\\COM\xC2\xB9", "D:\\lpt\xC2\xB3.log"}) {
      CAPTURE(p);
      CHECK(refusal(p).find("reserved device name") != std::string::npos);
    }
  }

  TEST_CASE("names that merely start like a device name are fine") {
    for (const char* p : {"D:\\CONFIG", "D:\\COM10", "D:\\LPT", "D:\\nul_x", "D:\\console.log", "D:\\COM\xC2\xB4"}) {
      CAPTURE(p);
      CHECK(WinPath::parse(p).is_ok());
    }
  }

  TEST_CASE("segments ending in a dot or a space are refused because Windows strips them") {
    CHECK(refusal("D:\\NTDS.").find("ending in a dot or a space") != std::string::npos);
    CHECK(refusal("D:\\NTDS ").find("ending in a dot or a space") != std::string::npos);
    CHECK(refusal("D:\\NTDS. \\x").find("ending in a dot or a space") != std::string::npos);
    CHECK(WinPath::parse("D:\\.hidden\\a.b").is_ok());
    CHECK(WinPath::parse("D:\\ leading").is_ok());
  }

  TEST_CASE("alternate data streams, wildcards and forbidden characters are refused") {
    CHECK(refusal("E:\\NTDS:stream").find("alternate data stream") != std::string::npos);
    CHECK(refusal("E:\\NTDS\\ntds.dit::$DATA").find("alternate data stream") != std::string::npos);
    CHECK(refusal("D:\\NT*S").find("wildcard ('*')") != std::string::npos);
    CHECK(refusal("D:\\NT?S").find("wildcard ('?')") != std::string::npos);
    for (const char* p : {"D:\\a<b", "D:\\a>b", "D:\\a|b", "D:\\a\"b"}) {
      CAPTURE(p);
      CHECK(refusal(p).find("does not allow") != std::string::npos);
    }
    CHECK(refusal(std::string("D:\\a\x01"
                              "b"))
              .find("control character") != std::string::npos);
    CHECK(refusal("D:\\\\x").find("empty path segment") != std::string::npos);
  }

  TEST_CASE("a path longer than Windows allows is refused") {
    CHECK(WinPath::parse("D:\\" + std::string(31997, 'a')).is_ok());
    CHECK(refusal("D:\\" + std::string(31998, 'a')).find("longer than Windows allows") != std::string::npos);
  }

  TEST_CASE("the refusal quotes the path with control characters escaped") {
    CHECK(refusal("D:\\a\tb\\..").rfind("'D:\\a\\tb\\..'", 0) == 0);
  }

  TEST_CASE("equality ignores case and a trailing separator, on the drive, server, share and segments") {
    CHECK(path("d:\\ntds\\").equals(path("D:\\NTDS")));
    CHECK(path("\\\\SRV\\Share\\X").equals(path("\\\\srv\\share\\x")));
    CHECK_FALSE(path("D:\\NTDS").equals(path("E:\\NTDS")));
    CHECK_FALSE(path("D:\\NTDS").equals(path("D:\\NTDS\\x")));
    CHECK_FALSE(path("\\\\srv\\a\\x").equals(path("\\\\srv\\b\\x")));
    CHECK_FALSE(path("D:\\x").equals(path("\\\\D\\x")));
  }

  TEST_CASE("containment is segment-wise: D:\\NTDS_x is not inside D:\\NTDS, and neither way round") {
    const WinPath ntds = path("D:\\NTDS");
    const WinPath ntds_x = path("D:\\NTDS_x");
    CHECK_FALSE(ntds_x.is_inside(ntds));
    CHECK_FALSE(ntds.is_inside(ntds_x));
    CHECK_FALSE(path("D:\\NTDS.old").is_inside(ntds));
    CHECK_FALSE(path("D:\\NTD").is_inside(ntds));
    CHECK_FALSE(ntds.is_inside(path("D:\\NTD")));
    CHECK_FALSE(path("\\\\srv\\share2\\x").is_inside(path("\\\\srv\\share")));
    CHECK_FALSE(path("\\\\srv2\\share\\x").is_inside(path("\\\\srv\\share")));
  }

  TEST_CASE("containment is strict and case-insensitive; equality is separate") {
    const WinPath ntds = path("D:\\NTDS");
    CHECK(path("d:\\ntds\\logs").is_inside(ntds));
    CHECK(path("D:\\NTDS\\a\\b\\c").is_inside(ntds));
    CHECK_FALSE(ntds.is_inside(ntds));
    CHECK(ntds.equals_or_inside(ntds));
    CHECK(ntds.is_inside(path("D:\\")));
    CHECK_FALSE(path("D:\\").is_inside(ntds));
    CHECK_FALSE(path("E:\\NTDS\\x").is_inside(ntds));
    CHECK(path("\\\\SRV\\share\\a\\b").is_inside(path("\\\\srv\\SHARE\\A")));
    CHECK(path("\\\\srv\\share\\a").is_inside(path("\\\\srv\\share")));
  }

  TEST_CASE("child, parent and file name walk the segments") {
    const WinPath p = path("D:\\NTDS");
    CHECK(p.child("ntds.dit").str() == "D:\\NTDS\\ntds.dit");
    CHECK(p.child("ntds.dit").file_name() == "ntds.dit");
    CHECK(p.child("x").parent().equals(p));
    CHECK(path("D:\\").parent().str() == "D:\\");
    CHECK(path("D:\\").file_name().empty());
    CHECK(path("\\\\srv\\share").parent().str() == "\\\\srv\\share");
  }

  TEST_CASE("check_windows_name explains each refused name and accepts ordinary ones") {
    CHECK(check_windows_name("ntds.dit").empty());
    CHECK(check_windows_name("edb00001.log").empty());
    CHECK_FALSE(check_windows_name("").empty());
    CHECK_FALSE(check_windows_name("..").empty());
    CHECK_FALSE(check_windows_name("a:b").empty());
    CHECK_FALSE(check_windows_name("NUL").empty());
    CHECK_FALSE(check_windows_name("x.").empty());
  }
}

}  // namespace adrestore::testing
