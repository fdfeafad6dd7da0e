// End to end: the DSRM password of spec.credentials (passwordFrom env:NAME or file:PATH) is
// used for DsSetAuthIdentity and then appears nowhere: not in any file the runner or the
// simulated DC writes, not in what adrestore prints, and not in the hooks' environment
// (plan-format.md rule 6, hooks.md "environment" and "output", step-graph.md step 3).
#include <doctest/doctest.h>
#include <signal.h>

#include "base/text.h"
#include "exec/e2e_support.h"
#include "exec/matrix_fixture.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;
using namespace e2e;

const std::string k_password = "Xq9-e2e-Dsrm-Secret-7731";

// Dumps argv and the environment into its output (the hook log) and into a file beside the
// state directory that no redaction touches, then prints a file that holds the password.
const char* k_dump_script = "#!/bin/sh\n"
                            "d=\"$ADRESTORE_STATE_DIR/..\"\n"
                            "echo \"argv: $0 $*\"\n"
                            "env\n"
                            "{ echo \"argv: $0 $*\"; env; } > \"$d/env-$ADRESTORE_HOOK_NAME.txt\"\n"
                            "cat \"$d/leak.txt\"\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
    text.replace(p, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_SUITE("exec") {

  TEST_CASE("the DSRM password reaches DsSetAuthIdentity and nothing else: no file, no output, no hook environment") {
    std::string source;
    std::vector<std::string> env = {"E2E_PW_COPY=copy-of-" + k_password + "-in-another-variable"};
    SUBCASE("passwordFrom env:NAME") {
      source = "env:E2E_DSRM_PASSWORD";
      env.push_back("E2E_DSRM_PASSWORD=" + k_password);
    }
    SUBCASE("passwordFrom file:PATH") { source = "file:@TMP@/pw.txt"; }

    MatrixOptions o = quick_options();
    o.programs["C:\\Tools\\dump.exe"] = k_dump_script;
    o.plan_spec_extra = "  credentials:\n"
                        "    user: Administrator\n"
                        "    domain: DC01\n"
                        "    passwordFrom: '" +
                        source +
                        "'\n"
                        "  hooks:\n"
                        "    pre:\n"
                        "      - {name: dump-pre, run: ['C:\\Tools\\dump.exe', '${run.id}', '${run.stateDir}'], env: "
                        "{E2E_MARK: plain}}\n"
                        "    post:\n"
                        "      - {name: dump-post, run: ['C:\\Tools\\dump.exe', '${run.outcome}']}\n";
    MatrixWorld w(o);
    write_file(w.plan, replaced(read_file(w.plan), "@TMP@", w.tmp.path().string()));
    write_file(w.tmp / "pw.txt", k_password + "\n");
    write_file(w.tmp / "leak.txt", "the hook prints the password: " + k_password + "\n");
    // A crash in files.copy, so that a resumed process handles the password too.
    w.add_faults(nlohmann::json::parse(R"([{"crash": {"atStep": "files.copy"}}])"));

    std::vector<RunResult> printed;
    const fs::path events = w.tmp / "events.jsonl";
    printed.push_back(w.run({"--events", events.string(), "-v"}, env));
    REQUIRE_MESSAGE(printed.back().signal == SIGKILL, printed.back().err);
    printed.push_back(run_adrestore({"status", "--state", w.state.string()}));
    printed.push_back(w.resume({"--events", events.string(), "-v"}, env));
    REQUIRE_MESSAGE(printed.back().exit_code == 0, printed.back().err);
    check_restored(w);
    printed.push_back(run_adrestore({"status", "--state", w.state.string()}));
    printed.push_back(run_adrestore({"status", "--state", w.state.string(), "--format", "json"}));
    printed.push_back(run_adrestore({"journal", "dump", "--state", w.state.string(), "--format", "json"}));
    REQUIRE_MESSAGE(printed.back().exit_code == 0, printed.back().err);
    printed.push_back(run_adrestore({"journal", "dump", "--state", w.state.string()}));

    // The password was used: DsSetAuthIdentity, once per process.
    std::size_t auth = 0;
    for (const sim::CallRecord& c : w.calls()) {
      if (c.call != "DsSetAuthIdentity") continue;
      ++auth;
      CHECK(c.args.at("user") == "Administrator");
      CHECK(c.args.at("password") == "set");
      CHECK(c.hresult.ok());
    }
    CHECK(auth == 2);

    // The hooks ran with their environment and saw no trace of it.
    for (const std::string hook : {"dump-pre", "dump-post"}) {
      CAPTURE(hook);
      const std::string seen = read_file(w.tmp / ("env-" + hook + ".txt"));
      REQUIRE(contains(seen, "ADRESTORE_HOOK_NAME=" + hook));
      CHECK_FALSE(contains(seen, k_password));
      CHECK_FALSE(contains(seen, "E2E_DSRM_PASSWORD="));
      CHECK_FALSE(contains(seen, "E2E_PW_COPY="));
      // Its log has the dump and the printed password, redacted.
      const std::string log = read_file(w.state / "logs" / "hooks" / (hook + ".log"));
      CHECK(contains(log, "ADRESTORE_HOOK_NAME=" + hook));
      CHECK(contains(log, "the hook prints the password: [redacted]"));
    }
    CHECK(contains(read_file(w.tmp / "env-dump-pre.txt"), "E2E_MARK=plain"));

    // Nowhere else: every file of the state directory, the world (calls.log, world.json, the
    // DC's disks), the events file, and everything adrestore printed.
    std::size_t files = 0;
    for (const auto& [name, content] : files_under(w.tmp.path())) {
      if (name == "pw.txt" || name == "leak.txt") continue;  // the test's own copies
      CAPTURE(name);
      CHECK_FALSE(contains(content, k_password));
      ++files;
    }
    CHECK(files_under(w.state).count("journal") == 1);
    CHECK(files_under(w.state).count("logs/run.log") == 1);
    CHECK(files_under(w.world).count("calls.log") == 1);
    CHECK(files_under(w.world).count("world.json") == 1);
    CHECK(fs::exists(events));
    for (std::size_t i = 0; i < printed.size(); ++i) {
      CAPTURE(i);
      CHECK_FALSE(contains(printed[i].out, k_password));
      CHECK_FALSE(contains(printed[i].err, k_password));
    }
    CHECK(files > 10);
  }

}  // TEST_SUITE

}  // namespace adrestore::testing
