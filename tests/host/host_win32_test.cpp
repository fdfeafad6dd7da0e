// host_win32.cpp on the machine (under wine in CI): names, DSRM, privileges, and the
// restart and ntdsutil commands through a recording process runner.
#include <doctest/doctest.h>

#include "../ntds/api_contract.h"  // ScopedEnv
#include "base/text.h"
#include "host/win32_host.h"
#include "platform/win32_api.h"  // <windows.h>: the test makes the key DsRestoreRegister would

using namespace adrestore;

namespace {

// Records each run; replies[i] (when given) is what run i prints and exits with.
class RecordingRunner : public platform::ProcessRunner {
 public:
  struct Reply {
    int exit_code = 0;
    std::string output;
  };
  std::vector<std::vector<std::string>> runs;
  std::vector<std::string> working_dirs;
  std::vector<Reply> replies;
  platform::ProcessResult run(const platform::ProcessSpec& spec) override {
    const std::size_t i = runs.size();
    runs.push_back(spec.argv);
    working_dirs.push_back(spec.working_dir);
    platform::ProcessResult r;
    r.exited = true;
    r.exit_code = 0;
    if (i < replies.size()) {
      r.exit_code = replies[i].exit_code;
      if (spec.output && !replies[i].output.empty()) {
        (void)spec.output->write(platform::OutputStream::out, replies[i].output);
      }
    }
    return r;
  }
};

const char* k_ntdsutil_ok =
    "authoritative restore: restore subtree \"OU=Sales,DC=corp,DC=example,DC=com\"\r\n"
    "Successfully updated 3 records.\r\n"
    "The following LDIF files with link restore operations have been created in the current working directory:\r\n"
    "        ar_20261207-130211_links_corp.example.com.ldf\r\n"
    "Authoritative Restore completed successfully.\r\n";

}  // namespace

TEST_SUITE("host") {
  TEST_CASE(
      "win32 host: this machine has a NetBIOS name, and a normal boot is not DSRM even with SAFEBOOT_OPTION set") {
    RecordingRunner runner;
    auto host = host::make_win32_host(runner);
    auto name = host->machine_name();
    REQUIRE_MESSAGE(name.is_ok(), name.status().message());
    CHECK_FALSE(name->netbios.empty());
    CHECK(name->matches(name->netbios));
    CHECK_FALSE(host::read_dsrm_facts().option_value.has_value());  // the registry: no safe boot
    auto dsrm = host->booted_in_dsrm();
    REQUIRE(dsrm.is_ok());
    CHECK_FALSE(*dsrm);
    testing::ScopedEnv fake("SAFEBOOT_OPTION", "DSREPAIR");  // no safe-boot mark in the registry
    CHECK(host::read_dsrm_facts().safeboot_option_env == std::optional<std::string>("DSREPAIR"));
    CHECK_FALSE(*host->booted_in_dsrm());
  }

  TEST_CASE("win32 host: DSRM is recognised from the registry alone, as a service or a scheduled task sees it") {
    RecordingRunner runner;
    int reads = 0;
    auto host = host::make_win32_host(runner, [&] {
      ++reads;
      host::DsrmFacts f;  // no SAFEBOOT_OPTION: a session without it
      f.option_value = 3;
      f.system_start_options = " NOEXECUTE=OPTIN  SAFEBOOT:DSREPAIR";
      return f;
    });
    auto dsrm = host->booted_in_dsrm();
    REQUIRE(dsrm.is_ok());
    CHECK(*dsrm);
    CHECK(reads == 1);
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
    failing.replies = {{1, "The boot configuration data store could not be opened.\r\nAccess is denied.\r\n"}};
    auto host2 = host::make_win32_host(failing);
    const Status s = host2->restart_normal_mode();
    REQUIRE_FALSE(s.is_ok());
    CHECK(failing.runs.size() == 1);  // no restart after bcdedit failed
    CHECK(s.message().find("clearing the safe-boot flag: ") == 0);
    CHECK(s.message().find("Access is denied.") != std::string::npos);
  }

  TEST_CASE("win32 host: with DSRM chosen from the boot menu (no safeboot element) bcdedit's refusal is no failure") {
    RecordingRunner runner;
    runner.replies = {{1, "An error has occurred while attempting to delete the specified data element.\r\n"
                          "Element not found.\r\n"}};
    auto host = host::make_win32_host(runner);
    const Status s = host->restart_normal_mode();
    CHECK_MESSAGE(s.is_ok(), s.message());
    REQUIRE(runner.runs.size() == 2);  // the restart went on
    CHECK(ends_with(to_lower_ascii(runner.runs[1][0]), "\\shutdown.exe"));
  }

  TEST_CASE("win32 host: an authoritative restore is one ntdsutil run in the state directory, and none without DNs") {
    RecordingRunner runner;
    auto host = host::make_win32_host(runner);
    REQUIRE(host->mark_authoritative({}, {}, "C:\\state").is_ok());
    CHECK(runner.runs.empty());
    runner.replies = {{0, k_ntdsutil_ok}};
    auto report = host->mark_authoritative({"OU=Sales,DC=corp,DC=example,DC=com"}, {}, "C:\\state");
    REQUIRE_MESSAGE(report.is_ok(), report.status().message());
    REQUIRE(runner.runs.size() == 1);
    CHECK(ends_with(to_lower_ascii(runner.runs[0][0]), "\\ntdsutil.exe"));
    CHECK(runner.runs[0].at(4) == "restore subtree \"OU=Sales,DC=corp,DC=example,DC=com\"");
    CHECK(runner.working_dirs[0] == "C:\\state");
    CHECK(report->ldif_files == std::vector<std::string>{"C:\\state\\ar_20261207-130211_links_corp.example.com.ldf"});
  }

  TEST_CASE("win32 host: ntdsutil exiting 0 after an error fails the step, and a DN's quote reaches it as \\22") {
    RecordingRunner runner;
    runner.replies = {{0, "Error parsing Input - Invalid Syntax.\r\n"}};
    auto host = host::make_win32_host(runner);
    auto report = host->mark_authoritative({"OU=x\\\" \\\"quit,DC=corp,DC=com"}, {}, "C:\\state");
    REQUIRE_FALSE(report.is_ok());
    CHECK(report.status().message().find("Error parsing Input") != std::string::npos);
    REQUIRE(runner.runs.size() == 1);
    CHECK(runner.runs[0].at(4) == "restore subtree \"OU=x\\22 \\22quit,DC=corp,DC=com\"");
    // A raw quote is refused before anything runs.
    auto refused = host->mark_authoritative({}, {"CN=x\" \"quit,DC=corp,DC=com"}, "C:\\state");
    CHECK_FALSE(refused.is_ok());
    CHECK(runner.runs.size() == 1);
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
