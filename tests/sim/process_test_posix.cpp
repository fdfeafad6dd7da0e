// Contexts die with the process that opened them: these tests open contexts in a forked
// child and use or inspect them from the parent.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_fixture.h"

using namespace adrestore;
using namespace adrestore::ntds;
using adrestore::testing::SimFixture;

namespace {

// A child process running `body` on its own SimApi over the same world. The child reports
// one number to the parent and, when asked to, waits for the parent's go before exiting.
class Child {
 public:
  template <class Body>
  Child(const std::string& world_dir, bool wait_for_go, Body body) : m_wait(wait_for_go) {
    REQUIRE(::pipe(m_up) == 0);
    REQUIRE(::pipe(m_down) == 0);
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      ::close(m_up[0]);
      ::close(m_down[1]);
      std::uint64_t value = 0;
      {
        auto world = sim::World::open(world_dir);
        if (!world) ::_exit(90);
        sim::SimApi api(*world);
        value = body(api);
      }
      if (::write(m_up[1], &value, sizeof value) != sizeof value) ::_exit(91);
      if (wait_for_go) {
        char go = 0;
        if (::read(m_down[0], &go, 1) != 1) ::_exit(92);
      }
      ::_exit(0);  // no End, no frees: the process just goes away
    }
    ::close(m_up[1]);
    ::close(m_down[0]);
    REQUIRE(::read(m_up[0], &m_value, sizeof m_value) == static_cast<ssize_t>(sizeof m_value));
  }
  ~Child() {
    if (m_pid > 0) finish();
  }
  std::uint64_t value() const { return m_value; }
  // Lets the child exit and reaps it.
  void finish() {
    const char go = 1;
    if (m_wait) (void)::write(m_down[1], &go, 1);  // a child that does not wait has closed its end
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    m_pid = -1;
    ::close(m_up[0]);
    ::close(m_down[1]);
  }

 private:
  bool m_wait = false;
  pid_t m_pid = -1;
  int m_up[2] = {-1, -1};
  int m_down[2] = {-1, -1};
  std::uint64_t m_value = 0;
};

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("a context opened by a process that has exited is invalid in the next process") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    Child child(fx.dir(), false, [&](sim::SimApi& api) {
      Hbc hbc;
      return api.restore_prepare("DC01", k_restore_type_catchup, token, hbc).ok() ? hbc.value : 0;
    });
    REQUIRE(child.value() != 0);
    child.finish();
    BftList loc;
    ApiBuffer buf;
    CHECK(fx.api->restore_get_database_locations(Hbc{child.value()}, loc, buf) == k_hr_invalid_handle);
    CHECK(fx.records().back().outputs.at("why") == "owner-exited");
    CHECK(fx.state().find_context(child.value())->ended == "process exited");
  }

  TEST_CASE("a context of another live process is not usable here either") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    Child child(fx.dir(), true, [&](sim::SimApi& api) {
      Hbc hbc;
      return api.restore_prepare("DC01", k_restore_type_catchup, token, hbc).ok() ? hbc.value : 0;
    });
    REQUIRE(child.value() != 0);
    CHECK(fx.api->restore_end(Hbc{child.value()}) == k_hr_invalid_handle);
    CHECK(fx.records().back().outputs.at("why") == "other-process");
    CHECK(fx.state().find_context(child.value())->ended.empty());  // still alive over there
    child.finish();
  }

  TEST_CASE("the interlock holds against another live process and dies with its holder") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    Child child(fx.dir(), true, [&](sim::SimApi& api) -> std::uint64_t {
      Hbc hbc;
      if (!api.restore_prepare("DC01", k_restore_type_catchup, token, hbc).ok()) return 0;
      return api.restore_register(hbc, "D:\\Chk", "D:\\Logs", {}, "D:\\Restored", 2, 5).ok() ? hbc.value : 0;
    });
    REQUIRE(child.value() != 0);
    const Hbc mine = fx.prepare_restore(token);
    CHECK(fx.register_default(mine) == k_hr_restore_in_progress);
    child.finish();  // the runner holding the restore crashed

    // The registry values the dead process wrote are still there; its interlock is not.
    const sim::WorldState w = fx.state();
    REQUIRE(w.restore_in_progress.has_value());
    CHECK(w.restore_in_progress->log_path.str() == "D:\\Logs");
    CHECK(w.restore_in_progress->low_log == 2);
    CHECK(w.restore_in_progress->high_log == 5);
    CHECK_FALSE(w.restore_in_progress->restore_state.has_value());
    CHECK_FALSE(w.interlock.has_value());
    // A resumed run registers again, replacing the crashed run's values.
    CHECK(fx.register_default(mine) == k_hr_none);
    CHECK(fx.state().restore_in_progress->log_path.str() == "C:\\Windows\\NTDS");
  }

  TEST_CASE("registry values survive a crash between Register and RegisterComplete, and block the boot") {
    SimFixture fx;
    const ExpiryToken token = fx.token_then_dsrm();
    Child crasher(fx.dir(), false, [&](sim::SimApi& api) -> std::uint64_t {
      Hbc hbc;
      if (!api.restore_prepare("DC01", k_restore_type_catchup, token, hbc).ok()) return 0;
      return api.restore_register(hbc, "C:\\Windows\\NTDS", "C:\\Windows\\NTDS", {}, "C:\\Windows\\NTDS", 1, 3).ok() ? 1 : 0;
    });
    REQUIRE(crasher.value() == 1);
    crasher.finish();
    REQUIRE(fx.state().restore_in_progress.has_value());
    REQUIRE(fx.host->restart_normal_mode().is_ok());
    const sim::WorldState w = fx.state();
    CHECK_FALSE(w.ntds_online);
    REQUIRE(w.last_boot.has_value());
    CHECK(w.last_boot->reason.find("never completed") != std::string::npos);
    CHECK(w.restore_in_progress.has_value());
  }

  TEST_CASE("buffers a process never freed are reported as leaks once it is gone") {
    SimFixture fx;
    Child child(fx.dir(), false, [&](sim::SimApi& api) -> std::uint64_t {
      ExpiryToken t;
      ApiBuffer b;
      Hbc hbc;
      if (!api.backup_prepare("DC01", 0, k_backup_type_full, t, b, hbc).ok()) return 0;
      BftList names;
      ApiBuffer nb;
      if (!api.backup_get_database_names(hbc, names, nb).ok()) return 0;
      api.backup_free(b);
      return nb.id;  // leaked
    });
    REQUIRE(child.value() != 0);
    child.finish();
    auto leaks = fx.world->leaks(false);
    REQUIRE(leaks.is_ok());
    REQUIRE(leaks->size() == 1);
    CHECK((*leaks)[0].buffer == child.value());
    CHECK((*leaks)[0].call == "DsBackupGetDatabaseNames");
    CHECK(fx.state().counters.leaked_buffers == 1);
    // The dead backup context no longer blocks a new backup.
    ExpiryToken t;
    ApiBuffer b;
    Hbc hbc;
    CHECK(fx.api->backup_prepare("DC01", 0, k_backup_type_full, t, b, hbc) == k_hr_none);
    fx.api->backup_free(b);
  }
}
