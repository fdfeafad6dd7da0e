// The forest plan's schema and hazard lint (forest/lint.h): each rule of doc/forest.md's
// "Validation" with a fixture that breaks it, its position and what the message asks for.
#include <doctest/doctest.h>

#include "forest/forest_fixture.h"
#include "input/schema_check.h"

namespace adrestore::testing {
namespace {

void check_at(const input::Diagnostic& d, int line, int column, const std::string& part) {
  CHECK(d.mark.line == line);
  if (column > 0) CHECK(d.mark.column == column);
  CHECK_MESSAGE(contains(d.message, part), d.message);
}

}  // namespace

TEST_SUITE("forest") {
  TEST_CASE("the fixture forest validates, with a note on SYSVOL outside the root") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load();
    CHECK_FALSE(l.diags.has_errors());
    REQUIRE(l.plan.has_value());
    CHECK(l.referenced.size() == 4);
    CHECK(l.plan->domains.size() == 4);
    CHECK(l.plan->tombstone_seconds == 180LL * 86400);
    CHECK(l.plan->domains[1].first_dc_name() == "DC10.emea.corp.example.com");
    const input::Diagnostic& note = only_at(l.diags, "spec.domains[1].sysvol", input::Severity::note);
    CHECK(contains(note.message, "per-domain reading"));
    for (const input::Diagnostic& d : l.diags.items()) CHECK(d.severity == input::Severity::note);
  }

  TEST_CASE("the schema: unknown keys, a wrong kind and a missing decision are errors with positions") {
    ForestFixture fx;
    forest::ForestLoad l = fx.load("      sysvol: authoritative\n      cleanup: [DC02", "      sysvol: authoritativ\n      cleanup: [DC02");
    check_at(only_at(l.diags, "spec.domains[0].sysvol"), 11, 15, "authoritative");
    CHECK_FALSE(l.plan.has_value());
    l = fx.load("  breach: false\n", "  breach: false\n  breech: true\n");
    CHECK(contains(only_at(l.diags, "spec.breech").message, "did you mean 'breach'"));
    l = fx.load("  breach: false\n", "");
    CHECK(contains(only_at(l.diags, "spec").message, "breach"));
    l = fx.load("firstDC: {plan: dc01.yaml,", "firstDC: {plan: 'C:\\plans\\dc01.yaml',");
    check_at(only_at(l.diags, "spec.domains[0].firstDC.plan"), 10, 23, "relative path");
  }

