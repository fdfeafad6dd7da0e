#include <doctest/doctest.h>

#include "host/win32_host.h"
#include "platform/win_argv.h"

using namespace adrestore;

namespace {

const std::string k_sys = "C:\\Windows\\system32";

// A successful ntdsutil session for one subtree, as Server 2008 R2-2022 print it (KB 840001
// shape): the commands echoed after their prompts, the counts, the files it wrote.
const char* k_ntdsutil_ok =
    "C:\\Windows\\system32\\ntdsutil.exe: popups off\r\n"
    "Popups disabled.\r\n"
    "C:\\Windows\\system32\\ntdsutil.exe: activate instance ntds\r\n"
    "Active instance set to \"ntds\".\r\n"
    "C:\\Windows\\system32\\ntdsutil.exe: authoritative restore\r\n"
    "authoritative restore: restore subtree \"OU=Failed Logins,DC=corp,DC=example,DC=com\"\r\n"
    "\r\n"
    "Opening DIT database... Done.\r\n"
    "The current time is 12-07-26 13:02.11.\r\n"
    "Most recent database update occured at 12-07-26 12:58.40.\r\n"
    "Increasing attribute version numbers by 100000.\r\n"
    "\r\n"
    "Counting records that need updating...\r\n"
    "Records found: 0000000012\r\n"
    "Done.\r\n"
    "\r\n"
    "Found 12 records to update.\r\n"
    "\r\n"
    "Updating records...\r\n"
    "Records remaining: 0000000000\r\n"
    "Done.\r\n"
    "\r\n"
    "Successfully updated 12 records.\r\n"
    "\r\n"
    "The following text file with a list of authoritatively restored objects has been created in the current "
    "working directory:\r\n"
    "        ar_20261207-130211_objects.txt\r\n"
    "\r\n"
    "One or more specified objects have back-links in this domain. The following LDIF files with link restore "
    "operations have been created in the current working directory:\r\n"
    "        ar_20261207-130211_links_corp.example.com.ldf\r\n"
    "\r\n"
    "Authoritative Restore completed successfully.\r\n"
    "\r\n"
    "authoritative restore: quit\r\n"
    "C:\\Windows\\system32\\ntdsutil.exe: quit\r\n";

std::vector<std::string> one_subtree_command() {
  return *host::authoritative_restore_command(k_sys, {"OU=Failed Logins,DC=corp,DC=example,DC=com"}, {});
}

}  // namespace

