#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "ntds/hresult.h"
#include "ntds/hresult_doctest.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::ntds;

TEST_SUITE("ntds") {
  TEST_CASE("only S_OK counts as success, including for positive raw Win32 errors") {
    CHECK(HResult(0).ok());
    CHECK_FALSE(HResult(5).ok());  // ERROR_ACCESS_DENIED raw: FAILED() would call it success
    CHECK_FALSE(HResult(0xC7FF0007).ok());
    CHECK(HResult::from_signed(-939589615) == k_hr_contents_expired);
  }

  TEST_CASE("HRESULT_FROM_WIN32 wraps Win32 codes and leaves 0 and HRESULTs alone") {
    CHECK(hresult_from_win32(5) == HResult(0x80070005));
    CHECK(hresult_from_win32(87) == HResult(0x80070057));
    CHECK(hresult_from_win32(0) == k_hr_none);
    CHECK(hresult_from_win32(0xC7FF0007) == k_hr_could_not_connect);
    CHECK(win32_error(38, Win32Form::raw) == HResult(38));
    CHECK(win32_error(38, Win32Form::wrapped) == HResult(0x80070026));
  }

  TEST_CASE("describe_hresult gives the symbolic name and the hex value") {
    CHECK(describe_hresult(k_hr_contents_expired) == "hrContentsExpired (0xC7FF0011)");
    CHECK(describe_hresult(k_hr_none) == "hrNone (0x00000000)");
    CHECK(describe_hresult(HResult(5)) == "ERROR_ACCESS_DENIED (0x00000005)");
    CHECK(describe_hresult(HResult(0x80070005)) == "E_ACCESSDENIED (0x80070005)");
    CHECK(describe_hresult(HResult(0x80070070)) == "HRESULT_FROM_WIN32(ERROR_DISK_FULL) (0x80070070)");
    CHECK(describe_hresult(HResult(1722)) == "RPC_S_SERVER_UNAVAILABLE (0x000006BA)");
    CHECK(describe_hresult(HResult(0xC800022D)) == "hrMissingRestoreLogFiles (0xC800022D)");
    CHECK(describe_hresult(HResult(0x12345678)) == "0x12345678");
  }

  TEST_CASE("parse_hresult reads names, aliases, hex, decimal and HRESULT_FROM_WIN32") {
    CHECK(*parse_hresult("hrCouldNotConnect") == k_hr_could_not_connect);
    CHECK(*parse_hresult("HRCOULDNOTCONNECT") == k_hr_could_not_connect);
    CHECK(*parse_hresult("0xC7FF0007") == k_hr_could_not_connect);
    CHECK(*parse_hresult("0xc7ff0007") == k_hr_could_not_connect);
    CHECK(*parse_hresult("S_OK") == k_hr_none);
    CHECK(*parse_hresult("ERROR_ACCESS_DENIED") == HResult(5));
    CHECK(*parse_hresult("5") == HResult(5));
    CHECK(*parse_hresult("-939589625") == k_hr_could_not_connect);
    CHECK(*parse_hresult("E_ACCESSDENIED") == HResult(0x80070005));
    CHECK(*parse_hresult("HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)") == HResult(0x80070005));
    CHECK(*parse_hresult("HRESULT_FROM_WIN32(112)") == HResult(0x80070070));
    CHECK(*parse_hresult("hrAlreadyListening") == HResult(1713));
    CHECK(*parse_hresult("RPC_S_INVALID_BINDING") == HResult(1702));
  }

  TEST_CASE("parse_hresult refuses unknown names with a suggestion, and bad numbers") {
    auto r = parse_hresult("hrCouldNotConect");
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message().find("did you mean 'hrCouldNotConnect'") != std::string::npos);
    CHECK_FALSE(parse_hresult("").is_ok());
    CHECK_FALSE(parse_hresult("0x").is_ok());
    CHECK_FALSE(parse_hresult("0x123456789").is_ok());
    CHECK_FALSE(parse_hresult("99999999999").is_ok());
    CHECK_FALSE(parse_hresult("HRESULT_FROM_WIN32(hrNone)").is_ok());
  }

  TEST_CASE("the table has unique values and names, and every name parses back to its value") {
    std::set<std::uint32_t> values;
    std::set<std::string> names;
    for (const HResultInfo& info : hresult_table()) {
      CHECK_MESSAGE(values.insert(info.value).second, info.name);
      CHECK_MESSAGE(names.insert(info.name).second, info.name);
      auto back = parse_hresult(info.name);
      REQUIRE_MESSAGE(back.is_ok(), info.name);
      CHECK(back->value() == info.value);
      for (const std::string& a : info.aliases) CHECK(parse_hresult(a)->value() == info.value);
    }
    // Both facilities of ntdsbmsg.h and the documented Win32 and RPC codes are there.
    for (const char* n : {"hrContentsExpired", "hrUnknownExpiryTokenFormat", "hrMissingExpiryToken", "hrRestoreInProgress",
                          "hrInvalidHandle", "hrLogFileCorrupt", "hrAccessDenied", "hrExistingLogFileIsNotContiguous",
                          "ERROR_HANDLE_EOF", "ERROR_NOT_ENOUGH_MEMORY", "ERROR_FILE_NOT_FOUND", "RPC_S_SERVER_UNAVAILABLE",
                          "HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)"}) {
      CHECK_MESSAGE(names.count(n) == 1, n);
    }
  }

  TEST_CASE("every code ntdsbmsg.h defines is in the table with the header's value") {
    std::string header;
    for (const char* p : {"/usr/x86_64-w64-mingw32/include/ntdsbmsg.h", "/usr/share/mingw-w64/include/ntdsbmsg.h"}) {
      if (std::filesystem::exists(p)) {
        header = testing::read_file(p);
        break;
      }
    }
    if (header.empty()) {
      MESSAGE("mingw-w64's ntdsbmsg.h is not installed; comparison skipped");
      return;
    }
    const std::regex def(R"(#define (hr\w+) \(\(HRESULT\)(0x[0-9A-Fa-f]{8}|RPC_S_ALREADY_LISTENING)\))");
    int seen = 0;
    for (auto it = std::sregex_iterator(header.begin(), header.end(), def); it != std::sregex_iterator(); ++it) {
      const std::string name = (*it)[1];
      const std::string value = (*it)[2];
      auto hr = parse_hresult(name);
      REQUIRE_MESSAGE(hr.is_ok(), name << " is missing from the table");
      const std::uint32_t want = value == "RPC_S_ALREADY_LISTENING" ? 1713u : static_cast<std::uint32_t>(std::stoul(value, nullptr, 16));
      CHECK_MESSAGE(hr->value() == want, name);
      ++seen;
    }
    CHECK(seen > 150);
  }

  TEST_CASE("doc/hresults.md holds exactly the table the code has") {
    const auto doc_path = testing::source_dir() / "doc" / "hresults.md";
    const std::string begin = "<!-- BEGIN GENERATED TABLE (hresult_table_markdown) -->\n";
    const std::string end = "<!-- END GENERATED TABLE -->";
    const char* regen = std::getenv("ADRESTORE_REGENERATE_DOCS");
    std::string doc = testing::read_file(doc_path);
    const std::size_t b = doc.find(begin);
    const std::size_t e = doc.find(end);
    REQUIRE_MESSAGE(b != std::string::npos, "doc/hresults.md lacks the BEGIN marker");
    REQUIRE_MESSAGE(e != std::string::npos, "doc/hresults.md lacks the END marker");
    const std::string in_doc = doc.substr(b + begin.size(), e - b - begin.size());
    if (regen && *regen && in_doc != hresult_table_markdown()) {
      doc = doc.substr(0, b + begin.size()) + hresult_table_markdown() + doc.substr(e);
      testing::write_file(doc_path, doc);
      MESSAGE("regenerated doc/hresults.md");
      return;
    }
    CHECK_MESSAGE(in_doc == hresult_table_markdown(),
                  "doc/hresults.md is out of date; run ADRESTORE_REGENERATE_DOCS=1 adrestore_tests -tc='doc/hresults.md*'");
  }
}
