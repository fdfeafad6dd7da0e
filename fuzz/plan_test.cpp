// Plan tests (*.test.yaml) as `adrestore test` loads them: guard, schema, then the typed test.
#include "check.h"
#include "plantest/load.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  plantest::PlanTestLoad load = plantest::load_plan_test_text(fuzz::as_text(data, size), "fuzz.test.yaml");
  FUZZ_CHECK(!load.test || !load.diags.has_errors());
  FUZZ_CHECK(load.failure == input::LoadFailure::none || load.diags.has_errors());
  return 0;
}