TEST_SUITE("host") {
  TEST_CASE("the restart clears the safe-boot flag with bcdedit, then restarts, by full paths") {
    CHECK(host::clear_safeboot_command(k_sys) ==
          std::vector<std::string>{"C:\\Windows\\system32\\bcdedit.exe", "/deletevalue", "safeboot"});
    const auto restart = host::restart_command(k_sys);
    REQUIRE(restart.size() >= 2);
    CHECK(restart[0] == "C:\\Windows\\system32\\shutdown.exe");
    CHECK(restart[1] == "/r");
  }

  TEST_CASE("an authoritative restore is one ntdsutil run with each DN quoted in its own command") {
    const auto argv = host::authoritative_restore_command(k_sys, {"OU=Sales,DC=corp,DC=example,DC=com"},
                                                          {"CN=Jane Doe,OU=Sales,DC=corp,DC=example,DC=com"});
    REQUIRE(argv.is_ok());
    CHECK(*argv == std::vector<std::string>{
                       "C:\\Windows\\system32\\ntdsutil.exe", "popups off", "activate instance ntds",
                       "authoritative restore", "restore subtree \"OU=Sales,DC=corp,DC=example,DC=com\"",
                       "restore object \"CN=Jane Doe,OU=Sales,DC=corp,DC=example,DC=com\"", "quit", "quit"});
  }

  TEST_CASE("a DN's escaped quote reaches ntdsutil as \\22, so it cannot end the DN and add ntdsutil commands") {
    // Valid RFC 4514 (each '"' escaped), crafted to close the DN early and run "quit" and a
    // "restore database" (the whole database marked authoritative) if ntdsutil saw the quotes.
    const std::string dn = "OU=x\\\" \\\"quit\\\" \\\"restore database,DC=corp,DC=example,DC=com";
    auto argv = host::authoritative_restore_command(k_sys, {dn}, {});
    REQUIRE(argv.is_ok());
    REQUIRE(argv->size() == 7);
    const std::string expected_dn = "OU=x\\22 \\22quit\\22 \\22restore database,DC=corp,DC=example,DC=com";
    CHECK(argv->at(4) == "restore subtree \"" + expected_dn + "\"");
    // The command's only quotes are the two around the DN.
    CHECK(std::count(argv->at(4).begin(), argv->at(4).end(), '"') == 2);

    // The exact CreateProcessW command line, and what ntdsutil's C runtime splits it into.
    auto line = platform::build_windows_command_line(*argv);
    REQUIRE(line.is_ok());
    CHECK(*line ==
          "C:\\Windows\\system32\\ntdsutil.exe \"popups off\" \"activate instance ntds\" \"authoritative restore\" "
          "\"restore subtree \\\"OU=x\\22 \\22quit\\22 \\22restore database,DC=corp,DC=example,DC=com\\\"\" quit quit");
    CHECK(platform::parse_windows_command_line(*line) == *argv);
  }

  TEST_CASE("a DN with a raw quote, a control character or a trailing backslash never reaches ntdsutil") {
    // Validation refuses these in the plan (RFC 4514); the command line refuses them again.
    for (const std::string& dn : {std::string("OU=x\" \"quit\" \"restore database,DC=corp,DC=com"),
                                  std::string("OU=x\nrestore database,DC=corp,DC=com"), std::string("OU=x\\")}) {
      auto argv = host::authoritative_restore_command(k_sys, {}, {dn});
      CHECK_FALSE(argv.is_ok());
      CHECK(argv.status().code() == Code::invalid_input);
    }
    CHECK(*host::ntdsutil_dn("CN=a\\,b\\22c\\\\d,DC=x") == "CN=a\\,b\\22c\\\\d,DC=x");  // other escapes unchanged
  }

  TEST_CASE("ntdsutil succeeded only with exit 0, no failure line and one 'Successfully updated' per DN") {
    const auto argv = one_subtree_command();
    auto v = host::judge_ntdsutil_output(k_ntdsutil_ok, true, argv);
    CHECK_MESSAGE(v.ok, v.reason);
    CHECK(v.warnings.empty());  // "Failed Logins" in the echoed command is the DN's, not ntdsutil's
    CHECK(v.ldif_files == std::vector<std::string>{"ar_20261207-130211_links_corp.example.com.ldf"});

    v = host::judge_ntdsutil_output(k_ntdsutil_ok, false, argv);  // same text, exit code 1
    CHECK_FALSE(v.ok);

    const std::string error_exit0 =
        "authoritative restore: restore subtree \"OU=Failed Logins,DC=corp,DC=example,DC=com\"\r\n"
        "Opening DIT database... Done.\r\n"
        "Error 0x80040305 (Name not found) looking up OU=Failed Logins,DC=corp,DC=example,DC=com.\r\n"
        "authoritative restore: quit\r\n";
    v = host::judge_ntdsutil_output(error_exit0, true, argv);
    CHECK_FALSE(v.ok);
    CHECK(v.reason.find("exited 0 but reported a failure: Error 0x80040305") != std::string::npos);

    // Unrecognised output with exit 0 (another language, another version): a failure.
    v = host::judge_ntdsutil_output("Erfolgreich 12 Datensätze aktualisiert.\r\n", true, argv);
    CHECK_FALSE(v.ok);
    CHECK(v.reason.find("confirmed 0 of 1") != std::string::npos);

    // Two DNs need two confirmations.
    const auto two = *host::authoritative_restore_command(k_sys, {"OU=A,DC=x"}, {"CN=b,DC=x"});
    CHECK_FALSE(host::judge_ntdsutil_output(k_ntdsutil_ok, true, two).ok);

    // UTF-16 on the pipe reads the same.
    std::string wide;
    for (const char c : std::string(k_ntdsutil_ok)) {
      wide += c;
      wide += '\0';
    }
    CHECK(host::judge_ntdsutil_output(wide, true, argv).ok);
  }

  TEST_CASE("ntdsutil updating 0 records succeeds with a warning") {
    const auto argv = one_subtree_command();
    auto v =
        host::judge_ntdsutil_output("Found 0 records to update.\r\nSuccessfully updated 0 records.\r\n", true, argv);
    CHECK(v.ok);
    REQUIRE(v.warnings.size() == 1);
    CHECK(v.warnings[0].find("updated no records") != std::string::npos);
    CHECK(v.ldif_files.empty());
  }

  TEST_CASE("bcdedit /deletevalue safeboot: success, no safeboot element (DSRM from F8), or a real failure") {
    using host::SafebootClear;
    CHECK(host::classify_clear_safeboot(true, "The operation completed successfully.\r\n") == SafebootClear::cleared);
    CHECK(host::classify_clear_safeboot(
              false, "An error has occurred while attempting to delete the specified data element.\r\n"
                     "Element not found.\r\n") == SafebootClear::not_set);
    CHECK(host::classify_clear_safeboot(false, "The element data is not valid.\r\n") == SafebootClear::not_set);
    CHECK(host::classify_clear_safeboot(false, "The boot configuration data store could not be opened.\r\n"
                                               "Access is denied.\r\n") == SafebootClear::failed);
    CHECK(host::classify_clear_safeboot(false, "") == SafebootClear::failed);
  }

  TEST_CASE("DSRM is decided by the registry, whatever the session's environment says") {
    host::DsrmFacts f;
    // Normal boot: no OptionValue. The variable alone proves nothing (anyone can set it).
    f.safeboot_option_env = "DSREPAIR";
    CHECK_FALSE(host::dsrm_from_facts(f));
    // DSRM seen from a service or a scheduled task: no variable, the registry says so.
    f = {};
    f.option_value = 3;
    f.system_start_options = " NOEXECUTE=OPTIN  SAFEBOOT:DSREPAIR";
    CHECK(host::dsrm_from_facts(f));
    f.option_value = 1;  // whatever value the kernel writes for DSRM, the loader's option decides
    CHECK(host::dsrm_from_facts(f));
    f.system_start_options = "/safeboot:dsrepair";
    CHECK(host::dsrm_from_facts(f));
    // Safe mode, not DSRM: the loader says MINIMAL; a DSREPAIR variable does not outweigh it.
    f.system_start_options = " NOEXECUTE=OPTIN  SAFEBOOT:MINIMAL";
    f.safeboot_option_env = "DSREPAIR";
    CHECK_FALSE(host::dsrm_from_facts(f));
    f.system_start_options = " SAFEBOOT:NETWORK";
    CHECK_FALSE(host::dsrm_from_facts(f));
    // No loader options readable: OptionValue 3 (SAFEBOOT_DSREPAIR), else the variable.
    f.system_start_options.reset();
    f.safeboot_option_env.reset();
    f.option_value = 3;
    CHECK(host::dsrm_from_facts(f));
    f.option_value = 1;
    CHECK_FALSE(host::dsrm_from_facts(f));
    f.safeboot_option_env = "dsrepair";
    CHECK(host::dsrm_from_facts(f));
    // Loader options without a SAFEBOOT token fall through to the same rules.
    f.system_start_options = " NOEXECUTE=OPTIN";
    CHECK(host::dsrm_from_facts(f));
  }
}
