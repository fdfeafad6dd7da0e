#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "exec/lock.h"
#include "support.h"

using namespace adrestore;
using namespace adrestore::exec;
using adrestore::testing::TempDir;

namespace {

// A child process that takes the lock, reports its pid through a pipe, and waits to be
// told to go (or to be killed).
struct LockingChild {
  pid_t pid = -1;
  int to_child = -1;
  int from_child = -1;

  explicit LockingChild(const std::string& state_dir) {
    int down[2];
    int up[2];
    REQUIRE(::pipe(down) == 0);
    REQUIRE(::pipe(up) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(down[1]);
      ::close(up[0]);
      auto lock = StateLock::acquire(platform::system_fs(), state_dir);
      const char ok = lock ? 'L' : 'F';
      if (::write(up[1], &ok, 1) != 1) ::_exit(3);
      char c = 0;
      if (::read(down[0], &c, 1) < 0) ::_exit(4);
      ::_exit(0);  // the lock is never released by the program: the OS drops it
    }
    ::close(down[0]);
    ::close(up[1]);
    to_child = down[1];
    from_child = up[0];
    char c = 0;
    REQUIRE(::read(from_child, &c, 1) == 1);
    REQUIRE(c == 'L');
  }
  int finish(bool kill_it) {
    if (kill_it) {
      ::kill(pid, SIGKILL);
    } else {
      const char c = 'x';
      (void)!::write(to_child, &c, 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(to_child);
    ::close(from_child);
    return status;
  }
};

}  // namespace

TEST_SUITE("journal") {
  TEST_CASE("a second lock on the same state directory in the same process is refused") {
    TempDir t;
    auto first = StateLock::acquire(platform::system_fs(), t.path().string());
    REQUIRE_MESSAGE(first, first.status().message());
    auto second = StateLock::acquire(platform::system_fs(), t.path().string());
    REQUIRE_FALSE(second);
    CHECK(second.status().code() == Code::refused);
    const std::string& m = second.status().message();
    CHECK_MESSAGE(m.find("held by pid " + std::to_string(::getpid()) + " on host ") != std::string::npos, m);
    CHECK(m.find("(run " + (*first)->holder().nonce + ")") != std::string::npos);
    CHECK(m.find(" since ") != std::string::npos);
  }

  TEST_CASE("a lock held by another process is refused with that process's details") {
    TempDir t;
    LockingChild child(t.path().string());
    auto mine = StateLock::acquire(platform::system_fs(), t.path().string());
    REQUIRE_FALSE(mine);
    CHECK(mine.status().code() == Code::refused);
    CHECK_MESSAGE(mine.status().message().find("held by pid " + std::to_string(child.pid)) != std::string::npos,
                  mine.status().message());
    auto probe = probe_lock(t.path().string());
    REQUIRE(probe);
    REQUIRE(probe->has_value());
    CHECK((*probe)->pid == child.pid);
    child.finish(false);
    CHECK(StateLock::acquire(platform::system_fs(), t.path().string()));
  }

  TEST_CASE("the lock is released when its holder is killed") {
    TempDir t;
    LockingChild child(t.path().string());
    CHECK_FALSE(StateLock::acquire(platform::system_fs(), t.path().string()));
    const int status = child.finish(true);
    CHECK(WIFSIGNALED(status));
    auto again = StateLock::acquire(platform::system_fs(), t.path().string());
    CHECK_MESSAGE(again, again.status().message());
  }

  TEST_CASE("the lock is released when the holder object goes away") {
    TempDir t;
    {
      auto first = StateLock::acquire(platform::system_fs(), t.path().string());
      REQUIRE(first);
    }
    CHECK(testing::read_file(t / "lock").empty());
    auto probe = probe_lock(t.path().string());
    REQUIRE(probe);
    CHECK_FALSE(probe->has_value());
    CHECK(StateLock::acquire(platform::system_fs(), t.path().string()));
  }

  TEST_CASE("the lock file records pid, host, boot id, start time and nonce") {
    TempDir t;
    auto lock = StateLock::acquire(platform::system_fs(), t.path().string());
    REQUIRE(lock);
    const auto j = nlohmann::json::parse(testing::read_file(t / "lock"));
    CHECK(j["pid"] == ::getpid());
    CHECK(!j["host"].get<std::string>().empty());
    const std::string boot = testing::read_file("/proc/sys/kernel/random/boot_id");
    CHECK(boot.substr(0, 36) == j["boot_id"].get<std::string>());
    CHECK(j["started_at"].get<std::string>().back() == 'Z');
    CHECK(j["nonce"].get<std::string>().size() == 16);
    auto parsed = parse_lock_holder(testing::read_file(t / "lock"));
    REQUIRE(parsed);
    CHECK(parsed->nonce == (*lock)->holder().nonce);
  }

  TEST_CASE("a lock file that is a symbolic link is refused, not followed") {
    TempDir t;
    testing::write_file(t / "elsewhere", "");
    std::filesystem::create_symlink(t / "elsewhere", t / "lock");
    auto lock = StateLock::acquire(platform::system_fs(), t.path().string());
    REQUIRE_FALSE(lock);
    CHECK(lock.status().message().find("symbolic link") != std::string::npos);
  }

  TEST_CASE("a damaged holder record still yields a refusal, without details") {
    TempDir t;
    auto first = StateLock::acquire(platform::system_fs(), t.path().string());
    REQUIRE(first);
    testing::write_file(t / "lock", "{\"pid\": \"garbage");
    auto second = StateLock::acquire(platform::system_fs(), t.path().string());
    REQUIRE_FALSE(second);
    CHECK(second.status().code() == Code::refused);
    CHECK(second.status().message().find("has not written its details yet") != std::string::npos);
  }

  TEST_CASE("the holder record parser refuses malformed records") {
    CHECK_FALSE(parse_lock_holder(""));
    CHECK_FALSE(parse_lock_holder("{\"pid\": -3}"));
    CHECK_FALSE(parse_lock_holder("{\"pid\": 12, \"host\": 5}"));
    CHECK_FALSE(parse_lock_holder(std::string(5000, ' ')));
    CHECK(describe(LockHolder{}).find("not written its details") != std::string::npos);
  }
}
