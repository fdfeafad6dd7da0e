// adrestore drill: a rehearsal of a real plan with a real backup set, end to end through the
// CLI (issue 18's Done-when), and its refusals and failures through run_drill.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "drill/drill.h"
#include "exec/observer.h"
#include "graph/compile.h"
#include "platform/sha256.h"
#include "plan/validate.h"
#include "support.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;

// A DC01 (the real DC of the test) with a backup set made by adrestore backup at D:\Backups\DC01.
struct RealDc {
  TempDir tmp;
  fs::path world = tmp / "dc01";
  fs::path set = world / "fs" / "D" / "Backups" / "DC01";
  fs::path scratch = tmp / "scratch";
  fs::path out = tmp / "out";
  RealDc() {
    auto init = run_adrestore({"sim", "init", world.string(), "--dc", "DC01.corp.example.com", "--database-size", "3Mi"}, 60);
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    auto backup = run_adrestore({"backup", "--api", "sim", "--world", world.string(), "--out", "D:\\Backups\\DC01"}, 60);
    REQUIRE_MESSAGE(backup.exit_code == 0, backup.err);
    fs::create_directories(scratch);
    fs::create_directories(out);
  }
  std::string plan() const { return (source_dir() / "plans" / "dc01-minimal.yaml").string(); }
  RunResult drill(const std::string& plan_path, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"drill", plan_path, "--world", world.string(), "--scratch", scratch.string(),
                                     "--out", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_adrestore(args, 60);
  }
  // The real DC's files: what a drill must never change.
  std::map<std::string, std::string> dc_files() const {
    std::map<std::string, std::string> m;
    for (const auto& e : fs::recursive_directory_iterator(world / "fs" / "C")) {
      if (e.is_regular_file()) m[e.path().string()] = platform::to_hex(platform::sha256(read_file(e.path())));
    }
    return m;
  }
};

bool empty_dir(const fs::path& p) { return fs::is_directory(p) && fs::is_empty(p); }

// The system file system with a nearly full disk.
class FullDiskFs : public platform::FileSystem {
 public:
  platform::FileSystem& real = platform::system_fs();
  std::atomic<int> writes{0};
  Result<std::unique_ptr<platform::File>> open(const std::string& p, platform::File::Mode m) override {
    if (m != platform::File::Mode::read) ++writes;
    return real.open(p, m);
  }
  Result<platform::FileInfo> stat(const std::string& p) override { return real.stat(p); }
  Result<std::vector<std::string>> list(const std::string& d) override { return real.list(d); }
  Status rename(const std::string& a, const std::string& b) override {
    ++writes;
    return real.rename(a, b);
  }
  Status sync_dir(const std::string& d) override { return real.sync_dir(d); }
  Status make_dir(const std::string& p) override {
    ++writes;
    return real.make_dir(p);
  }
  Status remove(const std::string& p) override {
    ++writes;
    return real.remove(p);
  }
  Result<std::uint64_t> free_bytes(const std::string&) override { return std::uint64_t{5} << 20; }
  Status check_movable(const std::string& p) override { return real.check_movable(p); }
  Result<std::unique_ptr<platform::File>> open_locked(const std::string& p) override {
    ++writes;
    return real.open_locked(p);
  }
};

}  // namespace

