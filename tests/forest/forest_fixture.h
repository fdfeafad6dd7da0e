// A forest recovery plan on disk for the tests: the root, two children and a grandchild,
// each first DC with its own RestorePlan beside the forest file; edits make the hazards.
#pragma once

#include <string>

#include "forest/load.h"
#include "support.h"

namespace adrestore::testing {

// Line numbers of k_forest's fields, for position checks.
extern const std::string k_forest;

// A RestorePlan for `dc` with extra text appended under spec.backup (say "    maxAge: 365d\n").
std::string restore_plan(const std::string& name, const std::string& dc, const std::string& backup_extra = {});

struct ForestFixture {
  TempDir dir;
  ForestFixture();  // writes dc01.yaml, dc10.yaml, dc20.yaml and dc30.yaml
  // Writes `text` (k_forest with `from` replaced by `to`, when given) and loads it.
  forest::ForestLoad load(const std::string& from = {}, const std::string& to = {}) const;
  forest::ForestLoad load_text(const std::string& text) const;
};

// The one diagnostic at `path` of the given severity; fails the test when there is not exactly one.
const input::Diagnostic& only_at(const input::Diagnostics& diags, const std::string& path,
                                 input::Severity severity = input::Severity::error);

}  // namespace adrestore::testing
