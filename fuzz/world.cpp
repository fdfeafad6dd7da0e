// A simulated DC's world.json, as every simulator call reads it. A state the reader accepts
// must write back to text that reads to the same state.
#include "check.h"
#include "sim/world_state.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto state = sim::parse_world_text(fuzz::as_text(data, size), "world.json");
  if (!state) return 0;
  const nlohmann::json once = sim::world_to_json(*state);
  auto again = sim::parse_world_text(once.dump(2), "world.json");
  if (!again) std::fprintf(stderr, "%s\n", again.status().message().c_str());
  FUZZ_CHECK(again.is_ok());
  FUZZ_CHECK(sim::world_to_json(*again) == once);
  return 0;
}
