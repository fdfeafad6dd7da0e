#include <pwd.h>
#include <unistd.h>

#include <vector>

#include "platform/account.h"

namespace adrestore::platform {

std::string current_account() {
  // The effective user: the one whose rights the restore uses (sudo shows root).
  const uid_t uid = ::geteuid();
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name && *found->pw_name) {
    return found->pw_name;
  }
  return "uid " + std::to_string(uid);
}

}  // namespace adrestore::platform
