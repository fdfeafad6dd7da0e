// The UTF-16 file lists the backup API hands back (ntds/wide_list.h). Any list the parser
// accepts must format back to a list that parses to the same entries.
#include <cstring>

#include "check.h"
#include "ntds/wide_list.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The byte count comes from the API and may disagree with the buffer: the first byte picks
  // how many bytes short of the whole buffer it claims (the final NUL may lie outside it).
  if (size == 0) {
    (void)ntds::parse_wide_bft_list(nullptr, 0);
    return 0;
  }
  const std::size_t short_by = std::min<std::size_t>(data[0] % 4, size - 1);
  auto list = ntds::parse_wide_bft_list(data + 1, size - 1 - short_by);
  if (!list) return 0;
  auto formatted = ntds::format_wide_bft_list(*list);
  FUZZ_CHECK(formatted.is_ok());
  auto again = ntds::parse_wide_bft_list(formatted->data(), formatted->size() * 2);
  FUZZ_CHECK(again.is_ok());
  FUZZ_CHECK(*again == *list);
  return 0;
}
