// Links in a backup set (POSIX symlinks; the Windows equivalents, reparse points, need
// their own test once host/ has a win32 Disks).
#include <doctest/doctest.h>

#include <algorithm>

#include "backup/verify.h"
#include "set_fixture.h"

namespace adrestore::backup {
namespace {

using testing::SetFixture;

SetVerification verify(SetFixture& set) {
  VerifyOptions o;
  o.now_unix = testing::k_fixture_created + 86400;
  return verify_backup_set(set.disks(), set.source(), k_default_manifest_name, o);
}

bool has(const VerifyResult& r, ProblemKind kind, const std::string& file) {
  return std::any_of(r.problems.begin(), r.problems.end(),
                     [&](const VerifyProblem& p) { return p.kind == kind && p.file == file; });
}

TEST_SUITE("backup") {
  TEST_CASE("links inside the set are refused, for files and for folders") {
    SetFixture set;
    const auto real = set.world() / "elsewhere.log";
    std::filesystem::copy_file(set.file("logs/edb00001.log"), real);
    std::filesystem::remove(set.file("logs/edb00001.log"));
    std::filesystem::create_symlink(real, set.file("logs/edb00001.log"));
    SetVerification v = verify(set);
    CHECK(has(v.result, ProblemKind::not_regular, "logs/edb00001.log"));
    CHECK(v.result.problems.size() == 1);

    std::filesystem::remove(set.file("logs/edb00001.log"));
    std::filesystem::rename(real, set.file("logs/edb00001.log"));
    CHECK(verify(set).result.ok());
    std::filesystem::rename(set.file("logs"), set.world() / "real-logs");
    std::filesystem::create_directory_symlink(set.world() / "real-logs", set.file("logs"));
    v = verify(set);
    CHECK(v.result.problems.size() == 3);
    CHECK(has(v.result, ProblemKind::not_regular, "logs/edb00002.log"));
    CHECK(v.result.problems[0].message.find("the folder 'logs' is a link") != std::string::npos);
  }
}

}  // namespace
}  // namespace adrestore::backup