  TEST_CASE("hostile input: the guard refuses aliases before any lint runs") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("  forest: corp.example.com\n", "  forest: &f corp.example.com\n  x: *f\n");
    CHECK(l.diags.has_errors());
    CHECK_FALSE(l.plan.has_value());
    CHECK(l.referenced.empty());
  }

  TEST_CASE("exactly one root: a second domain without a parent") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("      parent: corp.example.com\n      firstDC: {plan: dc20.yaml", "      firstDC: {plan: dc20.yaml");
    check_at(only_at(l.diags, "spec.domains[2].name"), 18, 13, "already the forest root");
  }

  TEST_CASE("exactly one root: no domain without a parent") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("    - name: corp.example.com\n", "    - name: corp.example.com\n      parent: apac.corp.example.com\n");
    check_at(only_at(l.diags, "spec.domains"), 9, 7, "no domain is the forest root");
  }

  TEST_CASE("the root is spec.forest") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("  forest: corp.example.com\n", "  forest: other.example.com\n");
    check_at(only_at(l.diags, "spec.domains[0].name"), 9, 13, "spec.forest is other.example.com");
  }

  TEST_CASE("a parent for every other domain: an unknown parent") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("      parent: emea.corp.example.com\n", "      parent: emia.corp.example.com\n");
    check_at(only_at(l.diags, "spec.domains[3].parent"), 24, 15, "restores a parent domain before its children");
  }

  TEST_CASE("no cycles in the parents") {
    ForestFixture fx;
    // emea -> paris -> emea; the root stays a root.
    const forest::ForestLoad l = fx.load("      parent: corp.example.com\n      firstDC: {plan: dc10.yaml",
                                         "      parent: paris.emea.corp.example.com\n      firstDC: {plan: dc10.yaml");
    check_at(only_at(l.diags, "spec.domains[1].parent"), 14, 15, "cycle (emea.corp.example.com -> paris.emea.corp.example.com -> emea.corp.example.com)");
    CHECK(contains(only_at(l.diags, "spec.domains[3].parent").message, "cycle"));
  }

  TEST_CASE("a domain names itself as its parent") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("      parent: emea.corp.example.com\n", "      parent: paris.emea.corp.example.com\n");
    check_at(only_at(l.diags, "spec.domains[3].parent"), 24, 15, "names itself");
  }

  TEST_CASE("referenced plans exist") {
    ForestFixture fx;
    std::filesystem::remove(fx.dir / "dc20.yaml");
    const forest::ForestLoad l = fx.load();
    check_at(only_at(l.diags, "spec.domains[2].firstDC.plan"), 20, 23, "cannot be read");
    CHECK_FALSE(l.plan.has_value());
  }

  TEST_CASE("referenced plans validate, and their errors name their own file") {
    ForestFixture fx;
    fx.dir.write("dc10.yaml", restore_plan("dc10", "DC10.emea.corp.example.com", "    maxAge: 5 days\n"));
    const forest::ForestLoad l = fx.load();
    check_at(only_at(l.diags, "spec.domains[1].firstDC.plan"), 15, 23, "does not validate (1 error,");
    CHECK_FALSE(l.plan.has_value());
    const forest::ReferencedPlan* bad = nullptr;
    for (const forest::ReferencedPlan& r : l.referenced) {
      if (contains(r.path, "dc10.yaml")) bad = &r;
    }
    REQUIRE(bad);
    const input::Diagnostic& d = only_at(bad->load.diags, "spec.backup.maxAge");
    CHECK(contains(d.file, "dc10.yaml"));
    CHECK(d.mark.line == 9);
  }

  TEST_CASE("a first DC's plan is not an authoritative restore") {
    ForestFixture fx;
    fx.dir.write("dc01.yaml", restore_plan("dc01", "DC01.corp.example.com") +
                                  "  restore:\n    authoritative:\n      subtrees: ['OU=Finance,DC=corp,DC=example,DC=com']\n");
    const forest::ForestLoad l = fx.load();
    check_at(only_at(l.diags, "spec.domains[0].firstDC.plan"), 10, 23, "non-authoritatively");
  }

  TEST_CASE("a DC is never both restored and cleaned up") {
    ForestFixture fx;
    // The root's cleanup names the emea first DC by its NetBIOS name.
    const forest::ForestLoad l = fx.load("cleanup: [DC02.corp.example.com]", "cleanup: [DC02.corp.example.com, DC10]");
    check_at(only_at(l.diags, "spec.domains[0].cleanup[1]"), 12, 40, "first DC of emea.corp.example.com");
  }

  TEST_CASE("one first DC per domain: a domain listed twice") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("    - name: apac.corp.example.com\n", "    - name: EMEA.corp.example.com\n");
    check_at(only_at(l.diags, "spec.domains[2].name"), 18, 13, "exactly one first DC");
  }

  TEST_CASE("one first DC per domain: one DC first in two domains") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("{plan: dc20.yaml", "{plan: dc10.yaml");
    check_at(only_at(l.diags, "spec.domains[2].firstDC.plan"), 20, 23, "already the first DC of emea.corp.example.com");
  }

  TEST_CASE("each plan's maxAge within the tombstone lifetime, 180d by default") {
    ForestFixture fx;
    fx.dir.write("dc20.yaml", restore_plan("dc20", "DC20.apac.corp.example.com", "    maxAge: 200d\n"));
    forest::ForestLoad l = fx.load();
    check_at(only_at(l.diags, "spec.domains[2].firstDC.plan"), 20, 23, "longer than the tombstone lifetime 180d");
    // A longer lifetime, written down, admits it; a shorter one refuses the 180d default of dc01.
    l = fx.load("  breach: false\n", "  breach: false\n  tombstoneLifetime: 365d\n");
    CHECK_FALSE(l.diags.has_errors());
    fx.dir.write("dc20.yaml", restore_plan("dc20", "DC20.apac.corp.example.com"));
    l = fx.load("  breach: false\n", "  breach: false\n  tombstoneLifetime: 60d\n");
    CHECK(contains(only_at(l.diags, "spec.domains[0].firstDC.plan").message, "up to 180d old"));
    l = fx.load("  breach: false\n", "  breach: false\n  tombstoneLifetime: 1d\n");
    check_at(only_at(l.diags, "spec.tombstoneLifetime"), 8, 22, "shorter than Active Directory allows");
  }

  TEST_CASE("SYSVOL: non-authoritative in the root is an error, elsewhere a warning about the guide") {
    ForestFixture fx;
    forest::ForestLoad l = fx.load("      sysvol: authoritative\n      cleanup: [DC02", "      sysvol: nonAuthoritative\n      cleanup: [DC02");
    check_at(only_at(l.diags, "spec.domains[0].sysvol"), 11, 15, "use sysvol: authoritative");
    l = fx.load("{plan: dc20.yaml, seizeRoles: domain}\n      sysvol: authoritative", "{plan: dc20.yaml, seizeRoles: domain}\n      sysvol: nonAuthoritative");
    CHECK_FALSE(l.diags.has_errors());
    check_at(only_at(l.diags, "spec.domains[2].sysvol", input::Severity::warning), 21, 15, "the guide is ambiguous");
  }

  TEST_CASE("SYSVOL is decided for the first DC only: the schema has no place for it elsewhere") {
    ForestFixture fx;
    const forest::ForestLoad l = fx.load("seizeRoles: all}", "seizeRoles: all, sysvol: authoritative}");
    CHECK(contains(only_at(l.diags, "spec.domains[0].firstDC.sysvol").message, "unknown field"));
  }

  TEST_CASE("seizeRoles matches the domain's place") {
    ForestFixture fx;
    forest::ForestLoad l = fx.load("seizeRoles: all}", "seizeRoles: domain}");
    check_at(only_at(l.diags, "spec.domains[0].firstDC.seizeRoles"), 10, 46, "all five FSMO roles");
    l = fx.load("{plan: dc10.yaml, seizeRoles: domain}", "{plan: dc10.yaml, seizeRoles: all}");
    check_at(only_at(l.diags, "spec.domains[1].firstDC.seizeRoles"), 15, 46, "three domain roles");
  }

  TEST_CASE("krbtgt minInterval under 10h only with an acknowledgement") {
    ForestFixture fx;
    forest::ForestLoad l = fx.load("      cleanup: [DC02.corp.example.com]\n", "      cleanup: [DC02.corp.example.com]\n      krbtgt: {resets: 2, minInterval: 4h}\n");
    check_at(only_at(l.diags, "spec.domains[0].krbtgt.minInterval"), 13, 40, "under the guide's 10 hours");
    l = fx.load("      cleanup: [DC02.corp.example.com]\n",
                "      cleanup: [DC02.corp.example.com]\n      krbtgt: {minInterval: 4h, acknowledgeShortInterval: 'max ticket lifetime is 4h'}\n");
    CHECK_FALSE(l.diags.has_errors());
    REQUIRE(l.plan.has_value());
    CHECK(l.plan->domains[0].krbtgt_interval_seconds == 4 * 3600);
    l = fx.load("      cleanup: [DC02.corp.example.com]\n", "      cleanup: [DC02.corp.example.com]\n      krbtgt: {resets: 1}\n");
    CHECK(contains(only_at(l.diags, "spec.domains[0].krbtgt.resets").message, "twice"));
  }

  TEST_CASE("former FSMO holders that are not restored are in cleanup") {
    ForestFixture fx;
    forest::ForestLoad l = fx.load("      cleanup: [DC02.corp.example.com]\n",
                                   "      cleanup: [DC02.corp.example.com]\n      formerRoleHolders: [DC01, DC02, DC04.corp.example.com]\n");
    check_at(only_at(l.diags, "spec.domains[0].formerRoleHolders[2]"), 13, 39, "add it to spec.domains[0].cleanup");
    CHECK(l.diags.error_count() == 1);  // DC01 is restored, DC02 is cleaned up
  }
}

}  // namespace adrestore::testing
