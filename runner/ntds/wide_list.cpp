#include "ntds/wide_list.h"

#include <cstdio>
#include <cstring>

#include "base/utf16.h"

namespace adrestore::ntds {

namespace {

Status malformed(const std::string& why) { return Status::error(Code::corrupt, "malformed file list: " + why); }

std::string hex_unit(char16_t u) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(u));
  return buf;
}

}  // namespace

Result<BftList> parse_wide_bft_list(const void* data, std::uint64_t bytes) {
  if (data == nullptr) return malformed("the API returned success but no buffer");
  if (bytes > k_max_list_bytes) {
    return malformed("the API reports " + std::to_string(bytes) + " bytes, more than the " +
                     std::to_string(k_max_list_bytes) + " a list may have");
  }
  if (bytes % 2 != 0) return malformed("the API reports an odd byte count (" + std::to_string(bytes) + ") for UTF-16 text");
  std::u16string copy(static_cast<std::size_t>(bytes / 2), u'\0');
  if (bytes > 0) std::memcpy(&copy[0], data, static_cast<std::size_t>(bytes));
  const std::u16string_view raw(copy);
  BftList list;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    if (raw[pos] == u'\0') {
      for (std::size_t i = pos + 1; i < raw.size(); ++i) {
        if (raw[i] != u'\0') return malformed("data after the terminating NUL at byte " + std::to_string(pos * 2));
      }
      return list;
    }
    const std::size_t end = raw.find(u'\0', pos);
    if (end == std::u16string_view::npos) {
      // Only the list's final extra NUL may lie outside the count: an entry without its own
      // NUL was cut off, and its path may be a prefix of the real one.
      return malformed("the entry at byte " + std::to_string(pos * 2) + " is cut off: the byte count (" +
                       std::to_string(bytes) + ") ends before its terminating NUL");
    }
    const std::size_t stop = end;
    if (stop - pos < 2)
      return malformed("the entry at byte " + std::to_string(pos * 2) + " has a BFT code but no path");
    if (raw[pos] > 0xFF) {
      return malformed("the entry at byte " + std::to_string(pos * 2) + " starts with " + hex_unit(raw[pos]) +
                       ", which is not a BFT code");
    }
    auto path = utf16_to_utf8(raw.substr(pos + 1, stop - pos - 1));
    if (!path) return malformed("the entry at byte " + std::to_string(pos * 2) + ": " + path.status().message());
    list.push_back(BftEntry{static_cast<std::uint8_t>(raw[pos]), std::move(*path)});
    pos = end + 1;
  }
  return list;  // the count excluded the final extra NUL
}

Result<std::u16string> format_wide_bft_list(const BftList& list) {
  std::u16string out;
  for (const BftEntry& e : list) {
    auto path = utf8_to_utf16(e.path);
    if (!path) return path.status().with_context("file list entry " + e.path);
    out.push_back(static_cast<char16_t>(e.bft));
    out += *path;
    out.push_back(u'\0');
  }
  out.push_back(u'\0');
  return out;
}

}  // namespace adrestore::ntds
