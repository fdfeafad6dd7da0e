#include "exec/journal_verify.h"

#include <algorithm>

namespace adrestore::exec {
namespace {

std::string records_range(std::uint64_t from, std::uint64_t to) {
  return from == to ? "record " + std::to_string(from) : "records " + std::to_string(from) + " to " + std::to_string(to);
}

// A bare hash: which record's chain hash it is, if any.
void check_unnumbered(const JournalScan& scan, const PublishedHead& p, ChainCheck& out) {
  const auto& chain = scan.contents.chain;
  const auto it = std::find_if(chain.begin(), chain.end(), [&](const platform::Digest& d) { return platform::to_hex(d) == p.sha256; });
  if (it == chain.end()) {
    out.verdict = ChainVerdict::differs;
    out.message = "no record's chain hash equals the head from " + p.where +
                  ": the journal was edited, records were dropped or reordered, or it was cut short before the "
                  "record the head was published for";
    return;
  }
  out.proven_through = static_cast<std::uint64_t>(it - chain.begin()) + 1;
}

}  // namespace

const char* to_string(ChainVerdict v) {
  switch (v) {
    case ChainVerdict::proven: return "proven";
    case ChainVerdict::unproven: return "unproven";
    case ChainVerdict::no_chain: return "no-chain";
    case ChainVerdict::differs: return "differs";
    case ChainVerdict::appended: return "appended";
    case ChainVerdict::corrupt: return "corrupt";
  }
  return "?";
}

ChainCheck check_chain(const JournalScan& scan, std::vector<PublishedHead> published) {
  const JournalContents& c = scan.contents;
  ChainCheck out;
  out.format_version = c.format_version;
  out.records = c.records.size();
  if (!scan.status) {
    out.verdict = ChainVerdict::corrupt;
    out.message = scan.status.message();
    return out;
  }
  out.head = journal_head(c);
  if (!out.head) {
    out.verdict = ChainVerdict::no_chain;
    out.message = "no chain: format " + std::to_string(c.format_version) +
                  ", CRC only. The checksums and back-links of its " + std::to_string(out.records) +
                  " record(s) are intact, which catches accidents, not edits; nothing can prove it against a head";
    return out;
  }
  if (published.empty()) {
    out.verdict = ChainVerdict::unproven;
    out.message = "the chain of " + std::to_string(out.records) +
                  " record(s) is intact; not proven: give the head published outside the state directory "
                  "(--head HASH or --events FILE)";
    return out;
  }
  // Numbered heads in journal order: the first that does not match bounds the first record
  // that differs from below by the last one that did.
  std::stable_sort(published.begin(), published.end(),
                   [](const PublishedHead& a, const PublishedHead& b) { return a.seq < b.seq; });
  for (const PublishedHead& p : published) {
    if (p.seq == 0) {
      check_unnumbered(scan, p, out);
      if (out.verdict == ChainVerdict::differs) return out;
      continue;
    }
    const bool present = p.seq <= c.chain.size();
    if (present && platform::to_hex(c.chain[p.seq - 1]) == p.sha256) {
      out.proven_through = std::max(out.proven_through, p.seq);
      continue;
    }
    out.verdict = ChainVerdict::differs;
    out.first_differs_from = out.proven_through + 1;
    out.first_differs_to = std::min<std::uint64_t>(p.seq, c.chain.size() + 1);
    const std::string bound = out.proven_through == 0 ? std::string("no earlier head matches")
                                                      : "the head after record " + std::to_string(out.proven_through) +
                                                            " matches";
    if (!present) {
      out.message = "the journal ends after record " + std::to_string(c.chain.size()) + ", but " + p.where +
                    " has a head after record " + std::to_string(p.seq) +
                    ": records were dropped or cut off (" + bound + ")";
    } else {
      out.message = "the journal differs from the head " + p.where + " published after record " +
                    std::to_string(p.seq) + " (" + bound + "): " +
                    records_range(out.first_differs_from, out.first_differs_to) +
                    (out.first_differs_from == out.first_differs_to ? " was" : ", one of them first,") +
                    " edited, dropped, inserted or reordered";
    }
    return out;
  }
  if (out.proven_through < out.records) {
    out.verdict = ChainVerdict::appended;
    out.message = "the published heads prove records 1 to " + std::to_string(out.proven_through) + ", but " +
                  records_range(out.proven_through + 1, out.records) +
                  " follow the last head: appended after it was published (or written by a run that stopped "
                  "before it published them)";
    return out;
  }
  out.verdict = ChainVerdict::proven;
  out.message = "proven: all " + std::to_string(out.records) + " record(s) match the head published after record " +
                std::to_string(out.proven_through);
  return out;
}

}  // namespace adrestore::exec
