#include <doctest/doctest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "backup/encoding.h"
#include "backup/manifest.h"
#include "set_fixture.h"

namespace adrestore::backup {
namespace {

using ojson = nlohmann::ordered_json;

// A valid manifest (three files, 64 KiB chunks) as JSON to mutate.
ojson valid_doc() {
  static const std::string text = [] {
    testing::SetFixture set(200000, 1, 70000);
    return serialize_manifest(set.manifest());
  }();
  return ojson::parse(text);
}

// Parses a mutated manifest and returns the error text ("" when it was accepted).
std::string errors_of(const ojson& doc) {
  auto r = parse_manifest(doc.dump(2));
  return r ? std::string() : r.status().message();
}

void expect_refused(const std::function<void(ojson&)>& mutate, const std::string& field, const std::string& words) {
  ojson doc = valid_doc();
  mutate(doc);
  const std::string err = errors_of(doc);
  INFO("manifest: " << doc.dump());
  INFO("errors: " << err);
  CHECK_FALSE(err.empty());
  CHECK(err.find(field) != std::string::npos);
  CHECK(err.find(words) != std::string::npos);
}

void expect_path_refused(const std::string& path, const std::string& words) {
  expect_refused([&](ojson& d) { d["files"][1]["path"] = path; }, "files[1].path", words);
}

TEST_SUITE("backup") {
  TEST_CASE("a serialized manifest parses back to the same manifest and the same text") {
    testing::SetFixture set(300000, 3, 70000);
    const std::string text = serialize_manifest(set.manifest());
    auto parsed = parse_manifest(text);
    REQUIRE_MESSAGE(parsed, parsed.status().message());
    const Manifest& m = *parsed;
    CHECK(m.format_version == 1);
    CHECK(m.dc == "DC01.corp.example.com");
    CHECK(m.created_at == "2026-11-20T02:00:00Z");
    CHECK(m.created_at_unix == testing::k_fixture_created);
    CHECK(m.expiry_token_base64 == "AAECAwQFBgcICQ==");
    CHECK(m.gen_low == 1);
    CHECK(m.gen_high == 3);
    CHECK(m.locations.database_file->str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(m.chunk_size == 65536);
    REQUIRE(m.files.size() == 5);
    CHECK(m.files[0].path == "ntds.dit");
    CHECK(m.files[0].kind == FileKind::database);
    CHECK(m.files[0].size == 300000);
    CHECK(m.files[0].chunk_sha256.size() == 5);
    CHECK(m.files[0].sha256 == set.manifest().files[0].sha256);
    CHECK(m.files[1].path == "logs/edb00001.log");
    CHECK(m.files[1].kind == FileKind::log);
    CHECK(m.files[4].kind == FileKind::checkpoint);
    CHECK(serialize_manifest(m) == text);
    CHECK(text.back() == '\n');
    CHECK(text.find("\n  \"formatVersion\": 1,\n") != std::string::npos);
  }

  TEST_CASE("the expiry token bytes are the decoded base64") {
    testing::SetFixture set(1000, 0, 0);
    auto bytes = expiry_token_bytes(set.manifest());
    REQUIRE(bytes);
    CHECK(*bytes == std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  }

  TEST_CASE("set paths that leave the folder, are absolute or use backslashes are refused") {
    expect_path_refused("../ntds.dit", "'..' segment");
    expect_path_refused("logs/../../x", "'..' segment");
    expect_path_refused("./x", "'.' segment");
    expect_path_refused("/etc/passwd", "is absolute");
    expect_path_refused("//srv/share/x", "is absolute");
    expect_path_refused("C:/Windows/x", "drive letter");
    expect_path_refused("c:x", "drive letter");
    expect_path_refused("\\\\srv\\share\\x", "backslash");
    expect_path_refused("logs\\x.log", "backslash");
    expect_path_refused("a//b", "empty segment");
    expect_path_refused("a/", "empty segment");
    expect_path_refused("", "is empty");
  }

  TEST_CASE("set paths Windows cannot hold are refused") {
    expect_path_refused("CON", "reserved device name");
    expect_path_refused("logs/nul.txt", "reserved device name");
    expect_path_refused("a*b", "wildcard");
    expect_path_refused("ntds.dit:stream", "alternate data stream");
    expect_path_refused("name.", "ending in a dot");
    expect_path_refused("a<b", "does not allow");
    expect_path_refused(std::string("a\x01") + "b", "control character");
    expect_path_refused("caf\xC3\xA9", "non-ASCII");
    expect_path_refused(std::string(300, 'a'), "longer than 255");
    expect_path_refused(std::string(1100, 'a'), "at most 1024");
  }

  TEST_CASE("duplicate and case-colliding set paths are refused") {
    expect_refused([](ojson& d) { d["files"][1]["path"] = "ntds.dit"; }, "files[1].path", "same file as files[0]");
    expect_refused([](ojson& d) { d["files"][1]["path"] = "NTDS.DIT"; }, "files[1].path", "case-insensitive");
    expect_refused([](ojson& d) { d["files"][0]["path"] = "logs"; }, "files[0].path", "uses it as a folder");
    expect_refused([](ojson& d) { d["files"][1]["path"] = "ADRESTORE-backup.json"; }, "files[1].path",
                   "manifest's own name");
    expect_refused([](ojson& d) { d["files"][1]["originalPath"] = "c:\\windows\\ntds\\NTDS.dit"; },
                   "files[1].originalPath", "also the original path of files[0]");
  }

  TEST_CASE("sizes and hashes that do not match the format are refused") {
    expect_refused([](ojson& d) { d["files"][0]["size"] = -1; }, "files[0].size", "cannot be negative");
    expect_refused([](ojson& d) { d["files"][0]["size"] = 1.5; }, "files[0].size", "expected a size in bytes");
    expect_refused([](ojson& d) { d["files"][0]["size"] = "200000"; }, "files[0].size", "expected a size in bytes");
    expect_refused([](ojson& d) { d["files"][0]["size"] = 1; }, "files[0].chunks", "a file of 1 bytes");
    expect_refused([](ojson& d) { d["files"][0]["size"] = 0; }, "files[0].chunks", "has 0");
    expect_refused([](ojson& d) { d["files"][0]["chunks"].erase(0); }, "files[0].chunks", "has 3 chunk hashes");
    expect_refused([](ojson& d) { d["files"][0]["chunks"].push_back(d["files"][0]["sha256"]); }, "files[0].chunks",
                   "has 5 chunk hashes");
    expect_refused(
        [](ojson& d) {
          std::string h = d["files"][0]["sha256"];
          for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          d["files"][0]["sha256"] = h;
        },
        "files[0].sha256", "64 lower-case hex digits");
    expect_refused([](ojson& d) { d["files"][0]["sha256"] = std::string(63, 'a'); }, "files[0].sha256", "lower-case hex");
    expect_refused([](ojson& d) { d["files"][0]["sha256"] = std::string(64, 'g'); }, "files[0].sha256", "lower-case hex");
    expect_refused([](ojson& d) { d["files"][0]["chunks"][2] = "xyz"; }, "files[0].chunks[2]", "SHA-256");
    expect_refused([](ojson& d) { d["files"][0]["type"] = "logs"; }, "files[0].type", "did you mean 'log'?");
    expect_refused([](ojson& d) { d["files"][0]["originalPath"] = "Windows\\NTDS\\ntds.dit"; }, "files[0].originalPath",
                   "not an absolute Windows path");
  }

  TEST_CASE("an unknown format version is refused naming the supported one") {
    expect_refused([](ojson& d) { d["formatVersion"] = 2; }, "formatVersion",
                   "format version 2 is not supported; this adrestore reads format version 1");
    expect_refused([](ojson& d) { d["formatVersion"] = 0; }, "formatVersion", "reads format version 1");
    expect_refused([](ojson& d) { d["formatVersion"] = "1"; }, "formatVersion", "expected the whole number 1");
    expect_refused([](ojson& d) { d.erase("formatVersion"); }, "", "required field 'formatVersion' is missing");
  }

  TEST_CASE("a newer format version is reported alone, not as a list of unknown fields") {
    ojson doc = valid_doc();
    doc["formatVersion"] = 3;
    doc["newField"] = true;
    const std::string err = errors_of(doc);
    CHECK(err.find("newer adrestore") != std::string::npos);
    CHECK(err.find("newField") == std::string::npos);
  }

  TEST_CASE("a missing, empty or malformed expiry token is refused") {
    expect_refused([](ojson& d) { d.erase("expiryToken"); }, "", "required field 'expiryToken' is missing");
    expect_refused([](ojson& d) { d["expiryToken"] = ""; }, "expiryToken", "the expiry token is empty");
    expect_refused([](ojson& d) { d["expiryToken"] = "abc"; }, "expiryToken", "not a multiple of 4");
    expect_refused([](ojson& d) { d["expiryToken"] = "ab!d"; }, "expiryToken", "outside the base64 alphabet");
    expect_refused([](ojson& d) { d["expiryToken"] = "QR=="; }, "expiryToken", "not canonical");
    expect_refused([](ojson& d) { d["expiryToken"] = "QQ==QQ=="; }, "expiryToken", "padding appears before the end");
    expect_refused([](ojson& d) { d["expiryToken"] = "QQ== "; }, "expiryToken", "not a multiple of 4");
    expect_refused([](ojson& d) { d["expiryToken"] = 5; }, "expiryToken", "expected the expiry token in base64");
  }

  TEST_CASE("unknown keys are refused with a suggestion") {
    expect_refused([](ojson& d) { d["extra"] = 1; }, "extra", "unknown field 'extra'");
    expect_refused([](ojson& d) { d["files"][0]["sha265"] = d["files"][0]["sha256"]; }, "files[0].sha265",
                   "did you mean 'sha256'?");
    expect_refused([](ojson& d) { d["locations"]["log"] = "C:\\x"; }, "locations.log", "did you mean 'logs'?");
  }

  TEST_CASE("wrong types are refused with what was expected") {
    expect_refused([](ojson& d) { d["dc"] = 5; }, "dc", "expected a host name");
    expect_refused([](ojson& d) { d["dc"] = "DC 01"; }, "dc", "is not a host name");
    expect_refused([](ojson& d) { d["dc"] = std::string(100, 'a') + ".example"; }, "dc", "is not a host name");
    expect_refused([](ojson& d) { d["dc"] = "-dc"; }, "dc", "is not a host name");
    expect_refused([](ojson& d) { d["files"][0]["originalPath"] = "C:\\" + std::string(40000, 'a'); },
                   "files[0].originalPath", "Windows allows 32767");
    expect_refused([](ojson& d) { d["files"] = "ntds.dit"; }, "files", "found 'ntds.dit'");
    expect_refused([](ojson& d) { d["files"] = ojson::array(); }, "files", "at least 1");
    expect_refused([](ojson& d) { d["locations"] = ojson::array(); }, "locations", "expected a map");
    expect_refused([](ojson& d) { d["files"][0]["chunks"] = nullptr; }, "files[0].chunks", "found nothing");
  }

  TEST_CASE("log generations and chunk sizes out of range are refused") {
    expect_refused([](ojson& d) { d["genLow"] = 5; d["genHigh"] = 4; }, "genHigh", "lower than genLow");
    expect_refused([](ojson& d) { d["genHigh"] = 0x100000; }, "genHigh", "outside 0 to 1048575");
    expect_refused([](ojson& d) { d["genLow"] = -1; }, "genLow", "outside 0 to 1048575");
    expect_refused([](ojson& d) { d["chunkSize"] = 100000; }, "chunkSize", "not a power of two");
    expect_refused([](ojson& d) { d["chunkSize"] = 32768; }, "chunkSize", "from 65536");
    expect_refused([](ojson& d) { d["chunkSize"] = 1LL << 31; }, "chunkSize", "1073741824");
  }

  TEST_CASE("createdAt must be an exact UTC time") {
    expect_refused([](ojson& d) { d["createdAt"] = "2026-11-20 02:00:00"; }, "createdAt", "YYYY-MM-DDTHH:MM:SSZ");
    expect_refused([](ojson& d) { d["createdAt"] = "2026-11-20T02:00:00+01:00"; }, "createdAt", "YYYY-MM-DDTHH:MM:SSZ");
    expect_refused([](ojson& d) { d["createdAt"] = "2026-11-20t02:00:00z"; }, "createdAt", "YYYY-MM-DDTHH:MM:SSZ");
    expect_refused([](ojson& d) { d["createdAt"] = "2026-11-20T02:00:00.5Z"; }, "createdAt", "YYYY-MM-DDTHH:MM:SSZ");
    expect_refused([](ojson& d) { d["createdAt"] = "2025-02-29T00:00:00Z"; }, "createdAt", "does not exist");
    expect_refused([](ojson& d) { d["createdAt"] = "2026-13-01T00:00:00Z"; }, "createdAt", "month 13");
    expect_refused([](ojson& d) { d["createdAt"] = "2026-11-20T24:00:00Z"; }, "createdAt", "out of range");
    expect_refused([](ojson& d) { d["createdAt"] = "1969-12-31T23:59:59Z"; }, "createdAt", "before 1970");
  }

  TEST_CASE("a set without a database file is refused") {
    expect_refused([](ojson& d) { d["files"][0]["type"] = "patch"; }, "files", "no file has type 'database'");
  }

  TEST_CASE("malformed JSON, duplicate keys and oversized input are refused with a position") {
    auto err = [](const std::string& text) {
      auto r = parse_manifest(text);
      return r ? std::string() : r.status().message();
    };
    CHECK(err("").find("empty") != std::string::npos);
    CHECK(err("{\"dc\": }").find("adrestore-backup.json:1:8: error: not valid JSON") != std::string::npos);
    CHECK(err("[1, 2]").find("expected a JSON object") != std::string::npos);
    CHECK(err("{\"a\": 1, \"a\": 2}").find(":1:10: error: duplicate key 'a'") != std::string::npos);
    CHECK(err(std::string(200, '[') + std::string(200, ']')).find("nested deeper than") != std::string::npos);
    CHECK(err(std::string(k_max_manifest_bytes + 1, ' ')).find("at most 16777216") != std::string::npos);
    CHECK(err(valid_doc().dump() + " x").find("not valid JSON") != std::string::npos);
    CHECK(err("{\"dc\": \"" + std::string(200000, 'a') + "\"}").find("at most 131072 are allowed in one value") !=
          std::string::npos);
  }

  TEST_CASE("errors point at the line and column of the offending value") {
    ojson doc = valid_doc();
    doc["files"][1]["sha256"] = "nothex";
    const std::string text = doc.dump(2);
    const std::size_t at = text.find("\"nothex\"");
    int line = 1;
    int col = 1;
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    ManifestParse p = parse_manifest_diagnostics(text, "set/adrestore-backup.json");
    REQUIRE(p.diags.items().size() == 1);
    CHECK(input::format_text(p.diags.items()[0]).rfind("set/adrestore-backup.json:" + std::to_string(line) + ":" +
                                                          std::to_string(col) + ": error: files[1].sha256: ",
                                                      0) == 0);
  }

  TEST_CASE("a byte order mark is accepted and positions still count from the first line") {
    ojson doc = valid_doc();
    doc["dc"] = 5;
    ManifestParse p = parse_manifest_diagnostics("\xEF\xBB\xBF" + doc.dump(2), "m.json");
    REQUIRE(p.diags.items().size() == 1);
    CHECK(p.diags.items()[0].mark.line == 3);
    CHECK(p.diags.items()[0].mark.column == 9);
    CHECK(parse_manifest("\xEF\xBB\xBF" + valid_doc().dump()));
  }

  TEST_CASE("every error in a manifest is reported, not just the first") {
    ojson doc = valid_doc();
    doc["dc"] = "";
    doc["files"][0]["path"] = "../x";
    doc["files"][1]["sha256"] = "x";
    ManifestParse p = parse_manifest_diagnostics(doc.dump(2), "m.json");
    CHECK(p.diags.error_count() == 3);
    CHECK_FALSE(p.manifest);
  }

  TEST_CASE("base64 round-trips every length and refuses non-canonical text") {
    for (std::size_t n = 0; n < 40; ++n) {
      std::vector<std::uint8_t> bytes;
      for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<std::uint8_t>(i * 37 + n));
      const std::string text = encode_base64(bytes);
      auto back = decode_base64(text);
      REQUIRE(back);
      CHECK(*back == bytes);
    }
    CHECK(encode_base64({'f', 'o', 'o', 'b'}) == "Zm9vYg==");
    CHECK_FALSE(decode_base64("Zm9vYh=="));
    CHECK_FALSE(decode_base64("Zm9vYg="));
    CHECK_FALSE(decode_base64("Zm9v\nYg=="));
    CHECK_FALSE(decode_base64("Zm9vYg-_"));
  }

  TEST_CASE("RFC 3339 times convert both ways without the C library's time zone") {
    CHECK(*parse_rfc3339_utc("2026-11-20T02:00:00Z") == 1795140000);
    CHECK(*parse_rfc3339_utc("1970-01-01T00:00:00Z") == 0);
    CHECK(*parse_rfc3339_utc("2000-02-29T23:59:59Z") == 951868799);
    CHECK(*parse_rfc3339_utc("9999-12-31T23:59:59Z") == 253402300799LL);
    CHECK_FALSE(parse_rfc3339_utc("2100-02-29T00:00:00Z"));
    CHECK(parse_rfc3339_utc("2024-02-29T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_utc("2026-04-31T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_utc("2026-11-20T02:00:60Z"));
    for (std::int64_t t = 0; t < 253402300799LL; t += 7919LL * 86400 + 3623) {
      const std::string s = format_rfc3339_utc(t);
      auto back = parse_rfc3339_utc(s);
      REQUIRE_MESSAGE(back, s);
      CHECK(*back == t);
    }
  }
}

}  // namespace
}  // namespace adrestore::backup
