// The bytes of a simulated DC's files: the DIT, the logs and the checkpoint. Each file
// starts with a real ESE header of its kind (backup/ese_header.h: a database in clean
// shutdown, logs and checkpoint of its log signature, signatures derived from the DC
// name), then at byte 4096 a text header naming the DC (`tail -c +4097 | head` shows it),
// and continues with a deterministic pattern seeded by the DC name, so that a restored file
// can be told apart from garbage, from another DC's file and from a file with one flipped byte.
#pragma once

#include <cstdint>
#include <string>

#include "backup/ese_header.h"
#include "base/status.h"
#include "platform/fs.h"

namespace adrestore::sim {

inline constexpr std::uint64_t k_header_bytes = 8192;  // the ESE header, then the text header
inline constexpr std::uint64_t k_min_file_bytes = k_header_bytes;

enum class SimFileKind { database, log, checkpoint };

struct SimFileSpec {
  SimFileKind kind = SimFileKind::database;
  std::string dc;
  std::uint32_t generation = 0;  // logs: their generation; checkpoint: the newest log
  std::uint64_t size = k_min_file_bytes;
};

// Writes the file (size >= k_min_file_bytes) and syncs it.
Status write_sim_file(const std::string& host_path, const SimFileSpec& spec);

// Checks a file written by write_sim_file: the header (kind, DC, generation, size) and
// every byte of the pattern. The error names the first differing byte.
Status check_sim_file(const std::string& host_path, const SimFileSpec& expected_kind_and_dc);

// Reads the header of a simulated file; fails when it is not one.
Result<SimFileSpec> read_sim_header(const std::string& host_path);

// The ESE signatures of a simulated DC's database and logs (the same for every file of
// that DC, different for another DC).
backup::EseSignature sim_db_signature(const std::string& dc);
backup::EseSignature sim_log_signature(const std::string& dc);

// edb00001.log <-> 1 (the generation is the hex number in the name).
std::string log_file_name(std::uint32_t generation);
bool parse_log_file_name(const std::string& name, std::uint32_t& generation);

}  // namespace adrestore::sim
