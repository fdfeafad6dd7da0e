// The run journal reader (doc/journal-format.md). Two input modes, so the fuzzer reaches the
// record decoder and the run-state fold, not only the checksums:
// - 'R' then raw journal bytes;
// - otherwise a version digit, then one record a line, "<type number> <JSON payload>": the
//   target frames them with the right sequence numbers, back-links, checksums and (format 3)
//   SHA-256 chain.
// Whatever the reader accepts, the writer's encoding of those records must read back alike.
#include <string_view>

#include "check.h"
#include "exec/journal.h"

using namespace adrestore;

namespace {

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::string frame_lines(std::string_view text) {
  const std::uint32_t version = !text.empty() && (text[0] == '1' || text[0] == '2') ? static_cast<std::uint32_t>(text[0] - '0') : 3;
  std::string out = exec::encode_header(version);
  exec::FrameLinks links = exec::header_links(version);
  std::uint64_t seq = 1;
  std::size_t pos = text.find('\n');
  while (pos != std::string_view::npos && pos + 1 < text.size()) {
    const std::size_t start = pos + 1;
    pos = text.find('\n', start);
    const std::string_view line = text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    std::uint32_t type = 0;
    std::size_t i = 0;
    while (i < line.size() && i < 5 && line[i] >= '0' && line[i] <= '9') type = type * 10 + static_cast<std::uint32_t>(line[i++] - '0');
    if (i < line.size() && line[i] == ' ') ++i;
    const std::string_view payload = line.substr(i);
    std::string f;
    put_le(f, 0, 4);
    put_le(f, payload.size(), 4);
    put_le(f, seq++, 8);
    put_le(f, links.crc, 4);
    put_le(f, type & 0xFFFF, 2);
    put_le(f, 0, 2);
    f += payload;
    out += exec::seal_frame(std::move(f), version, links);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input = fuzz::as_text(data, size);
  const std::string bytes = !input.empty() && input[0] == 'R' ? input.substr(1) : frame_lines(input);

  exec::JournalScan scan = exec::scan_journal(bytes, "journal");
  auto parsed = exec::parse_journal(bytes, "journal");
  FUZZ_CHECK(parsed.is_ok() == scan.status.is_ok());
  FUZZ_CHECK(scan.contents.records.size() == scan.contents.offsets.size());
  FUZZ_CHECK(scan.contents.valid_end <= bytes.size());
  if (!parsed) return 0;

  // The writer's bytes for the records the reader accepted.
  std::string rewritten = exec::encode_header(parsed->format_version);
  exec::FrameLinks links = exec::header_links(parsed->format_version);
  for (const exec::Record& r : parsed->records) rewritten += exec::encode_frame(r, parsed->format_version, links);
  auto again = exec::parse_journal(rewritten, "journal");
  if (!again) std::fprintf(stderr, "%s\n", again.status().message().c_str());
  FUZZ_CHECK(again.is_ok());
  FUZZ_CHECK(again->records.size() == parsed->records.size());
  // The chain hashes the bytes as written. The reader accepts payloads the writer would
  // encode differently (a repeated JSON key, found by the fuzzer), so the heads agree only
  // when the writer gives back the very bytes; a header prefix has no chain yet.
  const bool same_bytes = bytes.compare(0, rewritten.size(), rewritten) == 0;
  FUZZ_CHECK(!parsed->header_complete || !same_bytes || again->head == parsed->head);
  return 0;
}
