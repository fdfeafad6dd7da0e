// What the fuzz targets share: the input as text, and FUZZ_CHECK for invariants. A broken
// invariant aborts, so libFuzzer saves the input as a crash and a replay of it fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond)                                                                        \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__);   \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace adrestore::fuzz {

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace adrestore::fuzz
