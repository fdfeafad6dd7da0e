#include "sim/content.h"

#include <cctype>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "backup/ese_header.h"
#include "base/text.h"

namespace adrestore::sim {
namespace {

constexpr std::size_t k_io_chunk = 1 << 20;
constexpr std::size_t k_text_offset = backup::k_ese_header_bytes;  // the text follows the ESE header
static_assert(k_text_offset < k_header_bytes);

const char* kind_word(SimFileKind k) {
  switch (k) {
    case SimFileKind::database:
      return "database";
    case SimFileKind::log:
      return "log";
    case SimFileKind::checkpoint:
      return "checkpoint";
  }
  return "database";
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t seed_of(const SimFileSpec& s) {
  return fnv1a(std::string(kind_word(s.kind)) + ":" + to_lower_ascii(s.dc) + ":" + std::to_string(s.generation));
}

std::string header_text(const SimFileSpec& s) {
  char seed[32];
  std::snprintf(seed, sizeof seed, "%016llx", static_cast<unsigned long long>(seed_of(s)));
  std::string h = std::string("ADRESTORE-SIM ") + kind_word(s.kind) + "\n";
  h += "dc: " + s.dc + "\n";
  h += "generation: " + std::to_string(s.generation) + "\n";
  h += "size: " + std::to_string(s.size) + "\n";
  h += std::string("seed: ") + seed + "\n";
  h += "This file stands for a domain controller's file in an adrestore simulated world.\n";
  return h;
}

// Fills buf with the file's bytes from `offset` on (offset >= k_header_bytes).
void fill_pattern(std::uint64_t seed, std::uint64_t offset, unsigned char* buf, std::size_t n) {
  for (std::size_t i = 0; i < n;) {
    const std::uint64_t o = offset + i;
    const std::uint64_t word = splitmix(seed ^ (o / 8));
    const std::size_t lane = static_cast<std::size_t>(o % 8);
    const std::size_t take = std::min<std::size_t>(8 - lane, n - i);
    for (std::size_t k = 0; k < take; ++k) buf[i + k] = static_cast<unsigned char>(word >> (8 * (lane + k)));
    i += take;
  }
}

// The NetBIOS name in an ESE signature: the DC's first label, upper case.
std::string netbios_of(const std::string& dc) {
  std::string name = dc.substr(0, dc.find('.'));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

backup::EseHeaderBytes ese_header(const SimFileSpec& s) {
  const backup::EseSignature log_sign = sim_log_signature(s.dc);
  switch (s.kind) {
    case SimFileKind::database: {
      backup::EseDatabaseHeader h;
      h.db_signature = sim_db_signature(s.dc);
      h.log_signature = log_sign;
      return backup::write_ese_database_header(h);
    }
    case SimFileKind::log: {
      backup::EseLogHeader h;
      h.generation = std::max<std::uint32_t>(s.generation, 1);
      h.log_signature = log_sign;
      return backup::write_ese_log_header(h);
    }
    case SimFileKind::checkpoint: {
      backup::EseCheckpointHeader h;
      h.generation = std::max<std::uint32_t>(s.generation, 1);
      h.log_signature = log_sign;
      return backup::write_ese_checkpoint_header(h);
    }
  }
  return {};
}

// An ESE header of the file's kind, then the text header at k_ese_text_offset.
std::vector<unsigned char> header_block(const SimFileSpec& s) {
  std::vector<unsigned char> block(k_header_bytes, 0);
  const backup::EseHeaderBytes ese = ese_header(s);
  std::memcpy(block.data(), ese.data(), ese.size());
  const std::string h = header_text(s);
  std::memcpy(block.data() + k_text_offset, h.data(), std::min<std::size_t>(h.size(), block.size() - k_text_offset));
  return block;
}

std::string header_value(const std::string& header, const std::string& key) {
  for (const std::string& line : split(header, '\n')) {
    if (starts_with(line, key + ": ")) return line.substr(key.size() + 2);
  }
  return {};
}

}  // namespace

backup::EseSignature sim_db_signature(const std::string& dc) {
  return backup::EseSignature::make(static_cast<std::uint32_t>(fnv1a("db:" + to_lower_ascii(dc))), netbios_of(dc));
}

backup::EseSignature sim_log_signature(const std::string& dc) {
  return backup::EseSignature::make(static_cast<std::uint32_t>(fnv1a("log:" + to_lower_ascii(dc))), netbios_of(dc));
}

std::string log_file_name(std::uint32_t generation) { return backup::ese_log_name(generation); }

bool parse_log_file_name(const std::string& name, std::uint32_t& generation) {
  const std::string lower = to_lower_ascii(name);
  if (lower.size() < 3 + 5 + 4 || !starts_with(lower, "edb") || !ends_with(lower, ".log")) return false;
  const std::string hex = lower.substr(3, lower.size() - 7);
  if (hex.size() < 5 || hex.size() > 8) return false;
  std::uint64_t v = 0;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    v = v * 16 + static_cast<std::uint64_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
  }
  if (v > 0xFFFFFFFFULL) return false;
  generation = static_cast<std::uint32_t>(v);
  return true;
}

Status write_sim_file(const std::string& host_path, const SimFileSpec& spec) {
  if (spec.size < k_min_file_bytes) {
    return Status::error(Code::invalid_input, "a simulated file needs at least " + std::to_string(k_min_file_bytes) + " bytes");
  }
  auto f = platform::File::open(host_path, platform::File::Mode::write_truncate);
  if (!f) return f.status();
  const std::vector<unsigned char> header = header_block(spec);
  if (Status s = (*f)->write_all(header.data(), header.size()); !s) return s;
  const std::uint64_t seed = seed_of(spec);
  std::vector<unsigned char> buf(k_io_chunk);
  for (std::uint64_t off = k_header_bytes; off < spec.size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), spec.size - off));
    fill_pattern(seed, off, buf.data(), n);
    if (Status s = (*f)->write_all(buf.data(), n); !s) return s;
    off += n;
  }
  if (Status s = (*f)->sync(); !s) return s;
  return (*f)->close();
}

