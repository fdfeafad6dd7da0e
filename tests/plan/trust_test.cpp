// spec.backup.trust (plan/trust.h): entries as written, and key files read relative to the
// plan's folder by load_plan_file.
#include <doctest/doctest.h>

#include "plan/validate.h"
#include "platform/key_files.h"
#include "support.h"

namespace adrestore::testing {
namespace {

std::string plan_with_trust(const std::string& trust) {
  return "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc01\n  domainController: DC01\n"
         "spec:\n  backup:\n    source: 'D:\\Backups\\DC01'\n    trust:\n" +
         trust;
}

std::string all_text(const plan::PlanLoad& l) {
  std::string s;
  for (const input::Diagnostic& d : l.diags.items()) s += input::format_text(d) + "\n";
  return s;
}

// A public key file in `dir`; returns its fingerprint.
std::string write_pub(const TempDir& dir, const std::string& name, const std::string& expires = {}) {
  platform::PublicKeyFile f;
  for (std::size_t i = 0; i < f.key.size(); ++i) f.key[i] = static_cast<std::uint8_t>(i * 7 + name.size());
  if (!expires.empty()) f.expires_unix = *platform::parse_expiry_date(expires);
  std::filesystem::create_directories((dir / name).parent_path());
  write_file(dir / name, platform::format_public_key_file(f));
  return platform::key_fingerprint(f.key);
}

const std::string k_fp(64, 'a');

TEST_SUITE("plan") {
  TEST_CASE("spec.backup.trust: fingerprints and expiry dates as written") {
    const plan::PlanLoad l = plan::load_plan_text(
        plan_with_trust("      - fingerprint: " + std::string(64, 'A') + "\n        expires: 2027-06-30\n      - fingerprint: " +
                        std::string(64, 'b') + "\n"),
        "t.yaml");
    INFO(all_text(l));
    REQUIRE(l.plan);
    auto keys = l.plan->trusted_keys();
    REQUIRE(keys);
    REQUIRE(keys->size() == 2);
    CHECK((*keys)[0].fingerprint == k_fp);
    CHECK((*keys)[0].expires_unix == *platform::parse_expiry_date("2027-06-30"));
    CHECK_FALSE((*keys)[1].expires_unix);
    CHECK_FALSE((*keys)[1].key);
    const plan::PlanLoad none = plan::load_plan_text(
        "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: dc01\n  domainController: DC01\n"
        "spec:\n  backup:\n    source: 'D:\\Backups\\DC01'\n",
        "t.yaml");
    REQUIRE(none.plan);
    CHECK_FALSE(none.plan->trusted_keys());
  }

  TEST_CASE("spec.backup.trust: malformed entries are refused at their line") {
    struct Case {
      std::string trust;
      std::string words;
    };
    for (const Case& c : std::vector<Case>{
             {"      - expires: 2027-06-30\n", "needs a fingerprint, a keyFile, or both"},
             {"      - fingerprint: abc\n", "spec.backup.trust[0].fingerprint"},
             {"      - fingerprint: " + k_fp + "\n        expires: 2027-02-30\n", "not a date of the calendar"},
             {"      - fingerprint: " + k_fp + "\n        expires: tomorrow\n", "spec.backup.trust[0].expires"},
             {"      - keyFile: ../other/ops.pub\n", "must stay inside the plan's folder"},
             {"      - keyFile: /etc/ops.pub\n", "must be a relative path"},
             {"      - keyFile: 'C:\\keys\\ops.pub'\n", "must be a relative path"},
             {"      - fingerprint: " + k_fp + "\n        colour: red\n", "unknown field 'colour'"},
             {"      []\n", "spec.backup.trust"},
         }) {
      CAPTURE(c.trust);
      const plan::PlanLoad l = plan::load_plan_text(plan_with_trust(c.trust), "t.yaml");
      CHECK_FALSE(l.plan);
      CHECK_MESSAGE(contains(all_text(l), c.words), all_text(l));
    }
  }

  TEST_CASE("spec.backup.trust: key files are read next to the plan, and must match a named fingerprint") {
    TempDir dir;
    const std::string fp = write_pub(dir, "keys/ops.pub", "2028-01-01");
    const std::string plan_path = (dir / "plan.yaml").string();
    write_file(plan_path, plan_with_trust("      - keyFile: keys/ops.pub\n        expires: 2029-01-01\n"));
    plan::PlanLoad l = plan::load_plan_file(plan_path);
    INFO(all_text(l));
    REQUIRE(l.plan);
    auto keys = l.plan->trusted_keys();
    REQUIRE(keys->size() == 1);
    CHECK((*keys)[0].fingerprint == fp);
    CHECK((*keys)[0].key.has_value());
    CHECK((*keys)[0].expires_unix == *platform::parse_expiry_date("2028-01-01"));  // the earlier expiry wins

    write_file(plan_path, plan_with_trust("      - keyFile: keys/ops.pub\n        fingerprint: " + k_fp + "\n"));
    l = plan::load_plan_file(plan_path);
    CHECK_FALSE(l.plan);
    CHECK(contains(all_text(l), "not the fingerprint this entry names"));

    write_file(plan_path, plan_with_trust("      - keyFile: keys/missing.pub\n"));
    l = plan::load_plan_file(plan_path);
    CHECK_FALSE(l.plan);
    CHECK(contains(all_text(l), "spec.backup.trust[0].keyFile: cannot read the key file"));

    write_file(dir / "keys/bad.pub", "{\"format\": \"adrestore-public-key/1\"");
    write_file(plan_path, plan_with_trust("      - keyFile: keys/bad.pub\n"));
    l = plan::load_plan_file(plan_path);
    CHECK_FALSE(l.plan);
    CHECK(contains(all_text(l), "is not an adrestore public key"));
  }
}

}  // namespace
}  // namespace adrestore::testing
