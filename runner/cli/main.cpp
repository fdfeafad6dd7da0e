#include "cli/app.h"
#include "platform/console.h"

#ifdef _WIN32
// wmain (mingw: linked with -municode): the arguments arrive as UTF-16 and are passed on as
// UTF-8, whatever the ANSI code page is.
int wmain(int argc, wchar_t** wargv) {
  adrestore::platform::prepare_console();
  std::vector<std::string> args = adrestore::platform::utf8_arguments(argc, wargv);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return adrestore::cli::run(argc, argv.data());
}
#else
int main(int argc, char** argv) {
  adrestore::platform::prepare_console();
  return adrestore::cli::run(argc, argv);
}
#endif
