// The real machine, for `--api win32` on a domain controller: host facts and actions
// (host_win32.cpp) and the volumes addressed by Windows paths (native_disks_win32.cpp).
// Declared everywhere, built only for Windows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/disks.h"
#include "host/host.h"
#include "platform/process.h"

namespace adrestore::host {

// The commands Win32Host runs through the process runner, as argv lists (program first,
// a full path under the system directory), and how their results are read. Separate and
// pure so tests check them on every platform.
std::vector<std::string> clear_safeboot_command(const std::string& system_dir);
std::vector<std::string> restart_command(const std::string& system_dir);

// `bcdedit /deletevalue safeboot`: exit code 0 clears the flag. When DSRM was chosen from the
// boot menu (F8) the BCD entry has no safeboot element, and bcdedit fails with "Element not
// found" (or "The element data is not valid"): nothing to clear, so the restart may go on.
// Anything else stops the restart (the DC would boot into DSRM again).
enum class SafebootClear { cleared, not_set, failed };
SafebootClear classify_clear_safeboot(bool exited_zero, std::string_view output);

// A DN as written inside ntdsutil's quotes. ntdsutil reads each of its arguments as a command
// line of its own and ends the DN at the next '"' (no escape for it is documented), so a '"' in the DN
// must not reach it: the RFC 4514 escape \" becomes the equivalent hex escape \22. A raw '"'
// (not valid RFC 4514; validation refuses it), a control character or a malformed escape is
// refused: the DN would not reach ntdsutil as written.
Result<std::string> ntdsutil_dn(const std::string& dn);

// One ntdsutil run: "popups off", "activate instance ntds", "authoritative restore", one
// `restore subtree "DN"` / `restore object "DN"` per DN, "quit", "quit". Fails when a DN
// cannot be written safely (ntdsutil_dn).
Result<std::vector<std::string>> authoritative_restore_command(const std::string& system_dir,
                                                               const std::vector<std::string>& subtrees,
                                                               const std::vector<std::string>& objects);

// ntdsutil can exit 0 after a command failed, so its output is judged too. The run succeeded
// only when it exited 0, no line (after removing the echoed commands, which hold the DNs)
// contains a failure word ("error", "fail", "unable", "cannot", "could not", "invalid"),
// and it printed "Successfully updated N records" once per restore command. Anything else,
// unrecognised output included, is a failure: the DC then stays in DSRM (system.restart
// never runs after a failed step) rather than boot with the data not marked.
struct NtdsutilVerdict {
  bool ok = false;
  std::string reason;                   // why not: the failure line, or what was missing
  std::vector<std::string> ldif_files;  // back-link LDIF file names it reported (*.ldf)
  std::vector<std::string> warnings;    // "updated 0 records"
};
NtdsutilVerdict judge_ntdsutil_output(std::string_view output, bool exited_zero, const std::vector<std::string>& argv);

// DSRM from facts that do not depend on the session (services, scheduled tasks and remote
// sessions may lack the SAFEBOOT_OPTION variable; GetSystemMetrics(SM_CLEANBOOT) is per
// session too). doc/windows.md ("On the DC") gives the sources.
struct DsrmFacts {
  // HKLM\SYSTEM\CurrentControlSet\Control\SafeBoot\Option\OptionValue: the kernel's
  // InitSafeBootMode (3 = SAFEBOOT_DSREPAIR), present only in a safe boot.
  std::optional<std::uint32_t> option_value;
  // HKLM\SYSTEM\CurrentControlSet\Control\SystemStartOptions: the loader's options of this
  // boot (" SAFEBOOT:DSREPAIR ..." in DSRM, whether set with bcdedit or chosen with F8).
  std::optional<std::string> system_start_options;
  std::optional<std::string> safeboot_option_env;  // SAFEBOOT_OPTION, when this session has it
};
// No OptionValue: not a safe boot, whatever else says so. Else the loader's SAFEBOOT:<mode>
// decides when present (DSREPAIR or not); else OptionValue 3; else the variable (DSREPAIR).
bool dsrm_from_facts(const DsrmFacts& facts);

// The DSRM facts of this machine: the two registry values and the variable. Windows only.
DsrmFacts read_dsrm_facts();
using DsrmFactsReader = std::function<DsrmFacts()>;

// Machine name (GetComputerNameExW), DSRM (dsrm_from_facts over `read_dsrm`, by default
// read_dsrm_facts; tests inject theirs), privileges (SeRestorePrivilege
// and SeBackupPrivilege are enabled with AdjustTokenPrivileges when the token holds them,
// then the token is read), restart (bcdedit /deletevalue safeboot, then shutdown /r) and
// authoritative restore (ntdsutil), both through `runner`.
std::unique_ptr<Host> make_win32_host(platform::ProcessRunner& runner, DsrmFactsReader read_dsrm = {});

// The DC's volumes: a WinPath is its own host path (platform/fs adds the \\?\ prefix).
std::unique_ptr<Disks> make_native_disks();

}  // namespace adrestore::host