Result<SimFileSpec> read_sim_header(const std::string& host_path) {
  auto f = platform::File::open(host_path, platform::File::Mode::read);
  if (!f) return f.status();
  std::vector<unsigned char> block(k_header_bytes - k_text_offset);
  auto n = (*f)->pread(block.data(), block.size(), k_text_offset);
  if (!n) return n.status();
  const std::string head(reinterpret_cast<const char*>(block.data()), *n);
  const std::string text = head.substr(0, head.find('\0'));
  if (!starts_with(text, "ADRESTORE-SIM ")) return Status::error(Code::corrupt, "not a file of a simulated DC (no ADRESTORE-SIM header)");
  SimFileSpec s;
  const std::string kind = text.substr(14, text.find('\n') - 14);
  if (kind == "database") {
    s.kind = SimFileKind::database;
  } else if (kind == "log") {
    s.kind = SimFileKind::log;
  } else if (kind == "checkpoint") {
    s.kind = SimFileKind::checkpoint;
  } else {
    return Status::error(Code::corrupt, "unknown simulated file kind '" + escape_for_terminal(kind) + "'");
  }
  s.dc = header_value(text, "dc");
  s.generation = static_cast<std::uint32_t>(std::strtoul(header_value(text, "generation").c_str(), nullptr, 10));
  s.size = std::strtoull(header_value(text, "size").c_str(), nullptr, 10);
  return s;
}

Status check_sim_file(const std::string& host_path, const SimFileSpec& expected) {
  auto header = read_sim_header(host_path);
  if (!header) return header.status();
  if (header->kind != expected.kind) {
    return Status::error(Code::corrupt, std::string("is a simulated ") + kind_word(header->kind) + ", not a " + kind_word(expected.kind));
  }
  if (!iequals(header->dc, expected.dc)) {
    return Status::error(Code::corrupt, "belongs to DC " + escape_for_terminal(header->dc) + ", not " + expected.dc);
  }
  if (expected.kind == SimFileKind::log && header->generation != expected.generation) {
    return Status::error(Code::corrupt, "holds log generation " + std::to_string(header->generation) + ", not " +
                                            std::to_string(expected.generation));
  }
  auto info = platform::stat_nofollow(host_path);
  if (!info) return info.status();
  if (info->size != header->size) {
    return Status::error(Code::corrupt, "is " + std::to_string(info->size) + " bytes; its header says " + std::to_string(header->size));
  }
  auto f = platform::File::open(host_path, platform::File::Mode::read);
  if (!f) return f.status();
  SimFileSpec spec = *header;
  std::vector<unsigned char> want(k_io_chunk);
  std::vector<unsigned char> got(k_io_chunk);
  const std::vector<unsigned char> head = header_block(spec);
  const std::uint64_t seed = seed_of(spec);
  for (std::uint64_t off = 0; off < spec.size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(got.size(), spec.size - off));
    auto r = (*f)->pread(got.data(), n, off);
    if (!r) return r.status();
    if (*r != n) return Status::error(Code::corrupt, "ends early at byte " + std::to_string(off + *r));
    for (std::size_t i = 0; i < n;) {
      const std::uint64_t o = off + i;
      if (o < k_header_bytes) {
        want[i] = head[static_cast<std::size_t>(o)];
        ++i;
        continue;
      }
      fill_pattern(seed, o, want.data() + i, n - i);
      break;
    }
    if (std::memcmp(want.data(), got.data(), n) != 0) {
      std::size_t i = 0;
      while (want[i] == got[i]) ++i;
      return Status::error(Code::corrupt, "byte " + std::to_string(off + i) + " differs from what the DC wrote");
    }
    off += n;
  }
  return Status::ok();
}

}  // namespace adrestore::sim