TEST_SUITE("drill") {
  TEST_CASE("a drill of dc01-minimal with a set made by adrestore backup reports every step with its duration") {
    RealDc dc;
    const auto before = dc.dc_files();
    auto r = dc.drill(dc.plan(), {"--events", (dc.tmp / "events.jsonl").string()});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, "Hooks: skipped (the default; --hooks run runs them)."));
    CHECK(contains(r.out, "Drill succeeded: dc01-minimal"));
    CHECK(contains(r.out, "Predicted recovery time for DC01.corp.example.com: "));

    const auto doc = nlohmann::json::parse(read_file(dc.out / "dc01-minimal-drill.json"));
    auto load = plan::load_plan_file(dc.plan());
    REQUIRE(load.plan);
    auto graph = graph::compile(*load.plan);
    REQUIRE(graph);
    const nlohmann::json& steps = doc["drill"]["steps"];
    REQUIRE(steps.size() == graph->order_ids().size());
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      CHECK(steps[i]["step"] == graph->order_ids()[i]);
      CHECK(steps[i]["measuredMs"].is_number_integer());
      CHECK(steps[i]["measuredMs"].get<std::int64_t>() >= 0);
      sum += steps[i]["predictedMs"].get<std::int64_t>();
      bool segment = false;  // and the timeline has it, with its start and end
      for (const auto& s : doc["segments"]) segment = segment || (s["step"] == steps[i]["step"] && s["endMs"] >= s["startMs"]);
      CHECK_MESSAGE(segment, steps[i]["step"]);
    }
    CHECK(doc["drill"]["predictedMs"] == sum);
    CHECK(doc["drill"]["ok"] == true);
    CHECK(doc["drill"]["filesChecked"].get<int>() >= 3);  // the DIT, the logs, the checkpoint's set files
    CHECK(doc["identity"]["outcome"] == "succeeded");
    CHECK(doc["identity"]["operator"].is_string());
    CHECK_FALSE(doc["drill"]["assumptions"].empty());
    CHECK_FALSE(doc["drill"]["notIncluded"].empty());
    const std::string html = read_file(dc.out / "dc01-minimal-drill.html");
    CHECK(contains(html, "<section id=\"drill\">"));
    CHECK(contains(html, "files.copy"));
    CHECK(contains(read_file(dc.tmp / "events.jsonl"), "\"files.copy\""));
    // Cleaned up, and the real DC untouched.
    CHECK(empty_dir(dc.scratch));
    CHECK(dc.dc_files() == before);
  }

  TEST_CASE("the real destinations are untouched: the restore writes only inside the scratch folder") {
    RealDc dc;
    const auto before = dc.dc_files();
    const std::string calls_before = read_file(dc.world / "calls.log");
    auto r = dc.drill(dc.plan(), {"--keep"});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(dc.dc_files() == before);
    CHECK(read_file(dc.world / "calls.log") == calls_before);  // the real DC received no call
    // The drill's own simulated DC received the restore; its restored bytes are gone, the journal kept.
    std::vector<fs::path> drills;
    for (const auto& e : fs::directory_iterator(dc.scratch)) drills.push_back(e.path());
    REQUIRE(drills.size() == 1);
    CHECK_FALSE(fs::exists(drills[0] / "world"));
    CHECK(fs::exists(drills[0] / "state" / "journal"));
    auto status = run_adrestore({"status", "--state", (drills[0] / "state").string()});
    CHECK(contains(status.out, "Operator: "));
  }

  TEST_CASE("the report folder is made when missing, and one that cannot be made is refused before the drill") {
    RealDc dc;
    // A scheduled drill names a dated folder that does not exist yet.
    const fs::path nested = dc.tmp / "reports" / "2026-12";
    auto ok = run_adrestore({"drill", dc.plan(), "--world", dc.world.string(), "--scratch", dc.scratch.string(), "--out",
                             nested.string()},
                            60);
    INFO(ok.out, ok.err);
    REQUIRE(ok.exit_code == 0);
    CHECK(fs::exists(nested / "dc01-minimal-drill.html"));
    CHECK(fs::exists(nested / "dc01-minimal-drill.json"));
    // Under a regular file the folder cannot exist: refused as usage, and no drill ran.
    write_file(dc.tmp / "a-file", "x");
    auto bad = run_adrestore({"drill", dc.plan(), "--world", dc.world.string(), "--scratch", dc.scratch.string(), "--out",
                              (dc.tmp / "a-file" / "out").string()},
                             60);
    INFO(bad.out, bad.err);
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "cannot create the report folder"));
    CHECK_FALSE(contains(bad.out, "Report: "));
    CHECK(empty_dir(dc.scratch));
  }

  TEST_CASE("a tampered set fails the drill at backup.verify and leaves nothing in the scratch folder") {
    RealDc dc;
    {
      std::fstream f(dc.set / "ntds.dit", std::ios::in | std::ios::out | std::ios::binary);
      REQUIRE(f);
      f.seekp(2 << 20);
      f.put('\x5a');
    }
    auto r = dc.drill(dc.plan());
    INFO(r.out, r.err);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.out, "Drill FAILED"));
    CHECK(empty_dir(dc.scratch));
    const auto doc = nlohmann::json::parse(read_file(dc.out / "dc01-minimal-drill.json"));
    CHECK(doc["identity"]["outcome"] == "failed");
    bool verify_failed = false;
    for (const auto& s : doc["segments"]) verify_failed = verify_failed || (s["step"] == "backup.verify" && s["outcome"] == "failed");
    CHECK(verify_failed);
  }

  TEST_CASE("hooks are skipped by default and run with --hooks run") {
    RealDc dc;
    const fs::path marker = dc.tmp / "hook-ran";
    std::string plan = read_file(dc.plan());
    plan += "  hooks:\n    pre:\n      - name: notify\n        run: ['sh', '-c', 'echo ran > " + marker.string() + "']\n";
    const std::string plan_path = dc.tmp.write("dc01-hooks.yaml", plan);

    auto skipped = dc.drill(plan_path);
    INFO(skipped.out, skipped.err);
    REQUIRE(skipped.exit_code == 0);
    CHECK_FALSE(fs::exists(marker));
    auto doc = nlohmann::json::parse(read_file(dc.out / "dc01-minimal-drill.json"));
    bool journaled_skipped = false;
    for (const auto& s : doc["segments"]) journaled_skipped = journaled_skipped || (s["step"] == "hook.pre.notify" && s["outcome"] == "skipped");
    CHECK(journaled_skipped);
    for (const auto& s : doc["drill"]["steps"]) {
      if (s["step"] == "hook.pre.notify") CHECK(s["predictedMs"] == 300000);  // its default timeout, 5m
    }

    auto ran = dc.drill(plan_path, {"--hooks", "run"});
    INFO(ran.out, ran.err);
    REQUIRE(ran.exit_code == 0);
    CHECK(contains(ran.err, "Hooks: run (--hooks run)."));
    CHECK(read_file(marker) == "ran\n");
    CHECK(empty_dir(dc.scratch));
  }

  TEST_CASE("a scratch folder without room for the set is refused before anything is written") {
    RealDc dc;
    auto load = plan::load_plan_file(dc.plan());
    REQUIRE(load.plan);
    auto graph = graph::compile(*load.plan);
    REQUIRE(graph);
    FullDiskFs disk;
    exec::NullObserver observer;
    std::atomic<bool> cancel{false};
    drill::DrillEnv env{disk, observer, cancel};
    drill::DrillOptions o;
    o.set_dir = dc.set.string();
    o.scratch_dir = dc.scratch.string();
    o.plan_text = load.text;
    const drill::DrillResult r = drill::run_drill(*load.plan, *graph, o, env);
    CHECK(r.setup.code() == Code::no_space);
    CHECK(contains(r.setup.message(), "has 5.0 MiB free"));
    CHECK_FALSE(r.ran);
    CHECK(disk.writes == 0);
    CHECK(empty_dir(dc.scratch));

    // A bad rate is a usage error, found before anything is written too.
    auto cli = run_adrestore({"drill", dc.plan(), "--set", dc.set.string(), "--scratch", dc.scratch.string(), "--out",
                              dc.out.string(), "--dc-throughput", "nonsense"});
    CHECK(cli.exit_code == 2);
    CHECK(empty_dir(dc.scratch));
  }
}

}  // namespace adrestore::testing
