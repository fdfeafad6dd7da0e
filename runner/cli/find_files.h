// The files a command reads, from the paths on its command line: `validate` (plans) and
// `test` (plan tests).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace adrestore::cli {

// More files than any forest has DCs: beyond this a folder is probably the wrong one.
inline constexpr std::size_t k_max_found_files = 10000;

// Folders expand to the files below them whose names `wanted` accepts (sorted, dot-folders
// skipped, links not followed); other paths stay as given, for the loader to report. A walk
// that fails part-way (Code::io), or finds more than k_max_found_files (Code::usage), is an
// error rather than a shorter list: a file that is never looked at must not count as passed.
// Either way the input could not be read: the commands exit 2 (cli.md).
// `what` names the files in that error ("plan files").
Result<std::vector<std::string>> find_files(const std::vector<std::string>& inputs,
                                            const std::function<bool(const std::string& name)>& wanted,
                                            const std::string& what);

}  // namespace adrestore::cli
