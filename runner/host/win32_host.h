// The real machine, for `--api win32` on a domain controller: host facts and actions
// (host_win32.cpp) and the volumes addressed by Windows paths (native_disks_win32.cpp).
// Declared everywhere, built only for Windows.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "host/disks.h"
#include "host/host.h"
#include "platform/process.h"

namespace adrestore::host {

// The commands Win32Host runs through the process runner, as argv lists (program first,
// a full path under the system directory). Separate so tests can check them anywhere.
std::vector<std::string> clear_safeboot_command(const std::string& system_dir);
std::vector<std::string> restart_command(const std::string& system_dir);
std::vector<std::string> authoritative_restore_command(const std::string& system_dir,
                                                       const std::vector<std::string>& subtrees,
                                                       const std::vector<std::string>& objects);

// DSRM as the facts show it (ntds-api.md 6.2): the SAFEBOOT_OPTION environment variable is
// DSREPAIR (case-insensitive) and the registry marks a safe boot (SafeBoot\Option has an
// OptionValue). Either alone is not enough: the variable can be set by anyone.
bool dsrm_from_facts(const std::string& safeboot_option, bool registry_safe_boot);

// Machine name (GetComputerNameExW), DSRM (dsrm_from_facts), privileges (SeRestorePrivilege
// and SeBackupPrivilege are enabled with AdjustTokenPrivileges when the token holds them,
// then the token is read), restart (bcdedit /deletevalue safeboot, then shutdown /r) and
// authoritative restore (ntdsutil), both through `runner`.
std::unique_ptr<Host> make_win32_host(platform::ProcessRunner& runner);

// The DC's volumes: a WinPath is its own host path (platform/fs adds the \\?\ prefix).
std::unique_ptr<Disks> make_native_disks();

}  // namespace adrestore::host
