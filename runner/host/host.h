// Host facts that are not NTDS calls: which machine this is, whether it booted into
// Directory Services Restore Mode, which privileges the process holds, whether a restore is
// registered in the registry, and the two actions
// around a restore (mark data authoritative, restart into normal mode). Two
// implementations: sim::SimHost (a simulated world) and the win32 one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adrestore::host {

struct MachineName {
  std::string netbios;   // "DC01"
  std::string dns_fqdn;  // "DC01.corp.example.com"; empty when unknown
  // The name to show: the DNS name when known, else the NetBIOS name.
  const std::string& display() const { return dns_fqdn.empty() ? netbios : dns_fqdn; }
  // True when `name` is this machine: equal (ignoring case) to the NetBIOS name, the DNS
  // name, or the DNS name's first label.
  bool matches(std::string_view name) const;
  std::vector<std::string> all() const;  // the non-empty names, for ntds::local_form
};

struct Privilege {
  std::string name;  // "SeRestorePrivilege"
  bool enabled = false;
};

inline constexpr const char* k_se_backup_privilege = "SeBackupPrivilege";
inline constexpr const char* k_se_restore_privilege = "SeRestorePrivilege";

class Host {
 public:
  virtual ~Host() = default;
  virtual Result<MachineName> machine_name() = 0;
  // True when the machine booted into DSRM (safeboot dsrepair; ntds-api.md 6.2).
  virtual Result<bool> booted_in_dsrm() = 0;
  // The privileges the process token holds, enabled or not.
  virtual Result<std::vector<Privilege>> privileges() = 0;
  // Clears the DSRM boot flag and restarts the machine. On Windows the call returns while
  // the system shuts down; the simulator restarts the world at once (simulator.md).
  virtual Status restart_normal_mode() = 0;
  // Marks subtrees and objects (distinguished names) authoritative after a restore, before
  // any normal-mode restart (ntdsutil "authoritative restore" on Windows; the simulator
  // records them).
  virtual Status mark_authoritative(const std::vector<std::string>& subtrees,
                                    const std::vector<std::string>& objects) = 0;
  // Whether the key HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore In Progress
  // exists: DsRestoreRegister writes it, and the next boot's recovery deletes it once it has
  // applied the restore (ntds-api.md 3.14, 6.3). Read-only; an error when it cannot be read.
  virtual Result<bool> restore_in_progress_key_exists() = 0;

  // True when the process holds `name` and it is enabled. A failure to read the
  // privileges counts as not enabled.
  bool has_enabled(std::string_view name);
};

}  // namespace adrestore::host
