// Windows command-line quoting, tested on every platform against the documented splitting
// rules (and known CommandLineToArgvW results).
#include <doctest/doctest.h>

#include "platform/win_argv.h"

namespace adrestore::platform {

TEST_SUITE("platform") {

TEST_CASE("a Windows argument is quoted only when it needs to be") {
  CHECK(quote_windows_argument("pause") == "pause");
  CHECK(quote_windows_argument("--minutes=120") == "--minutes=120");
  CHECK(quote_windows_argument("C:\\Tools\\x") == "C:\\Tools\\x");  // backslashes alone are literal
  CHECK(quote_windows_argument("a&b|c;d") == "a&b|c;d");            // no shell: nothing to escape
  CHECK(quote_windows_argument("two words") == "\"two words\"");
  CHECK(quote_windows_argument("") == "\"\"");
  CHECK(quote_windows_argument("tab\there") == "\"tab\there\"");
  CHECK(quote_windows_argument("line\nbreak") == "\"line\nbreak\"");
}

TEST_CASE("quotes are escaped and the backslashes before them doubled") {
  CHECK(quote_windows_argument("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(quote_windows_argument("a\\\"b") == "\"a\\\\\\\"b\"");  // a\"b -> "a\\\"b"
  CHECK(quote_windows_argument("\"") == "\"\\\"\"");
}

TEST_CASE("trailing backslashes are doubled so they cannot escape the closing quote") {
  CHECK(quote_windows_argument("C:\\Program Files\\") == "\"C:\\Program Files\\\\\"");
  CHECK(quote_windows_argument("x y\\\\") == "\"x y\\\\\\\\\"");
  CHECK(quote_windows_argument("nospace\\") == "nospace\\");  // unquoted: stays literal
}

TEST_CASE("the program is quoted without escapes, as Windows reads argv[0]") {
  auto line = build_windows_command_line({"C:\\Program Files\\Tools\\avctl.exe", "pause"});
  REQUIRE(line);
  CHECK(*line == "\"C:\\Program Files\\Tools\\avctl.exe\" pause");
  line = build_windows_command_line({"C:\\Tools\\avctl.exe"});
  REQUIRE(line);
  CHECK(*line == "C:\\Tools\\avctl.exe");
  CHECK_FALSE(build_windows_command_line({"C:\\bad\"name.exe"}));
  CHECK_FALSE(build_windows_command_line({}));
  CHECK_FALSE(build_windows_command_line({"C:\\x.exe", std::string("nul\0byte", 8)}));
}

TEST_CASE("every tricky argument survives the round trip through the splitting rules") {
  const std::vector<std::string> argv = {
    "C:\\Program Files\\Tools\\notify.exe",
    "",
    "two words",
    "\"",
    "\"\"",
    "say \"hi\"",
    "trailing\\",
    "trailing space\\",
    "\\\\server\\share\\",
    "\\\"",
    "a\\\\\"b",
    "a&b|c;d<e>f^g%PATH%",
    "$(rm -rf /) `x`",
    "line1\nline2",
    "tab\t",
    "non-ASCII: d\xc3\xa9j\xc3\xa0 vu \xe2\x82\xac \xf0\x9f\x94\x91",
    " leading and trailing ",
    "-n",
  };
  auto line = build_windows_command_line(argv);
  REQUIRE(line);
  CHECK(parse_windows_command_line(*line) == argv);
}

TEST_CASE("the parser follows CommandLineToArgvW on the documented examples") {
  using V = std::vector<std::string>;
  // From the CommandLineToArgvW / "Parsing C command-line arguments" documentation.
  CHECK(parse_windows_command_line("p \"abc\" d e") == V{"p", "abc", "d", "e"});
  CHECK(parse_windows_command_line("p a\\\\b d\"e f\"g h") == V{"p", "a\\\\b", "de fg", "h"});
  CHECK(parse_windows_command_line("p a\\\\\\\"b c d") == V{"p", "a\\\"b", "c", "d"});
  CHECK(parse_windows_command_line("p a\\\\\\\\\"b c\" d e") == V{"p", "a\\\\b c", "d", "e"});
  CHECK(parse_windows_command_line("p a\"b\"\" c d") == V{"p", "ab\" c d"});
  CHECK(parse_windows_command_line("\"C:\\a b\\p.exe\" x") == V{"C:\\a b\\p.exe", "x"});
}

TEST_CASE("batch files are recognised however Windows would still run them") {
  CHECK(is_batch_program("C:\\Tools\\run.bat"));
  CHECK(is_batch_program("C:\\Tools\\RUN.CMD"));
  CHECK(is_batch_program("run.Bat"));
  CHECK(is_batch_program("C:\\Tools\\run.bat."));
  CHECK(is_batch_program("C:\\Tools\\run.cmd . "));
  CHECK(is_batch_program("/world/fs/C/Tools/run.bat"));
  CHECK_FALSE(is_batch_program("C:\\Tools\\avctl.exe"));
  CHECK_FALSE(is_batch_program("C:\\bat\\avctl.exe"));
  CHECK_FALSE(is_batch_program("C:\\Tools\\batch"));
}

}  // TEST_SUITE
}  // namespace adrestore::platform
