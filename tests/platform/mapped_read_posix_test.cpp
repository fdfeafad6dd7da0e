// File::map_range and read_mapped() on POSIX (fs.h): mapped bytes equal read ones at any
// offset, a range past the end maps nothing, and a read of bytes that vanished when the file
// shrank under its mapping comes back as false instead of SIGBUS ending the process, while a
// SIGBUS outside read_mapped() still ends it.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <numeric>

#include "platform/fs.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::platform;
using adrestore::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4096) & 0xFF);
  return s;
}

}  // namespace

TEST_SUITE("platform") {
  TEST_CASE("map_range maps the bytes a read sees, at any offset, and nothing past the end") {
    TempDir dir;
    const std::string data = pattern(5 * 4096 + 123);
    const std::string path = dir.write("f", data);
    auto f = File::open(path, File::Mode::read);
    REQUIRE(f);
    for (const auto& [off, len] : std::vector<std::pair<std::uint64_t, std::size_t>>{
             {0, data.size()}, {4096, 8192}, {100, 5000}, {data.size() - 1, 1}}) {
      CAPTURE(off);
      auto m = (*f)->map_range(off, len);
      REQUIRE(m);
      bool same = false;
      CHECK(read_mapped([&] { same = std::string(m->data(), len) == data.substr(off, len); }));
      CHECK(same);
    }
    CHECK_FALSE((*f)->map_range(0, data.size() + 1));
    CHECK_FALSE((*f)->map_range(data.size(), 1));
    CHECK_FALSE((*f)->map_range(0, 0));
  }

  TEST_CASE("read_mapped turns a read of vanished mapped bytes into false, and the thread goes on") {
    TempDir dir;
    const std::string path = dir.write("f", pattern(4 * 4096));
    auto f = File::open(path, File::Mode::read);
    REQUIRE(f);
    auto m = (*f)->map_range(0, 4 * 4096);
    REQUIRE(m);
    fs::resize_file(path, 4096);  // pages 1-3 are past the end now
    volatile char sink = 0;
    CHECK(read_mapped([&] { sink = m->data()[10]; }));
    for (int i = 0; i < 3; ++i) {  // again: the handler stays installed and the mask restored
      CHECK_FALSE(read_mapped([&] { sink = m->data()[2 * 4096 + 5]; }));
    }
    CHECK(read_mapped([&] { sink = m->data()[4095]; }));
    (void)sink;
  }

  TEST_CASE("a SIGBUS outside read_mapped still ends the process") {
    TempDir dir;
    const std::string path = dir.write("f", pattern(2 * 4096));
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      auto f = File::open(path, File::Mode::read);
      if (!f) ::_exit(12);
      auto m = (*f)->map_range(0, 2 * 4096);
      if (!m) ::_exit(13);
      volatile char sink = 0;
      if (!read_mapped([&] { sink = m->data()[0]; })) ::_exit(14);  // installs the handler
      ::truncate(path.c_str(), 0);
      sink = m->data()[4096 + 1];  // not guarded: SIGBUS
      (void)sink;
      ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    // Killed by SIGBUS, or (under a sanitizer, whose handler was there first and gets it)
    // ended by the sanitizer's report (exit code 1); never on to _exit(0), nor out early.
    if (WIFSIGNALED(status)) {
      CHECK(WTERMSIG(status) == SIGBUS);
    } else {
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 1);
    }
  }
}
