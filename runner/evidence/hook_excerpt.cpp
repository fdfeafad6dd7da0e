#include "evidence/hook_excerpt.h"

#include <algorithm>
#include <vector>

namespace adrestore::evidence {
namespace {

Result<std::string> read_at(platform::File& f, std::uint64_t offset, std::size_t n) {
  std::string buf(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    auto r = f.pread(buf.data() + got, n - got, offset + got);
    if (!r) return r.status();
    if (*r == 0) break;
    got += *r;
  }
  buf.resize(got);
  return buf;
}

}  // namespace

std::string sanitize_text(std::string_view text, std::size_t cap) {
  static const std::string k_replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(text.size(), cap));
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid && len > 1) {
      // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
      std::uint32_t cp = c & (0x7F >> len);
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
      static const std::uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= k_min[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    const bool control = valid && len == 1 && (c < 0x20 || c == 0x7F) && c != '\n' && c != '\t';
    const std::string_view piece = valid && !control ? text.substr(i, len) : std::string_view(k_replacement);
    if (out.size() + piece.size() > cap) break;
    out += piece;
    i += valid ? len : 1;
  }
  return out;
}

Hook read_hook(const exec::HookRecord& rec, std::int64_t time_ms, platform::FileSystem& fs) {
  Hook h;
  h.name = sanitize_text(rec.name, 256);
  h.exit_code = rec.exit_code;
  h.signal = rec.signal;
  h.timed_out = rec.timed_out;
  h.duration_ms = rec.duration_ms;
  h.time_ms = time_ms;
  h.log = sanitize_text(rec.log, k_max_text);
  auto info = fs.stat(rec.log);
  if (!info || info->type != platform::FileType::regular) {
    h.log_problem = info ? "the log is missing or not a regular file" : sanitize_text(info.status().message(), k_max_text);
    return h;
  }
  auto file = fs.open(rec.log, platform::File::Mode::read);
  if (!file) {
    h.log_problem = sanitize_text(file.status().message(), k_max_text);
    return h;
  }
  h.log_bytes = info->size;
  const std::size_t window = k_hook_excerpt_bytes;
  auto head = read_at(**file, 0, window);
  if (!head) {
    h.log_problem = sanitize_text(head.status().message(), k_max_text);
    return h;
  }
  h.head = sanitize_text(*head, window);
  if (info->size > window) {
    const std::uint64_t from = info->size - std::min<std::uint64_t>(info->size - window, window);
    auto tail = read_at(**file, from, window);
    if (tail) h.tail = sanitize_text(*tail, window);
  }
  (void)(*file)->close();
  return h;
}

}  // namespace adrestore::evidence
