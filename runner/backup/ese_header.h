// The headers of ESE files: the database (ntds.dit), its transaction logs (edbXXXXX.log)
// and the checkpoint (edb.chk). Layout and sources: doc/ese-checks.md. Only the first
// k_ese_header_bytes of a file are ever parsed, so a check costs one small read per file.
//
// Bytes are hostile: the parsers take a buffer and its length, check the length before any
// field, and return what is wrong as a Status (Code::corrupt). The writers exist for the
// simulator and the tests; what they write the parsers accept.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace adrestore::backup {

inline constexpr std::size_t k_ese_header_bytes = 4096;  // what is read of each file
inline constexpr std::uint32_t k_ese_magic = 0x89ABCDEF;  // database signature; also the checksum seed
inline constexpr std::uint32_t k_ese_format_version = 0x620;
inline constexpr std::uint32_t k_ese_max_generation = 0x7FFFFFFF;  // a log generation is a LONG

// JET_SIGNATURE: a random number, a creation time and the NetBIOS name of the computer.
// Two files belong together when their signatures are equal byte for byte.
struct EseSignature {
  std::array<std::uint8_t, 28> bytes{};
  std::uint32_t random() const;
  std::string computer() const;  // the NetBIOS name, printable ASCII only
  std::string text() const;      // "0x1a2b3c4d/DC01", for messages
  bool operator==(const EseSignature& o) const { return bytes == o.bytes; }
  bool operator!=(const EseSignature& o) const { return bytes != o.bytes; }
  // A signature with these parts (the creation time is a fixed LOGTIME).
  static EseSignature make(std::uint32_t random, std::string_view computer);
};

enum class EseDbState : std::uint32_t {
  just_created = 1,
  dirty_shutdown = 2,  // needs recovery: the logs of required_low..required_high
  clean_shutdown = 3,
  being_converted = 4,
  force_detach = 5,
};
const char* to_string(EseDbState s);  // "clean shutdown", ...

struct EseDatabaseHeader {
  std::uint32_t format_version = k_ese_format_version;
  std::uint32_t format_revision = 0x14;
  std::uint32_t page_size = 8192;
  EseDbState state = EseDbState::clean_shutdown;
  EseSignature db_signature;
  EseSignature log_signature;
  std::uint32_t required_low = 0;   // dirty shutdown: the oldest log recovery needs
  std::uint32_t required_high = 0;  // and the newest
};

struct EseLogHeader {
  std::uint32_t generation = 1;
  std::uint32_t page_size = 8192;  // of the database the log was written for
  std::uint32_t format_major = 0;
  std::uint32_t format_minor = 0;
  EseSignature log_signature;
};

struct EseCheckpointHeader {
  std::uint32_t generation = 1;  // the checkpoint's log generation: recovery starts there
  EseSignature log_signature;
};

// The XOR-32 checksum of a header: the seed 0x89ABCDEF XORed with every little-endian
// 32-bit word from offset 4 to k_ese_header_bytes. `header` holds k_ese_header_bytes.
std::uint32_t ese_header_checksum(const std::uint8_t* header);

// Each parser needs at least k_ese_header_bytes; `size` is what the caller could read.
Result<EseDatabaseHeader> parse_ese_database_header(const std::uint8_t* data, std::size_t size);
Result<EseLogHeader> parse_ese_log_header(const std::uint8_t* data, std::size_t size);
Result<EseCheckpointHeader> parse_ese_checkpoint_header(const std::uint8_t* data, std::size_t size);

using EseHeaderBytes = std::array<std::uint8_t, k_ese_header_bytes>;
EseHeaderBytes write_ese_database_header(const EseDatabaseHeader& h);
EseHeaderBytes write_ese_log_header(const EseLogHeader& h);
EseHeaderBytes write_ese_checkpoint_header(const EseCheckpointHeader& h);
// Stores the checksum of bytes 4..4095 at offset 0 (after a field was changed by hand).
void reseal_ese_header(EseHeaderBytes& h);

// edb00001.log -> 1: "edb", 1 to 8 hex digits, ".log", any case. False for other names.
bool parse_ese_log_name(std::string_view file_name, std::uint32_t& generation);
// 1 -> edb00001.log (at least five upper-case hex digits, as ESE names them).
std::string ese_log_name(std::uint32_t generation);

}  // namespace adrestore::backup
