// Loads a PlanTest file through the same input guard, schema checker and diagnostics as plans.
#pragma once

#include <optional>
#include <string>

#include "input/diagnostic.h"
#include "input/guard.h"
#include "plantest/model.h"

namespace adrestore::plantest {

struct PlanTestLoad {
  input::LoadFailure failure = input::LoadFailure::none;
  input::Diagnostics diags;
  std::optional<PlanTest> test;  // only when diags has no error
};

PlanTestLoad load_plan_test_file(const std::string& path);
PlanTestLoad load_plan_test_text(std::string text, const std::string& display_name);

}  // namespace adrestore::plantest
