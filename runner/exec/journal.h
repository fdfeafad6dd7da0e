// The run journal, <stateDir>/journal: a versioned, append-only file of checksummed,
// back-linked records (doc/journal-format.md).
//
// Durability contract: JournalWriter::create() returns after the file and its directory
// entry are on stable storage; append() returns only after the record is (fsync). A step
// counts as done only once the append of its step-finished record has returned ok.
//
// Recovery contract: a torn tail (an incomplete or damaged last record, after which no valid
// record follows) is cut off with a warning; anything else that is wrong (damage followed by
// valid records, a broken back-link, a sequence gap, a record whose checksum is right but
// whose content is impossible, a bad magic number or a newer format version) stops the
// reader with a Code::corrupt error that names the byte offset and the record number.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "exec/journal_records.h"
#include "exec/run_state.h"
#include "platform/fs.h"
#include "platform/sha256.h"

namespace adrestore::exec {

// Version 2 added records 15 (foreign-backup-allowed) and 16 (directory-identity); version 3
// the SHA-256 chain (a 32-byte trailer on every frame). The reader reads versions 1 to 3; a
// writer continuing a journal keeps its version and refuses records that version lacks.
inline constexpr std::uint32_t k_journal_format_version = 3;
inline constexpr std::uint32_t k_journal_first_chained_version = 3;
inline constexpr std::size_t k_journal_chain_size = 32;  // the frame trailer of version 3
inline constexpr std::uint32_t k_journal_oldest_format_version = 1;
inline constexpr std::size_t k_journal_header_size = 16;
inline constexpr std::size_t k_journal_frame_header_size = 24;
inline constexpr std::size_t k_journal_max_payload = 1 << 20;          // 1 MiB per record
inline constexpr std::uint64_t k_journal_max_size = 256ULL << 20;      // whole file
inline constexpr const char* k_journal_file_name = "journal";

std::string journal_path(const std::string& state_dir);

// The result of reading a journal: the records that passed every check.
struct JournalContents {
  bool header_complete = true;  // false: the file ends inside its header (a crash during create)
  std::uint32_t format_version = k_journal_format_version;  // from the header
  std::vector<Record> records;
  std::vector<std::uint64_t> offsets;  // byte offset of each record's frame
  std::vector<std::string> warnings;   // e.g. the torn tail that was cut off
  std::uint64_t valid_end = 0;         // where the next record goes
  std::uint64_t file_size = 0;
  std::uint32_t last_link = 0;  // the back-link value the next record must carry
  // Format 3: chain[i] is H of record i+1 (doc/journal-format.md, "The SHA-256 chain"), and
  // head the last one (H_0 with no records). Older formats: chain is empty.
  std::vector<platform::Digest> chain;
  platform::Digest head{};
  RunState state;           // the run as the records describe it
};

// The chain's head as it is published (events, status, the system log, the report):
// the number of the record it covers and its hash in hex.
struct JournalHead {
  std::uint64_t seq = 0;
  std::string sha256;
};
bool journal_is_chained(std::uint32_t format_version);
// Nullopt for a journal of a format before the chain (CRC only).
std::optional<JournalHead> journal_head(const JournalContents& c);

// Like JournalContents, but a reader that stopped keeps what it read before the problem
// (for `adrestore journal dump`, which shows the good records and then the error).
struct JournalScan {
  JournalContents contents;
  Status status;  // ok, or the Code::corrupt error that stopped the reader
};

JournalScan scan_journal(std::string_view bytes, const std::string& name);
Result<JournalContents> parse_journal(std::string_view bytes, const std::string& name);
// Reads and checks the file; Code::not_found when there is no journal.
Result<JournalContents> read_journal(const std::string& path, platform::FileSystem& fs = platform::system_fs());

// What the next frame links to: the CRC back-link and, from format 3, the SHA-256 chain.
struct FrameLinks {
  std::uint32_t crc = 0;
  platform::Digest chain{};
};
FrameLinks header_links(std::uint32_t version);
// H_i = SHA-256(H_{i-1} || the frame's bytes 4 up to the end of its payload).
platform::Digest chain_next(const platform::Digest& previous, std::string_view frame_body);

// The bytes of one record's frame (for the writer and for tests that build journals), linked
// to `links`, which then name this frame.
std::string encode_frame(const Record& r, std::uint32_t version, FrameLinks& links);
// Finishes a frame built by hand (24-byte header with CRC 0, then the payload): appends the
// chain trailer (format 3) and fills in the CRC; `links` then name this frame. For tests and
// the fuzz target, which write frames the writer never would.
std::string seal_frame(std::string frame, std::uint32_t version, FrameLinks& links);
std::string encode_header(std::uint32_t version = k_journal_format_version);
// The first format version that has this record type.
std::uint32_t format_version_of(RecordType t);

class JournalWriter {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix time in milliseconds
  static std::int64_t system_clock_ms();

  // Creates <state_dir>/journal, which must not exist yet (the state directory must).
  // Both work through `fs` (the run's ExecEnv::fs).
  static Result<std::unique_ptr<JournalWriter>> create(const std::string& state_dir, Clock clock = system_clock_ms,
                                                       platform::FileSystem& fs = platform::system_fs());
  // Opens an existing journal to continue it: reads and checks it, cuts off a torn tail
  // (durably, reported in `read_out->warnings`) and positions after the last record.
  static Result<std::unique_ptr<JournalWriter>> open(const std::string& state_dir, JournalContents* read_out,
                                                     Clock clock = system_clock_ms,
                                                     platform::FileSystem& fs = platform::system_fs());

  // Checks the record against the journal's state (the reader's rules, so the writer never
  // writes what the reader would refuse), stamps seq and time, writes it and flushes it.
  // If the write fails the partial frame is cut off again; if even that fails the writer
  // refuses every later append. Returns the stamped record.
  Result<Record> append(RecordBody body);

  const RunState& state() const { return m_state; }
  std::uint64_t next_seq() const { return m_next_seq; }
  std::uint32_t format_version() const { return m_version; }  // the file's; kept when continuing
  // The chain's head after the last record; nullopt for a journal older than format 3.
  std::optional<JournalHead> head() const;
  const std::string& path() const { return m_path; }

 private:
  JournalWriter(std::string path, std::unique_ptr<platform::File> file, Clock clock);
  std::string m_path;
  std::unique_ptr<platform::File> m_file;
  Clock m_clock;
  std::uint32_t m_version = k_journal_format_version;
  std::uint64_t m_end = 0;
  std::uint64_t m_next_seq = 1;
  FrameLinks m_links;
  std::int64_t m_last_time = 0;
  RunState m_state;
  Status m_broken;  // not ok once a failed append could not be undone
};

}  // namespace adrestore::exec
