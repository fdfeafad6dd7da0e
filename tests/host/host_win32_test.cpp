// host_win32.cpp on the machine (under wine in CI): names, DSRM, privileges, and the
// restart and ntdsutil commands through a recording process runner.
#include <doctest/doctest.h>

#include "../ntds/api_contract.h"  // ScopedEnv
#include "base/text.h"
#include "host/win32_host.h"
#include "platform/win32_api.h"  // <windows.h>: the test makes the key DsRestoreRegister would

using namespace adrestore;

namespace {

class RecordingRunner : public platform::ProcessRunner {
 public:
  std::vector<std::vector<std::string>> runs;
  int fail_at = -1;  // the run (0-based) that exits with code 1 and some output
  platform::ProcessResult run(const platform::ProcessSpec& spec) override {
    runs.push_back(spec.argv);
    platform::ProcessResult r;
    r.exited = true;
    r.exit_code = static_cast<int>(runs.size()) - 1 == fail_at ? 1 : 0;
    if (r.exit_code != 0 && spec.output) (void)spec.output->write(platform::OutputStream::out, "The element was not found.\r\n");
    return r;
  }
};

}  // namespace

TEST_SUITE("host") {
  TEST_CASE("win32 host: this machine has a NetBIOS name, and a normal boot is not DSRM even with SAFEBOOT_OPTION set") {
    RecordingRunner runner;
    auto host = host::make_win32_host(runner);
    auto name = host->machine_name();
    REQUIRE_MESSAGE(name.is_ok(), name.status().message());
    CHECK_FALSE(name->netbios.empty());
    CHECK(name->matches(name->netbios));
    auto dsrm = host->booted_in_dsrm();
    REQUIRE(dsrm.is_ok());
    CHECK_FALSE(*dsrm);
    testing::ScopedEnv fake("SAFEBOOT_OPTION", "DSREPAIR");  // no safe-boot mark in the registry
    CHECK_FALSE(*host->booted_in_dsrm());
  }

  TEST_CASE("win32 host: the token's privileges are read, and SeRestorePrivilege is enabled when held") {
    RecordingRunner runner;
    auto host = host::make_win32_host(runner);
    auto privs = host->privileges();
    REQUIRE_MESSAGE(privs.is_ok(), privs.status().message());
    REQUIRE_FALSE(privs->empty());
    for (const host::Privilege& p : *privs) {
      if (p.name == host::k_se_restore_privilege) CHECK(p.enabled);
    }
  }

  TEST_CASE("win32 host: the restart clears safeboot with bcdedit, then restarts; a failure stops it with the output") {
    RecordingRunner runner;
    auto host = host::make_win32_host(runner);
    REQUIRE(host->restart_normal_mode().is_ok());
    REQUIRE(runner.runs.size() == 2);
    CHECK(ends_with(to_lower_ascii(runner.runs[0][0]), "\\bcdedit.exe"));
    CHECK(runner.runs[0][1] == "/deletevalue");
    CHECK(ends_with(to_lower_ascii(runner.runs[1][0]), "\\shutdown.exe"));
    RecordingRunner failing;
    failing.fail_at = 0;
    auto host2 = host::make_win32_host(failing);
    const Status s = host2->restart_normal_mode();
    REQUIRE_FALSE(s.is_ok());
    CHECK(failing.runs.size() == 1);  // no restart after bcdedit failed
    CHECK(s.message().find("clearing the safe-boot flag: ") == 0);
    CHECK(s.message().find("The element was not found.") != std::string::npos);
  }

  TEST_CASE("win32 host: an authoritative restore is one ntdsutil run, and none without DNs") {
    RecordingRunner runner;
    auto host = host::make_win32_host(runner);
    REQUIRE(host->mark_authoritative({}, {}).is_ok());
    CHECK(runner.runs.empty());
    REQUIRE(host->mark_authoritative({"OU=Sales,DC=corp,DC=example,DC=com"}, {}).is_ok());
    REQUIRE(runner.runs.size() == 1);
    CHECK(ends_with(to_lower_ascii(runner.runs[0][0]), "\\ntdsutil.exe"));
    CHECK(runner.runs[0].at(4) == "restore subtree \"OU=Sales,DC=corp,DC=example,DC=com\"");
  }

  TEST_CASE("win32 host: the Restore In Progress key is found only while it exists") {
    RecordingRunner runner;
    auto host = host::make_win32_host(runner);
    const wchar_t* path = L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress";
    auto before = host->restore_in_progress_key_exists();
    REQUIRE_MESSAGE(before.is_ok(), before.status().message());
    if (*before) {
      // A machine with a pending restore: its key is never touched by a test.
      MESSAGE("this machine has a Restore In Progress key; only the found case is checked");
      return;
    }
    HKEY key = nullptr;
    const LSTATUS rc =
        ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, nullptr, REG_OPTION_VOLATILE, KEY_WRITE, nullptr, &key, nullptr);
    if (rc != ERROR_SUCCESS) {
      MESSAGE("cannot create the key in HKLM (error " << rc << "); the found case is not checked here");
      return;
    }
    ::RegCloseKey(key);
    auto present = host->restore_in_progress_key_exists();
    ::RegDeleteKeyW(HKEY_LOCAL_MACHINE, path);
    REQUIRE_MESSAGE(present.is_ok(), present.status().message());
    CHECK(*present);
  }
}
