// Overwrites secrets (the DSRM password and its copies) before their memory is released. A
// plain memset or std::fill right before a buffer is freed is a dead store the compiler may
// remove; these writes are not: SecureZeroMemory on Windows (secure_wipe_win32.cpp),
// explicit_bzero elsewhere (secure_wipe_posix.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace adrestore::platform {

// Zeroes n bytes at p; never optimised away.
void secure_wipe(void* p, std::size_t n);

// Zeroes the whole buffer (capacity, not only size: a string that shrank keeps the old bytes),
// then empties the string. Copies made earlier by reallocation are not reachable from here:
// reserve() before filling a string that will hold a secret.
template <typename Char>
void secure_wipe(std::basic_string<Char>& s) {
  secure_wipe(&s[0], s.capacity() * sizeof(Char));
  s.clear();
}

inline void secure_wipe(std::vector<std::string>& list) {
  for (std::string& s : list) secure_wipe(s);
  list.clear();
}

}  // namespace adrestore::platform
