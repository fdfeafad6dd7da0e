// `adrestore journal verify`: proves a journal against chain heads published outside the
// state directory (the --events file, the system log, a head an operator copied). The chain
// (doc/journal-format.md) is recomputed from the bytes; a head that does not match, or
// records the heads do not cover, mean the journal is not the one the run published.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exec/journal.h"

namespace adrestore::exec {

// A head found outside the state directory. seq 0: unknown (a bare --head HASH), matched
// against every record's hash.
struct PublishedHead {
  std::uint64_t seq = 0;
  std::string sha256;  // 64 lower-case hex digits
  std::string where;   // for messages: "--head", "events.jsonl line 12"
};

enum class ChainVerdict {
  proven,      // the last published head is the journal's head, every other one matches too
  unproven,    // chained and intact, but no head was given to prove it against
  no_chain,    // a format before the chain: CRC only
  differs,     // a published head does not match: a record was edited, dropped or reordered
  appended,    // every head matches, but records follow the last one
  corrupt,     // the reader refused the journal (checksums, back-links, the stored chain)
};
const char* to_string(ChainVerdict v);  // "proven", "unproven", "no-chain", "differs", "appended", "corrupt"

struct ChainCheck {
  ChainVerdict verdict = ChainVerdict::unproven;
  std::uint32_t format_version = 0;
  std::uint64_t records = 0;
  std::optional<JournalHead> head;  // recomputed from the journal
  std::uint64_t proven_through = 0;  // records 1..this match a published head
  // The first record that differs lies in [first_differs_from, first_differs_to] (equal when
  // the heads name it exactly); 0 when nothing differs.
  std::uint64_t first_differs_from = 0;
  std::uint64_t first_differs_to = 0;
  std::string message;  // one paragraph for humans
};

// `scan` is the reader's result for the journal's bytes; `published` in any order.
ChainCheck check_chain(const JournalScan& scan, std::vector<PublishedHead> published);

}  // namespace adrestore::exec
