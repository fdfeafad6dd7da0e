// Windows command lines (platform/win_argv.h). The input, split at NUL bytes, is an argv:
// whenever a command line can be built from it, the CommandLineToArgvW rules must split that
// line back into the same argv. The raw input is also split as a command line, which must
// not fail on anything, and whatever comes out must build back into a line that splits alike.
#include <string_view>

#include "check.h"
#include "platform/win_argv.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input = fuzz::as_text(data, size);
  std::vector<std::string> argv;
  for (std::size_t start = 0;;) {
    const std::size_t nul = input.find('\0', start);
    argv.push_back(input.substr(start, nul == std::string::npos ? std::string::npos : nul - start));
    if (nul == std::string::npos) break;
    start = nul + 1;
  }
  (void)platform::is_batch_program(argv[0]);
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string quoted = platform::quote_windows_argument(argv[i]);
    const auto split = platform::parse_windows_command_line("p " + quoted);
    FUZZ_CHECK(split.size() == 2 && split[1] == argv[i]);
  }
  if (auto line = platform::build_windows_command_line(argv)) {
    FUZZ_CHECK(platform::parse_windows_command_line(*line) == argv);
  }

  if (input.find('\0') == std::string::npos) {
    const auto split = platform::parse_windows_command_line(input);
    if (!split.empty()) {
      if (auto line = platform::build_windows_command_line(split)) {
        FUZZ_CHECK(platform::parse_windows_command_line(*line) == split);
      }
    }
  }
  return 0;
}
