// Helpers shared by the tests: a temporary directory kept on failure, file writing, and
// running the built adrestore binary with a timeout.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace adrestore::testing {

std::filesystem::path source_dir();
std::string binary_path();

// A fresh directory under the system temp dir, removed when the test passes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path m_path;
};

void write_file(const std::filesystem::path& path, const std::string& content);
std::string read_file(const std::filesystem::path& path);

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs argv (argv[0] is the program) with stdin from /dev/null, capturing output; kills it
// after `timeout_seconds`.
RunResult run_process(const std::vector<std::string>& argv, double timeout_seconds = 20,
                      const std::vector<std::string>& extra_env = {});

// Runs the built adrestore with the given arguments.
RunResult run_adrestore(const std::vector<std::string>& args, double timeout_seconds = 20,
                        const std::vector<std::string>& extra_env = {});

#ifdef _WIN32
// True when the tests run under wine (ntdll exports wine_get_version).
bool under_wine();
// Makes `link` an empty folder that is a junction (a mount-point reparse point) to the
// folder `target`, with FSCTL_SET_REPARSE_POINT. Returns an empty string, or why not.
std::string make_junction(const std::filesystem::path& link, const std::filesystem::path& target);
#endif

}  // namespace adrestore::testing
