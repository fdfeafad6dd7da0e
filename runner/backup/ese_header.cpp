#include "backup/ese_header.h"

#include <cstdio>

#include "base/text.h"

namespace adrestore::backup {
namespace {

// Offsets (doc/ese-checks.md has the sources). Every field lies inside the first 4096 bytes.
namespace db {
constexpr std::size_t magic = 4, version = 8, db_signature = 24, state = 52, log_signature = 104,
                      revision = 232, page_size = 236, gen_min_required = 296, gen_max_required = 300;
}
namespace lg {
constexpr std::size_t generation = 4, page_size = 14, major = 32, minor = 36, log_signature = 44;
}
namespace chk {
constexpr std::size_t generation = 16, log_signature = 20;  // lgposCheckpoint is at 12: ib, isec, lGeneration
}
constexpr std::size_t k_filetype = 667;  // the same place in all three headers, unaligned
enum : std::uint32_t { k_type_unset = 0, k_type_database = 1, k_type_log = 3, k_type_checkpoint = 4 };

std::uint32_t get32(const std::uint8_t* p, std::size_t at) {
  return static_cast<std::uint32_t>(p[at]) | static_cast<std::uint32_t>(p[at + 1]) << 8 |
         static_cast<std::uint32_t>(p[at + 2]) << 16 | static_cast<std::uint32_t>(p[at + 3]) << 24;
}
std::uint32_t get16(const std::uint8_t* p, std::size_t at) {
  return static_cast<std::uint32_t>(p[at]) | static_cast<std::uint32_t>(p[at + 1]) << 8;
}
void put32(EseHeaderBytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(EseHeaderBytes& b, std::size_t at, std::uint32_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put_signature(EseHeaderBytes& b, std::size_t at, const EseSignature& s) {
  for (std::size_t i = 0; i < s.bytes.size(); ++i) b[at + i] = s.bytes[i];
}
EseSignature get_signature(const std::uint8_t* p, std::size_t at) {
  EseSignature s;
  for (std::size_t i = 0; i < s.bytes.size(); ++i) s.bytes[i] = p[at + i];
  return s;
}

Status bad(const std::string& what) { return Status::error(Code::corrupt, what); }

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

// The checks every header shares: enough bytes, the checksum, the file type.
Status check_common(const std::uint8_t* data, std::size_t size, std::uint32_t want_type, const char* kind) {
  if (data == nullptr || size < k_ese_header_bytes) {
    return bad(std::string("the file is too short to hold an ESE ") + kind + " header (" + std::to_string(size) +
               " bytes; a header is " + std::to_string(k_ese_header_bytes) + ")");
  }
  const std::uint32_t stored = get32(data, 0);
  const std::uint32_t computed = ese_header_checksum(data);
  if (stored != computed) {
    return bad(std::string("the ESE ") + kind + " header's checksum is wrong (stored " + hex32(stored) + ", computed " +
               hex32(computed) + "): the header is damaged or was altered");
  }
  const std::uint32_t type = get32(data, k_filetype);
  if (type != k_type_unset && type != want_type) {
    const char* seen = type == k_type_database ? "a database" : type == k_type_log ? "a transaction log"
                       : type == k_type_checkpoint ? "a checkpoint file" : nullptr;
    return bad(std::string("the header says the file is ") + (seen ? seen : "of ESE file type " + std::to_string(type)) +
               ", not a " + kind);
  }
  return Status::ok();
}

Status check_generation(std::uint32_t g, const char* who) {
  if (g >= 1 && g <= k_ese_max_generation) return Status::ok();
  return bad(std::string(who) + " gives log generation " + std::to_string(g) + ", outside 1.." +
             std::to_string(k_ese_max_generation));
}

bool valid_page_size(std::uint32_t n) { return n == 2048 || n == 4096 || n == 8192 || n == 16384 || n == 32768; }

}  // namespace

std::uint32_t EseSignature::random() const { return get32(bytes.data(), 0); }

std::string EseSignature::computer() const {
  std::string out;
  for (std::size_t i = 12; i < bytes.size() && bytes[i] != 0; ++i) {
    const char c = static_cast<char>(bytes[i]);
    out += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return out;
}

std::string EseSignature::text() const {
  const std::string name = computer();
  return hex32(random()) + (name.empty() ? "" : "/" + name);
}

EseSignature EseSignature::make(std::uint32_t random, std::string_view computer) {
  EseSignature s;
  for (int i = 0; i < 4; ++i) s.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(random >> (8 * i));
  // LOGTIME: seconds, minutes, hours, day, month, years since 1900 (2026-11-20 02:00:00).
  const std::uint8_t when[8] = {0, 0, 2, 20, 11, 126, 0, 0};
  for (std::size_t i = 0; i < 8; ++i) s.bytes[4 + i] = when[i];
  for (std::size_t i = 0; i < computer.size() && i < 15; ++i) s.bytes[12 + i] = static_cast<std::uint8_t>(computer[i]);
  return s;
}

const char* to_string(EseDbState s) {
  switch (s) {
    case EseDbState::just_created: return "just created";
    case EseDbState::dirty_shutdown: return "dirty shutdown";
    case EseDbState::clean_shutdown: return "clean shutdown";
    case EseDbState::being_converted: return "being converted";
    case EseDbState::force_detach: return "force detach";
  }
  return "unknown";
}

std::uint32_t ese_header_checksum(const std::uint8_t* header) {
  std::uint32_t sum = k_ese_magic;
  for (std::size_t at = 4; at < k_ese_header_bytes; at += 4) sum ^= get32(header, at);
  return sum;
}

Result<EseDatabaseHeader> parse_ese_database_header(const std::uint8_t* data, std::size_t size) {
  if (data != nullptr && size >= 8 && get32(data, db::magic) != k_ese_magic) {
    return bad("the file does not start with an ESE database header (signature " + hex32(get32(data, db::magic)) +
               ", expected " + hex32(k_ese_magic) + ")");
  }
  if (Status s = check_common(data, size, k_type_database, "database"); !s) return s;
  EseDatabaseHeader h;
  h.format_version = get32(data, db::version);
  h.format_revision = get32(data, db::revision);
  if (h.format_version != k_ese_format_version) {
    return bad("unknown ESE database format version " + hex32(h.format_version) + " (Windows writes " +
               hex32(k_ese_format_version) + ")");
  }
  h.page_size = get32(data, db::page_size);
  if (h.page_size == 0) h.page_size = 4096;  // 0 means 4 KiB pages
  if (!valid_page_size(h.page_size)) {
    return bad("the database header gives a page size of " + std::to_string(h.page_size) +
               " bytes; ESE pages are 2, 4, 8, 16 or 32 KiB");
  }
  const std::uint32_t state = get32(data, db::state);
  if (state < 1 || state > 5) return bad("the database header has an unknown state " + std::to_string(state));
  h.state = static_cast<EseDbState>(state);
  h.db_signature = get_signature(data, db::db_signature);
  h.log_signature = get_signature(data, db::log_signature);
  h.required_low = get32(data, db::gen_min_required);
  h.required_high = get32(data, db::gen_max_required);
  if (h.state == EseDbState::dirty_shutdown &&
      (h.required_low == 0 || h.required_low > h.required_high || h.required_high > k_ese_max_generation)) {
    return bad("the database was not shut down cleanly but its header names no valid range of required logs (" +
               std::to_string(h.required_low) + ".." + std::to_string(h.required_high) + ")");
  }
  return h;
}

Result<EseLogHeader> parse_ese_log_header(const std::uint8_t* data, std::size_t size) {
  if (Status s = check_common(data, size, k_type_log, "transaction log"); !s) return s;
  EseLogHeader h;
  h.generation = get32(data, lg::generation);
  if (Status s = check_generation(h.generation, "the log header"); !s) return s;
  h.page_size = get16(data, lg::page_size);
  if (h.page_size == 0) h.page_size = 4096;
  if (!valid_page_size(h.page_size)) {
    return bad("the log header gives a database page size of " + std::to_string(h.page_size) + " bytes");
  }
  h.format_major = get32(data, lg::major);
  h.format_minor = get32(data, lg::minor);
  h.log_signature = get_signature(data, lg::log_signature);
  return h;
}

Result<EseCheckpointHeader> parse_ese_checkpoint_header(const std::uint8_t* data, std::size_t size) {
  if (Status s = check_common(data, size, k_type_checkpoint, "checkpoint"); !s) return s;
  EseCheckpointHeader h;
  h.generation = get32(data, chk::generation);
  if (Status s = check_generation(h.generation, "the checkpoint"); !s) return s;
  h.log_signature = get_signature(data, chk::log_signature);
  return h;
}

void reseal_ese_header(EseHeaderBytes& h) { put32(h, 0, ese_header_checksum(h.data())); }

EseHeaderBytes write_ese_database_header(const EseDatabaseHeader& h) {
  EseHeaderBytes b{};
  put32(b, db::magic, k_ese_magic);
  put32(b, db::version, h.format_version);
  put_signature(b, db::db_signature, h.db_signature);
  put32(b, db::state, static_cast<std::uint32_t>(h.state));
  put_signature(b, db::log_signature, h.log_signature);
  put32(b, db::revision, h.format_revision);
  put32(b, db::page_size, h.page_size);
  put32(b, db::gen_min_required, h.required_low);
  put32(b, db::gen_max_required, h.required_high);
  put32(b, k_filetype, k_type_database);
  reseal_ese_header(b);
  return b;
}

EseHeaderBytes write_ese_log_header(const EseLogHeader& h) {
  EseHeaderBytes b{};
  put32(b, lg::generation, h.generation);
  put16(b, 8, 512);                                    // bytes per sector
  put16(b, lg::page_size, h.page_size >= 65536 ? 0 : h.page_size);
  put32(b, lg::major, h.format_major);
  put32(b, lg::minor, h.format_minor);
  put_signature(b, lg::log_signature, h.log_signature);
  put32(b, k_filetype, k_type_log);
  reseal_ese_header(b);
  return b;
}

EseHeaderBytes write_ese_checkpoint_header(const EseCheckpointHeader& h) {
  EseHeaderBytes b{};
  put32(b, chk::generation, h.generation);
  put_signature(b, chk::log_signature, h.log_signature);
  put32(b, k_filetype, k_type_checkpoint);
  reseal_ese_header(b);
  return b;
}

bool parse_ese_log_name(std::string_view file_name, std::uint32_t& generation) {
  const std::string lower = to_lower_ascii(file_name);
  if (lower.size() < 3 + 1 + 4 || !starts_with(lower, "edb") || !ends_with(lower, ".log")) return false;
  const std::string hex = lower.substr(3, lower.size() - 7);
  if (hex.empty() || hex.size() > 8) return false;
  std::uint64_t v = 0;
  for (char c : hex) {
    if (c >= '0' && c <= '9') {
      v = v * 16 + static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = v * 16 + static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
  }
  generation = static_cast<std::uint32_t>(v);
  return true;
}

std::string ese_log_name(std::uint32_t generation) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "edb%05X.log", generation);
  return buf;
}

}  // namespace adrestore::backup
