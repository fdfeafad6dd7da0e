// The command lines of win32_host.h, portable so that they are tested on every platform.
#include "base/text.h"
#include "host/win32_host.h"

namespace adrestore::host {

std::vector<std::string> clear_safeboot_command(const std::string& system_dir) {
  return {system_dir + "\\bcdedit.exe", "/deletevalue", "safeboot"};
}

std::vector<std::string> restart_command(const std::string& system_dir) {
  return {system_dir + "\\shutdown.exe", "/r", "/t", "5", "/c", "adrestore: restarting into normal mode after the restore"};
}

std::vector<std::string> authoritative_restore_command(const std::string& system_dir,
                                                       const std::vector<std::string>& subtrees,
                                                       const std::vector<std::string>& objects) {
  // ntdsutil takes each argument as one command; "popups off" keeps it from asking in a
  // dialog box. A DN is quoted inside its command (DNs contain spaces and commas).
  std::vector<std::string> argv = {system_dir + "\\ntdsutil.exe", "popups off", "activate instance ntds",
                                   "authoritative restore"};
  for (const std::string& dn : subtrees) argv.push_back("restore subtree \"" + dn + "\"");
  for (const std::string& dn : objects) argv.push_back("restore object \"" + dn + "\"");
  argv.push_back("quit");
  argv.push_back("quit");
  return argv;
}

bool dsrm_from_facts(const std::string& safeboot_option, bool registry_safe_boot) {
  return registry_safe_boot && iequals(safeboot_option, "DSREPAIR");
}

}  // namespace adrestore::host
