// Rewrites a journal the way a forger with write access to the state directory would:
// every frame re-encoded, so checksums, back-links and the stored chain hashes are all
// consistent again. Only a head published elsewhere can then tell.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "exec/journal.h"

namespace adrestore::testing {

// Re-encodes `records` (renumbered 1, 2, ...) as a whole journal of `version`.
inline std::string encode_journal(std::vector<exec::Record> records,
                                  std::uint32_t version = exec::k_journal_format_version) {
  std::string out = exec::encode_header(version);
  exec::FrameLinks links = exec::header_links(version);
  std::uint64_t seq = 1;
  for (exec::Record& r : records) {
    r.seq = seq++;
    out += exec::encode_frame(r, version, links);
  }
  return out;
}

}  // namespace adrestore::testing
