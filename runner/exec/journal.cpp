#include "exec/journal.h"

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/json_nesting.h"
#include "exec/crc32c.h"

namespace adrestore::exec {
namespace {

constexpr char k_magic[8] = {'A', 'D', 'R', 'J', 'R', 'N', 'L', '\n'};
constexpr std::size_t k_max_json_depth = 16;  // records nest 3 levels at most

void put_u16(std::string& out, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::uint64_t get_le(std::string_view b, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[pos + static_cast<std::size_t>(i)]);
  return v;
}

// The frame's fixed fields, decoded without judging them.
struct FrameHead {
  std::uint32_t crc = 0;  // masked, over bytes [4, 24 + length)
  std::uint32_t length = 0;
  std::uint64_t seq = 0;
  std::uint32_t link = 0;
  std::uint16_t type = 0;
  std::uint16_t reserved = 0;
};

FrameHead decode_head(std::string_view b, std::size_t pos) {
  FrameHead h;
  h.crc = static_cast<std::uint32_t>(get_le(b, pos, 4));
  h.length = static_cast<std::uint32_t>(get_le(b, pos + 4, 4));
  h.seq = get_le(b, pos + 8, 8);
  h.link = static_cast<std::uint32_t>(get_le(b, pos + 16, 4));
  h.type = static_cast<std::uint16_t>(get_le(b, pos + 20, 2));
  h.reserved = static_cast<std::uint16_t>(get_le(b, pos + 22, 2));
  return h;
}

// The bytes after a frame's payload: the chain hash from format 3, none before.
std::size_t trailer_size(std::uint32_t version) { return journal_is_chained(version) ? k_journal_chain_size : 0; }

// Why the bytes at `pos` are not an intact frame, or empty when they are (checksum right).
std::string frame_damage(std::string_view b, std::size_t pos, std::size_t trailer, FrameHead* head) {
  if (b.size() - pos < k_journal_frame_header_size) {
    return "only " + std::to_string(b.size() - pos) + " bytes where a " + std::to_string(k_journal_frame_header_size) +
           "-byte record header belongs";
  }
  *head = decode_head(b, pos);
  if (head->length > k_journal_max_payload) return "its length field says " + std::to_string(head->length) + " bytes";
  const std::size_t end = pos + k_journal_frame_header_size + head->length + trailer;
  if (end > b.size()) {
    return "it needs " + std::to_string(end - pos) + " bytes but the file ends after " + std::to_string(b.size() - pos);
  }
  const std::uint32_t actual = crc32c_mask(crc32c(b.data() + pos + 4, end - pos - 4));
  if (actual != head->crc) return "its checksum does not match";
  return {};
}

// A torn tail is what one interrupted append leaves: part of one frame, with no intact frame
// after it. Returns why the damage at `pos` is not that (then it is in the middle of the
// journal), or empty. Cheap filters first; the checksum decides. The checksums are capped at
// k_torn_tail_checksum_budget bytes in all: a real torn tail is a frame header and JSON text,
// where no look-alike header (it needs NUL bytes) starts past the first 24 bytes, so only
// crafted bytes reach the cap; without it they cost time quadratic in the journal's size.
constexpr std::size_t k_torn_tail_checksum_budget = 64u << 20;  // a real tail: under 24 MiB, at most 23 headers

std::string why_not_a_torn_tail(std::string_view b, std::size_t pos, std::size_t trailer) {
  if (b.size() - pos > k_journal_frame_header_size + k_journal_max_payload + trailer) {
    return std::to_string(b.size() - pos) + " bytes follow, more than one record can hold";
  }
  std::size_t budget = k_torn_tail_checksum_budget;
  for (std::size_t q = pos + 1; q + k_journal_frame_header_size <= b.size(); ++q) {
    const FrameHead h = decode_head(b, q);
    if (h.reserved != 0 || !record_type_from_number(h.type) || h.length > k_journal_max_payload) continue;
    const std::size_t size = k_journal_frame_header_size + h.length + trailer;
    if (q + size > b.size()) continue;
    if (size > budget) return "the bytes after it hold too many look-alike record headers";
    budget -= size;
    FrameHead ignored;
    if (frame_damage(b, q, trailer, &ignored).empty()) return "an intact record follows at offset " + std::to_string(q);
  }
  return {};
}

void put_crc(std::string& frame, std::uint32_t crc) {
  for (int i = 0; i < 4; ++i) frame[static_cast<std::size_t>(i)] = static_cast<char>((crc >> (8 * i)) & 0xFF);
}

}  // namespace

bool journal_is_chained(std::uint32_t format_version) { return format_version >= k_journal_first_chained_version; }

std::optional<JournalHead> journal_head(const JournalContents& c) {
  if (!journal_is_chained(c.format_version)) return std::nullopt;
  return JournalHead{c.records.size(), platform::to_hex(c.head)};
}

FrameLinks header_links(std::uint32_t version) {
  const std::string h = encode_header(version);
  FrameLinks l;
  l.crc = static_cast<std::uint32_t>(get_le(h, 12, 4));
  // H_0: the hash of the header, so a chain is tied to its format from the start; the run's
  // identity enters with record 1 (run-started names the run id).
  if (journal_is_chained(version)) l.chain = platform::sha256(h);
  return l;
}

platform::Digest chain_next(const platform::Digest& previous, std::string_view frame_body) {
  platform::Sha256 h;
  h.update(previous.data(), previous.size());
  h.update(frame_body.data(), frame_body.size());
  return h.finish();
}

std::string journal_path(const std::string& state_dir) { return platform::join_path(state_dir, k_journal_file_name); }

std::uint32_t format_version_of(RecordType t) {
  return t == RecordType::foreign_backup_allowed || t == RecordType::directory_identity ? 2 : 1;
}

std::string encode_header(std::uint32_t version) {
  std::string h(k_magic, sizeof k_magic);
  put_u32(h, version);
  put_u32(h, crc32c_mask(crc32c(h.data(), h.size())));
  return h;
}

bool record_type_in_version(RecordType type, std::uint32_t version) {
  return version >= 2 || static_cast<std::uint16_t>(type) <= static_cast<std::uint16_t>(RecordType::file_restarted);
}

std::string seal_frame(std::string f, std::uint32_t version, FrameLinks& links) {
  if (journal_is_chained(version)) {
    links.chain = chain_next(links.chain, std::string_view(f).substr(4));
    f.append(reinterpret_cast<const char*>(links.chain.data()), links.chain.size());
  }
  links.crc = crc32c_mask(crc32c(f.data() + 4, f.size() - 4));
  put_crc(f, links.crc);
  return f;
}

std::string encode_frame(const Record& r, std::uint32_t version, FrameLinks& links) {
  const std::string payload =
      record_payload(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string f;
  f.reserve(k_journal_frame_header_size + payload.size() + k_journal_chain_size);
  put_u32(f, 0);  // checksum, filled in by seal_frame
  put_u32(f, static_cast<std::uint32_t>(payload.size()));
  put_u64(f, r.seq);
  put_u32(f, links.crc);
  put_u16(f, static_cast<std::uint16_t>(r.type()));
  put_u16(f, 0);
  f += payload;
  return seal_frame(std::move(f), version, links);
}

JournalScan scan_journal(std::string_view b, const std::string& name) {
  JournalScan scan;
  JournalContents& c = scan.contents;
  c.file_size = b.size();
  auto fail = [&](const std::string& msg) {
    scan.status = Status::error(Code::corrupt, name + ": " + msg);
    return scan;
  };
  if (b.size() > k_journal_max_size) {
    return fail("the journal is larger than the limit of " + std::to_string(k_journal_max_size) + " bytes");
  }
  if (b.size() < k_journal_header_size) {
    // A crash while creating: a prefix of the header of a version this reader knows.
    bool prefix = false;
    for (std::uint32_t v = k_journal_oldest_format_version; v <= k_journal_format_version; ++v) {
      prefix = prefix || b == std::string_view(encode_header(v)).substr(0, b.size());
    }
    if (!prefix) {
      return fail("not an adrestore journal: the first " + std::to_string(b.size()) +
                  " bytes are not a journal header (offset 0)");
    }
    c.header_complete = false;
    c.warnings.push_back(name + ": the journal ends inside its header (" + std::to_string(b.size()) + " of " +
                         std::to_string(k_journal_header_size) +
                         " bytes): the process stopped while creating it; it holds no records");
    return scan;
  }
  if (b.substr(0, sizeof k_magic) != std::string_view(k_magic, sizeof k_magic)) {
    return fail("not an adrestore journal: bad magic number at offset 0");
  }
  const auto version = static_cast<std::uint32_t>(get_le(b, 8, 4));
  if (version > k_journal_format_version) {
    return fail("journal format version " + std::to_string(version) + " is newer than this adrestore reads (" +
                std::to_string(k_journal_format_version) + "); use the adrestore version that wrote it, or a newer one");
  }
  if (version < k_journal_oldest_format_version) {
    return fail("journal format version " + std::to_string(version) + " does not exist (offset 8)");
  }
  if (b.substr(0, k_journal_header_size) != encode_header(version)) {
    return fail("the journal header is damaged (checksum at offset 12)");
  }
  c.format_version = version;

  const std::size_t trailer = trailer_size(version);
  FrameLinks links = header_links(version);
  std::size_t pos = k_journal_header_size;
  std::uint64_t seq = 1;
  while (pos < b.size()) {
    const std::string where = "record " + std::to_string(seq) + " at offset " + std::to_string(pos);
    FrameHead h;
    const std::string damage = frame_damage(b, pos, trailer, &h);
    if (!damage.empty()) {
      if (const std::string why = why_not_a_torn_tail(b, pos, trailer); !why.empty()) {
        return fail(where + " is damaged (" + damage + "), but " + why +
                    ": the journal is corrupt in the middle and adrestore will not guess what happened. Keep the "
                    "state directory for inspection (adrestore journal dump) and restore by hand or start a new run "
                    "with a new state directory");
      }
      c.warnings.push_back(name + ": " + where + " is incomplete or damaged (" + damage +
                           ") and nothing valid follows: the process stopped while writing it; cut off the last " +
                           std::to_string(b.size() - pos) + " bytes");
      break;
    }
    // The checksum is right: from here on, anything wrong is corruption, never a torn tail.
    if (h.reserved != 0) return fail(where + ": reserved field is " + std::to_string(h.reserved) + ", not 0");
    if (h.seq != seq) {
      return fail(where + ": sequence number " + std::to_string(h.seq) + " where " + std::to_string(seq) +
                  " belongs (records are missing or repeated)");
    }
    if (h.link != links.crc) return fail(where + ": broken back-link (it does not name the record before it)");
    const auto type = record_type_from_number(h.type);
    if (!type) return fail(where + ": unknown record type " + std::to_string(h.type));
    if (format_version_of(*type) > version) {
      return fail(where + ": record type " + std::to_string(h.type) + " (" + to_string(*type) +
                  ") does not exist in journal format version " + std::to_string(version));
    }
    const std::string_view text = b.substr(pos + k_journal_frame_header_size, h.length);
    if (!json_nests_within(text, k_max_json_depth)) return fail(where + ": the payload nests deeper than " + std::to_string(k_max_json_depth));
    nlohmann::json payload = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (payload.is_discarded()) return fail(where + ": the payload is not valid JSON");
    Result<Record> r = record_from_payload(payload, *type);
    if (!r) return fail(where + ": " + r.status().message());
    r->seq = seq;
    if (trailer != 0) {
      // The CRC covers the trailer, so a wrong hash here was written so: an edit that
      // recomputed the checksums but not the chain.
      const std::size_t body_end = pos + k_journal_frame_header_size + h.length;
      links.chain = chain_next(links.chain, b.substr(pos + 4, body_end - pos - 4));
      if (b.substr(body_end, trailer) != std::string_view(reinterpret_cast<const char*>(links.chain.data()), trailer)) {
        return fail(where + ": its SHA-256 chain hash does not follow from the records before it (the journal was "
                            "edited: a record here or before it changed after it was written)");
      }
      c.chain.push_back(links.chain);
    }
    if (Status s = c.state.apply(*r); !s) return fail(where + " (" + to_string(*type) + "): " + s.message());
    c.records.push_back(std::move(*r));
    c.offsets.push_back(pos);
    links.crc = h.crc;
    pos += k_journal_frame_header_size + h.length + trailer;
    ++seq;
  }
  c.valid_end = pos;
  c.last_link = links.crc;
  c.head = links.chain;
  return scan;
}

Result<JournalContents> parse_journal(std::string_view bytes, const std::string& name) {
  JournalScan s = scan_journal(bytes, name);
  if (!s.status) return s.status;
  return std::move(s.contents);
}

Result<JournalContents> read_journal(const std::string& path, platform::FileSystem& fs) {
  auto info = fs.stat(path);
  if (!info) return info.status();
  if (info->type == platform::FileType::missing) return Status::error(Code::not_found, "no journal at " + path);
  if (info->type != platform::FileType::regular) {
    return Status::error(Code::corrupt, path + " is not a regular file; adrestore never follows links");
  }
  auto bytes = platform::read_file(fs, path, k_journal_max_size);
  if (!bytes) return bytes.status();
  return parse_journal(*bytes, path);
}

std::int64_t JournalWriter::system_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

JournalWriter::JournalWriter(std::string path, std::unique_ptr<platform::File> file, Clock clock)
    : m_path(std::move(path)), m_file(std::move(file)), m_clock(std::move(clock)) {}

Result<std::unique_ptr<JournalWriter>> JournalWriter::create(const std::string& state_dir, Clock clock,
                                                             platform::FileSystem& fs) {
  const std::string path = journal_path(state_dir);
  auto f = fs.open(path, platform::File::Mode::write_new);
  if (!f) return f.status().with_context("cannot create the journal");
  const std::string header = encode_header();
  Status s = (*f)->write_all(header.data(), header.size());
  if (s) s = (*f)->sync();
  if (s) s = fs.sync_dir(state_dir);
  if (!s) {
    f->reset();
    (void)fs.remove(path);
    return s.with_context("cannot create the journal");
  }
  std::unique_ptr<JournalWriter> w(new JournalWriter(path, std::move(*f), std::move(clock)));
  w->m_end = header.size();
  w->m_links = header_links(k_journal_format_version);
  return w;
}

Result<std::unique_ptr<JournalWriter>> JournalWriter::open(const std::string& state_dir, JournalContents* read_out,
                                                           Clock clock, platform::FileSystem& fs) {
  const std::string path = journal_path(state_dir);
  auto contents = read_journal(path, fs);
  if (!contents) return contents.status();
  auto f = fs.open(path, platform::File::Mode::read_write);
  if (!f) return f.status().with_context("cannot open the journal");
  std::unique_ptr<JournalWriter> w(new JournalWriter(path, std::move(*f), std::move(clock)));
  Status s;
  if (!contents->header_complete) {
    const std::string header = encode_header();
    s = w->m_file->truncate(0);
    if (s) s = w->m_file->pwrite_all(header.data(), header.size(), 0);
    contents->valid_end = header.size();
    contents->last_link = header_links(k_journal_format_version).crc;
    contents->head = header_links(k_journal_format_version).chain;
    contents->format_version = k_journal_format_version;
  } else if (contents->valid_end < contents->file_size) {
    s = w->m_file->truncate(contents->valid_end);
  }
  if (s) s = w->m_file->sync();
  if (!s) return s.with_context("cannot repair the journal's torn tail");
  w->m_version = contents->format_version;
  w->m_end = contents->valid_end;
  w->m_links = FrameLinks{contents->last_link, contents->head};
  w->m_next_seq = contents->records.size() + 1;
  w->m_state = contents->state;
  w->m_last_time = contents->state.last_time_ms;
  if (read_out) *read_out = std::move(*contents);
  return w;
}

Result<Record> JournalWriter::append(RecordBody body) {
  if (!m_broken) return m_broken;
  Record r;
  r.seq = m_next_seq;
  r.time_ms = std::max(m_clock(), m_last_time);  // a clock stepped back never makes the journal unreadable
  r.body = std::move(body);
  if (format_version_of(r.type()) > m_version) {
    return Status::error(Code::refused, std::string("the journal ") + m_path + " has format version " +
                                            std::to_string(m_version) + ", which has no " + to_string(r.type()) +
                                            " record; an older adrestore started this run, so finish it with that "
                                            "version or start a new run with a new state directory");
  }
  // Run the reader's checks first, so nothing is written that a reader would refuse.
  const nlohmann::json payload = record_payload(r);
  if (auto back = record_from_payload(payload, r.type()); !back) {
    return Status::error(Code::internal, "refusing to journal a malformed record: " + back.status().message());
  }
  RunState next = m_state;
  if (Status s = next.apply(r); !s) {
    return Status::error(Code::internal, "refusing to journal an impossible record: " + s.message());
  }
  FrameLinks links = m_links;
  const std::string frame = encode_frame(r, m_version, links);
  if (frame.size() - k_journal_frame_header_size - trailer_size(m_version) > k_journal_max_payload) {
    return Status::error(Code::internal, std::string("refusing to journal a ") + to_string(r.type()) +
                                             " record larger than " + std::to_string(k_journal_max_payload) + " bytes");
  }
  Status s = m_file->pwrite_all(frame.data(), frame.size(), m_end);
  if (s) s = m_file->sync();
  if (!s) {
    // Cut the partial frame off again, so the next append does not land after garbage.
    Status undo = m_file->truncate(m_end);
    if (undo) undo = m_file->sync();
    if (!undo) {
      m_broken = Status::error(Code::io, "the journal " + m_path + " could not be repaired after a failed write (" +
                                             undo.message() + "); no further records are written");
    }
    return s.with_context("cannot write to the journal " + m_path);
  }
  m_end += frame.size();
  m_links = links;
  ++m_next_seq;
  m_last_time = r.time_ms;
  m_state = std::move(next);
  return r;
}

std::optional<JournalHead> JournalWriter::head() const {
  if (!journal_is_chained(m_version)) return std::nullopt;
  return JournalHead{m_next_seq - 1, platform::to_hex(m_links.chain)};
}

}  // namespace adrestore::exec
