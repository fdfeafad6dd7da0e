// Host facts that are not NTDS calls: which machine this is, whether it booted into
// Directory Services Restore Mode, which privileges the process holds, whether a restore is
// registered in the registry, and the two actions
// around a restore (mark data authoritative, restart into normal mode). Two
// implementations: sim::SimHost (a simulated world) and the win32 one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/winpath.h"

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

// Whether two DC names name the same machine: equal ignoring case, or a NetBIOS name (no
// dot) and a DNS name whose first label it is. Two DNS names must match in full. Used where
// a recorded name (a backup manifest's "dc") meets a plan's or a machine's name.
bool same_host_name(std::string_view a, std::string_view b);

struct Privilege {
  std::string name;  // "SeRestorePrivilege"
  bool enabled = false;
};

// What an authoritative restore left for the operator.
struct AuthoritativeReport {
  // Back-link LDIF files to import with `ldifde -i -k -f FILE` once the DC is back in normal
  // mode (full paths); the group memberships of restored objects are not back until then.
  std::vector<std::string> ldif_files;
  std::vector<std::string> warnings;  // for the journal and the events, step continues
};

// Facts that tell which database AD DS uses and whether it came from a restore
// (ntds-api.md 6.7): compared before the restore and after the restart into normal mode
// by system.verify-online. A fact the platform cannot read is nullopt, never a guess.
struct DirectoryIdentity {
  // The database AD DS opens: HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters
  // "DSA Database file".
  std::optional<WinPath> database;
  // The DSA's invocation ID; a restore resets it (6.7). Not read on Windows.
  std::optional<std::string> invocation_id;
  // Parameters "DSA Previous Restore Count"; absent means 0 (restore-virtualized-domain-
  // controller.md, 6.7). A restore raises it by one.
  std::optional<std::uint64_t> restore_count;
  // Whether the Directory Service log holds event 1109 (invocation ID changed after a
  // restore) from `since_ms` on. Not read on Windows.
  std::optional<bool> event_1109;
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
  // records them). `work_dir` is where the tool may write its files (the run's state
  // directory: ntdsutil writes its object list and back-link LDIF files into its current
  // directory).
  virtual Result<AuthoritativeReport> mark_authoritative(const std::vector<std::string>& subtrees,
                                                         const std::vector<std::string>& objects,
                                                         const std::string& work_dir) = 0;
  // The directory's identity facts now; `since_ms` (Unix milliseconds) bounds the event
  // 1109 search. Read-only.
  virtual Result<DirectoryIdentity> directory_identity(std::int64_t since_ms) = 0;
  // Whether the key HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore In Progress
  // exists: DsRestoreRegister writes it, and the next boot's recovery deletes it once it has
  // applied the restore (ntds-api.md 3.14, 6.3). Read-only; an error when it cannot be read.
  virtual Result<bool> restore_in_progress_key_exists() = 0;

  // True when the process holds `name` and it is enabled. A failure to read the
  // privileges counts as not enabled.
  bool has_enabled(std::string_view name);
};

}  // namespace adrestore::host
