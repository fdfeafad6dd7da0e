#include "plantest/compare.h"

#include <algorithm>

#include "base/text.h"

namespace adrestore::plantest {
namespace {

std::string show_list(const std::vector<std::string>& items, std::size_t from, std::size_t count) {
  std::string out;
  const std::size_t end = std::min(items.size(), from + count);
  for (std::size_t i = from; i < end; ++i) {
    if (!out.empty()) out += ", ";
    out += items[i];
  }
  if (end < items.size()) out += ", ...";
  if (from >= items.size()) out = "(end of sequence)";
  return out;
}

std::string sequence_context(const std::vector<std::string>& seq, std::size_t at) {
  std::string out;
  const std::size_t from = at >= 2 ? at - 2 : 0;
  for (std::size_t i = from; i < std::min(seq.size(), at + 3); ++i) {
    out += (i == at ? "    > " : "      ") + std::to_string(i + 1) + ". " + seq[i] + "\n";
  }
  if (at >= seq.size()) out += "    > " + std::to_string(at + 1) + ". (nothing: the sequence ended)\n";
  return out;
}

}  // namespace

std::optional<std::size_t> first_divergence(const std::vector<std::string>& expected,
                                            const std::vector<std::string>& actual) {
  const std::size_t n = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (expected[i] != actual[i]) return i;
  }
  if (expected.size() != actual.size()) return n;
  return std::nullopt;
}

std::optional<std::size_t> missing_in_order(const std::vector<std::string>& expected,
                                            const std::vector<std::string>& actual) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    while (pos < actual.size() && actual[pos] != expected[i]) ++pos;
    if (pos == actual.size()) return i;
    ++pos;
  }
  return std::nullopt;
}

std::vector<Mismatch> compare(const Expectations& e, const Observed& seen) {
  std::vector<Mismatch> out;
  if (e.outcome.set && e.outcome.value != seen.outcome) {
    std::string detail = "    expected: " + e.outcome.value + "\n    actual:   " + seen.outcome;
    if (seen.failed_step) detail += " (at step " + *seen.failed_step + ")";
    if (!seen.message.empty()) detail += "\n    message:  " + seen.message;
    out.push_back({e.outcome.mark, "outcome", detail});
  }
  if (e.failed_step.set && e.failed_step.value != seen.failed_step) {
    out.push_back({e.failed_step.mark, "failedStep",
                   "    expected: " + e.failed_step.value.value_or("null") + "\n    actual:   " +
                       seen.failed_step.value_or("null")});
  }
  if (e.exit_code.set && e.exit_code.value != seen.exit_code) {
    out.push_back({e.exit_code.mark, "exitCode",
                   "    expected: " + std::to_string(e.exit_code.value) + "\n    actual:   " +
                       std::to_string(seen.exit_code)});
  }
  if (e.calls.set) {
    if (auto at = first_divergence(e.calls.value, seen.calls)) {
      std::string detail = "    sequences differ at call " + std::to_string(*at + 1) + ":\n";
      detail += "    expected: " + (*at < e.calls.value.size() ? e.calls.value[*at] : std::string("(no more calls)")) + "\n";
      detail += "    actual:   " + (*at < seen.calls.size() ? seen.calls[*at] : std::string("(no more calls)")) + "\n";
      detail += "    actual sequence around there:\n" + sequence_context(seen.calls, *at);
      detail += "    expected from there: " + show_list(e.calls.value, *at, 4);
      out.push_back({e.calls.mark, "calls", detail});
    }
  }
  if (e.calls_include.set) {
    if (auto at = missing_in_order(e.calls_include.value, seen.calls)) {
      std::string detail = "    " + e.calls_include.value[*at] + " (item " + std::to_string(*at + 1) +
                           ") was not found in order";
      if (*at > 0) detail += " after " + e.calls_include.value[*at - 1];
      detail += "\n    actual calls: " + show_list(seen.calls, 0, 24);
      out.push_back({e.calls_include.mark, "callsInclude", detail});
    }
  }
  for (const auto& [path, want] : e.files) {
    std::string got = "absent";
    for (const auto& [p, state] : seen.files) {
      if (iequals(p, path)) got = state;
    }
    if (got != want.value) {
      out.push_back({want.mark, "files['" + path + "']", "    expected: " + want.value + "\n    actual:   " + got});
    }
  }
  for (const auto& [name, want] : e.hooks) {
    auto it = seen.hooks.find(name);
    const std::string got = it == seen.hooks.end() ? "not-run" : it->second;
    if (got != want.value) {
      out.push_back({want.mark, "hooks." + name, "    expected: " + want.value + "\n    actual:   " + got});
    }
  }
  if (e.dc_starts.set && seen.dc_starts != e.dc_starts.value) {
    out.push_back({e.dc_starts.mark, "dcStarts",
                   std::string("    expected: ") + (e.dc_starts.value ? "true" : "false") + "\n    actual:   " +
                       (seen.dc_starts ? (*seen.dc_starts ? "true" : "false") : "unknown (no restart happened)")});
  }
  return out;
}

}  // namespace adrestore::plantest
