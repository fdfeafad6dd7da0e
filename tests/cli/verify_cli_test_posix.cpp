// `adrestore verify` end to end, through the built binary: a plain folder and a simulated
// world, the text, json and junit outputs, --max-age and --plan, and the exit codes.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "backup/set_fixture.h"
#include "support.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;

RunResult verify_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "verify");
  const RunResult r = run_adrestore(args, 60);
  CHECK(r.signal == 0);
  CHECK_FALSE(r.timed_out);
  return r;
}

const nlohmann::json* file_entry(const nlohmann::json& doc, const std::string& path) {
  for (const nlohmann::json& f : doc.at("files")) {
    if (f.at("path") == path) return &f;
  }
  return nullptr;
}

const nlohmann::json* check_entry(const nlohmann::json& doc, const std::string& name) {
  for (const nlohmann::json& c : doc.at("checks")) {
    if (c.at("name") == name) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("verify: an intact set in a plain folder passes, in text and in json") {
    SetFixture set;
    const RunResult text = verify_cli({set.set_dir().string()});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 0);
    CHECK(contains(text.out, "backup set " + set.set_dir().string() + ": DC01"));
    CHECK(contains(text.out, "verified: 5 files"));
    CHECK(text.err.empty());  // no terminal: no progress line

    const RunResult json = verify_cli({"--format", "json", set.set_dir().string()});
    CHECK(json.exit_code == 0);
    const nlohmann::json doc = nlohmann::json::parse(json.out);
    CHECK(doc.at("ok") == true);
    CHECK(doc.at("filesChecked") == 5);
    CHECK(doc.at("files").size() == 5);
    for (const nlohmann::json& f : doc.at("files")) CHECK(f.at("ok") == true);
    for (const char* c : {"manifest", "age", "expiry-token"}) {
      const nlohmann::json* e = check_entry(doc, c);
      REQUIRE(e);
      CHECK(e->at("ok") == true);
    }
    CHECK(doc.at("problems").empty());
  }

  TEST_CASE("verify: a changed byte fails with exit 3, naming the file and the chunk") {
    SetFixture set;
    const std::uint64_t chunk = set.manifest().chunk_size;
    set.flip_byte("ntds.dit", 2 * chunk + 5);
    const RunResult text = verify_cli({set.set_dir().string()});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 3);
    CHECK(contains(text.out, "ntds.dit: chunk 2 ("));
    CHECK(contains(text.out, "FAILED"));

    const RunResult json = verify_cli({"--format", "json", set.set_dir().string()});
    CHECK(json.exit_code == 3);
    const nlohmann::json doc = nlohmann::json::parse(json.out);
    CHECK(doc.at("ok") == false);
    const nlohmann::json* dit = file_entry(doc, "ntds.dit");
    REQUIRE(dit);
    CHECK(dit->at("ok") == false);
    CHECK(dit->at("problems").at(0).at("kind") == "chunk-hash");
    CHECK(dit->at("problems").at(0).at("chunk") == 2);
    CHECK(dit->at("problems").at(0).at("firstByte") == 2 * chunk);
    const nlohmann::json* log = file_entry(doc, "logs/edb00001.log");
    REQUIRE(log);
    CHECK(log->at("ok") == true);
  }

  TEST_CASE("verify: junit has one test case per file and per set check, and parses") {
    SetFixture set;
    set.flip_byte("logs/edb00002.log", 3);
    const RunResult r = verify_cli({"--format", "junit", "--max-age", "1d", set.set_dir().string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.out, "tests=\"8\" failures=\"2\""));
    CHECK(contains(r.out, "<testcase name=\"set: manifest\""));
    CHECK(contains(r.out, "<testcase name=\"set: expiry-token\""));
    CHECK(contains(r.out, "<testcase name=\"set: age\" classname=\"adrestore verify " + set.set_dir().string() + "\">"));
    CHECK(contains(r.out, "<testcase name=\"ntds.dit\" classname=\"adrestore verify " + set.set_dir().string() + "\"/>"));
    CHECK(contains(r.out, "<testcase name=\"logs/edb00002.log\" classname=\"adrestore verify " + set.set_dir().string() + "\">"));
    CHECK(contains(r.out, "maxAge allows 1.0 days"));
    if (fs::exists("/usr/bin/xmllint")) {
      const fs::path xml = set.world() / "verify.xml";
      std::ofstream(xml, std::ios::binary) << r.out;
      const RunResult lint = run_process({"/usr/bin/xmllint", "--noout", xml.string()});
      CHECK(lint.exit_code == 0);
    }
  }

  TEST_CASE("verify: messages name a plain folder by its own path") {
    SetFixture set;
    fs::remove(set.manifest_path());
    const RunResult r = verify_cli({set.set_dir().string()});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.out, "the backup set " + set.set_dir().string() + " has no manifest"));
    CHECK_FALSE(contains(r.out, "adrestore-folder"));
    const RunResult gone = verify_cli({(set.world() / "no-such-set").string()});
    CHECK(gone.exit_code == 3);
    CHECK(contains(gone.out, (set.world() / "no-such-set").string() + " does not exist"));
  }

  TEST_CASE("verify: through a simulated world, and with a plan's maxAge and source") {
    SetFixture set;
    const std::string source = "D:\\Backups\\DC01\\2026-11-20";
    const RunResult ok = verify_cli({"--api", "sim", "--world", set.world().string(), source});
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(contains(ok.out, "verified: 5 files"));

    const fs::path plan = set.world() / "plan.yaml";
    std::ofstream(plan, std::ios::binary)
        << "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc01\n  domainController: DC01\n"
           "spec:\n  backup:\n    source: '" + source + "'\n    maxAge: 1d\n";
    const RunResult old = verify_cli({"--api", "sim", "--world", set.world().string(), "--plan", plan.string()});
    CHECK(old.exit_code == 3);
    CHECK(contains(old.out, "maxAge allows 1.0 days"));
    // --max-age wins over the plan's.
    const RunResult wider = verify_cli({"--api", "sim", "--world", set.world().string(), "--plan", plan.string(),
                                        "--max-age", "10000d"});
    CHECK(wider.exit_code == 0);
  }

  TEST_CASE("verify: usage errors exit 2, an invalid plan 1") {
    SetFixture set;
    CHECK(verify_cli({}).exit_code == 2);
    CHECK(verify_cli({"--max-age", "5 minutes", set.set_dir().string()}).exit_code == 2);
    CHECK(verify_cli({"--format", "xml", set.set_dir().string()}).exit_code == 2);
    const RunResult win = verify_cli({"D:\\Backups\\DC01"});
    CHECK(win.exit_code == 2);
    CHECK(contains(win.err, "is a Windows path"));
    const fs::path plan = set.world() / "bad.yaml";
    std::ofstream(plan, std::ios::binary) << "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata: {}\n";
    CHECK(verify_cli({"--plan", plan.string(), set.set_dir().string()}).exit_code == 1);
    CHECK(verify_cli({"--plan", (set.world() / "missing.yaml").string(), set.set_dir().string()}).exit_code == 2);
  }
}

}  // namespace adrestore::testing
