// The command line itself, through the built binary: schema, --version, --help, and usage
// errors (exit 2).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support.h"

namespace adrestore::testing {

TEST_SUITE("cli") {
  TEST_CASE("adrestore schema prints valid JSON equal to schema/restore-plan.schema.json") {
    const RunResult r = run_adrestore({"schema"});
    CHECK(r.exit_code == 0);
    const std::string file = read_file(source_dir() / "schema" / "restore-plan.schema.json");
    CHECK(r.out == file);
    CHECK(nlohmann::json::parse(r.out) == nlohmann::json::parse(file));
  }

  TEST_CASE("--version names the version, the build type, the API backends and the plan format") {
    const RunResult r = run_adrestore({"--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind(std::string("adrestore ") + ADRESTORE_VERSION + " (", 0) == 0);
    CHECK(r.out.find("API backends: sim") != std::string::npos);
    CHECK(r.out.find("plan format: adrestore/v1") != std::string::npos);
  }

  TEST_CASE("--help of the program and of each command shows an example and exits 0") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--help"}, {"validate", "--help"}, {"schema", "--help"}}) {
      CAPTURE(args.front());
      const RunResult r = run_adrestore(args);
      CHECK(r.exit_code == 0);
      CHECK(r.out.find("Example") != std::string::npos);
      CHECK(r.out.find("adrestore ") != std::string::npos);
    }
  }

  TEST_CASE("the --color help shows the words a user types, not CLI11's internal mapping") {
    const RunResult r = run_adrestore({"--help"});
    CHECK(r.out.find("--color auto|always|never") != std::string::npos);
    CHECK(r.out.find("->") == std::string::npos);
    const RunResult bad = run_adrestore({"--color", "purple", "validate", "x.yaml"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("purple not in {auto,always,never}") != std::string::npos);
  }

  TEST_CASE("the validate help's examples name files that exist") {
    const RunResult r = run_adrestore({"validate", "--help"});
    for (const char* example : {"plans/dc01-minimal.yaml", "plans/forest/corp-forest.yaml"}) {
      CHECK(r.out.find(example) != std::string::npos);
      CHECK(std::filesystem::exists(source_dir() / example));
    }
  }

  TEST_CASE("bad flags, a bad format, a missing argument and no command all exit 2") {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"validate", "--bogus", "x.yaml"},
                                                 {"validate", "--format", "xml", "x.yaml"},
                                                 {"validate"},
                                                 {},
                                                 {"--bogus"},
                                                 {"--log-level", "loud", "validate", "x.yaml"}}) {
      CAPTURE(args.size());
      const RunResult r = run_adrestore(args);
      CHECK(r.exit_code == 2);
      CHECK_FALSE(r.err.empty());
      CHECK(r.out.empty());
    }
  }

  TEST_CASE("a mistyped command exits 2, with a suggestion and the known commands") {
    const RunResult r = run_adrestore({"validat", "plans/"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown command 'validat'; did you mean 'validate'?") != std::string::npos);
    CHECK(r.err.find("Commands: validate, schema") != std::string::npos);
    const RunResult after_option = run_adrestore({"-v", "frob"});
    CHECK(after_option.exit_code == 2);
    CHECK(after_option.err.find("unknown command 'frob'\n") != std::string::npos);
  }

  TEST_CASE("an unknown option before the command is named, not reported as a missing command") {
    const RunResult r = run_adrestore({"--bogus"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown option '--bogus'") != std::string::npos);
  }
}

}  // namespace adrestore::testing
