#include <doctest/doctest.h>

#include "host/win32_host.h"

using namespace adrestore;

TEST_SUITE("host") {
  TEST_CASE("the restart clears the safe-boot flag with bcdedit, then restarts, by full paths") {
    const std::string sys = "C:\\Windows\\system32";
    CHECK(host::clear_safeboot_command(sys) ==
          std::vector<std::string>{"C:\\Windows\\system32\\bcdedit.exe", "/deletevalue", "safeboot"});
    const auto restart = host::restart_command(sys);
    REQUIRE(restart.size() >= 2);
    CHECK(restart[0] == "C:\\Windows\\system32\\shutdown.exe");
    CHECK(restart[1] == "/r");
  }

  TEST_CASE("an authoritative restore is one ntdsutil run with each DN quoted in its own command") {
    const auto argv = host::authoritative_restore_command("C:\\Windows\\system32", {"OU=Sales,DC=corp,DC=example,DC=com"},
                                                          {"CN=Jane Doe,OU=Sales,DC=corp,DC=example,DC=com"});
    CHECK(argv == std::vector<std::string>{"C:\\Windows\\system32\\ntdsutil.exe", "popups off", "activate instance ntds",
                                           "authoritative restore",
                                           "restore subtree \"OU=Sales,DC=corp,DC=example,DC=com\"",
                                           "restore object \"CN=Jane Doe,OU=Sales,DC=corp,DC=example,DC=com\"", "quit",
                                           "quit"});
  }

  TEST_CASE("DSRM needs both the SAFEBOOT_OPTION variable and the registry's safe-boot mark") {
    CHECK(host::dsrm_from_facts("DSREPAIR", true));
    CHECK(host::dsrm_from_facts("dsrepair", true));
    CHECK_FALSE(host::dsrm_from_facts("DSREPAIR", false));  // anyone can set a variable
    CHECK_FALSE(host::dsrm_from_facts("MINIMAL", true));    // safe mode, but not DSRM
    CHECK_FALSE(host::dsrm_from_facts("", false));
  }
}
