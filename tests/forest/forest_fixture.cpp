#include "forest/forest_fixture.h"

#include <doctest/doctest.h>

namespace adrestore::testing {

const std::string k_forest =
    "apiVersion: adrestore/v1\n"                                  // 1
    "kind: ForestRecoveryPlan\n"                                  // 2
    "metadata:\n"                                                 // 3
    "  name: corp\n"                                              // 4
    "spec:\n"                                                     // 5
    "  forest: corp.example.com\n"                                // 6
    "  breach: false\n"                                           // 7
    "  domains:\n"                                                // 8
    "    - name: corp.example.com\n"                              // 9
    "      firstDC: {plan: dc01.yaml, seizeRoles: all}\n"         // 10
    "      sysvol: authoritative\n"                               // 11
    "      cleanup: [DC02.corp.example.com]\n"                    // 12
    "    - name: emea.corp.example.com\n"                         // 13
    "      parent: corp.example.com\n"                            // 14
    "      firstDC: {plan: dc10.yaml, seizeRoles: domain}\n"      // 15
    "      sysvol: authoritative\n"                               // 16
    "      cleanup: []\n"                                         // 17
    "    - name: apac.corp.example.com\n"                         // 18
    "      parent: corp.example.com\n"                            // 19
    "      firstDC: {plan: dc20.yaml, seizeRoles: domain}\n"      // 20
    "      sysvol: authoritative\n"                               // 21
    "      cleanup: []\n"                                         // 22
    "    - name: paris.emea.corp.example.com\n"                   // 23
    "      parent: emea.corp.example.com\n"                       // 24
    "      firstDC: {plan: dc30.yaml, seizeRoles: domain}\n"      // 25
    "      sysvol: authoritative\n"                               // 26
    "      cleanup: []\n";                                        // 27

std::string restore_plan(const std::string& name, const std::string& dc, const std::string& backup_extra) {
  return "apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: " + name + "\n  domainController: " + dc +
         "\nspec:\n  backup:\n    source: 'D:\\Backups\\" + name + "'\n" + backup_extra;
}

ForestFixture::ForestFixture() {
  dir.write("dc01.yaml", restore_plan("dc01", "DC01.corp.example.com"));
  dir.write("dc10.yaml", restore_plan("dc10", "DC10.emea.corp.example.com"));
  dir.write("dc20.yaml", restore_plan("dc20", "DC20.apac.corp.example.com"));
  dir.write("dc30.yaml", restore_plan("dc30", "DC30.paris.emea.corp.example.com"));
}

forest::ForestLoad ForestFixture::load(const std::string& from, const std::string& to) const {
  std::string text = k_forest;
  if (!from.empty()) {
    const std::size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    text.replace(at, from.size(), to);
  }
  return load_text(text);
}

forest::ForestLoad ForestFixture::load_text(const std::string& text) const {
  return forest::load_forest_file(dir.write("forest.yaml", text));
}

const input::Diagnostic& only_at(const input::Diagnostics& diags, const std::string& path, input::Severity severity) {
  const input::Diagnostic* found = nullptr;
  std::size_t count = 0;
  for (const input::Diagnostic& d : diags.items()) {
    if (d.path == path && d.severity == severity) {
      found = &d;
      ++count;
    }
  }
  std::string all;
  for (const input::Diagnostic& d : diags.items()) all += input::format_text(d) + "\n";
  const std::string why = "expected one diagnostic at " + path + "; got:\n" + all;
  REQUIRE_MESSAGE(count == 1, why);
  return *found;
}

}  // namespace adrestore::testing
