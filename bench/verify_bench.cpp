// backup.verify benchmark driver (bench/verify.sh runs it).
//   adrestore_bench_verify make WORLD DB_MIB LOGS LOG_MIB   writes a backup set into WORLD
//   adrestore_bench_verify verify WORLD [THREADS [READ_KIB]] verifies it, prints one JSON line
//   adrestore_bench_verify hash WORLD [THREADS [READ_KIB]]   only the hashing of it (hash_files,
//       no age, structure, or header and signature checks): the floor that the rest of the
//       full check is measured against (issue 17: those checks may cost at most 5 %)
// The set is D:\Backups\DC01\bench inside the world: ntds.dit, logs/edbNNNNN.log, edb.chk,
// with 64 MiB chunks (the default), made of incompressible pseudo-random bytes after each
// file's ESE header; the manifest is signed, and `verify` trusts the key (WORLD/bench-signing.pub).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "backup/ese_header.h"
#include "backup/hash_engine.h"
#include "backup/signature.h"
#include "backup/verify.h"
#include "sim/sim_disks.h"
#include "platform/fs.h"
#include "platform/sha256.h"

using namespace adrestore;

namespace {

const char* k_source = "D:\\Backups\\DC01\\bench";

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "adrestore_bench_verify: %s\n", msg.c_str());
  std::exit(2);
}

// The ESE header each file starts with, so that the full check's ESE checks pass and are
// timed (a clean database, logs 1..N of its log stream, the checkpoint at N).
backup::EseHeaderBytes ese_header(backup::FileKind kind, std::uint32_t generation) {
  const backup::EseSignature log_sig = backup::EseSignature::make(0x5eed10, "DC01");
  if (kind == backup::FileKind::database) {
    backup::EseDatabaseHeader h;
    h.db_signature = backup::EseSignature::make(0x5eed0d, "DC01");
    h.log_signature = log_sig;
    return backup::write_ese_database_header(h);
  }
  if (kind == backup::FileKind::log) {
    backup::EseLogHeader h;
    h.generation = generation;
    h.log_signature = log_sig;
    return backup::write_ese_log_header(h);
  }
  backup::EseCheckpointHeader h;
  h.generation = generation;
  h.log_signature = log_sig;
  return backup::write_ese_checkpoint_header(h);
}

// Writes `bytes` pseudo-random bytes, after the file's ESE header, to the set file `rel`,
// hashing as it goes.
backup::ManifestFile write_file(sim::SimDisks& disks, const WinPath& source, const std::string& rel,
                                backup::FileKind kind, const std::string& original, std::uint64_t bytes,
                                std::uint64_t seed, std::uint64_t chunk_size, std::uint32_t generation) {
  const WinPath path = backup::set_file_path(source, rel);
  if (Status s = disks.create_dirs(path.parent()); !s) die(s.message());
  auto f = disks.open(path, platform::File::Mode::write_truncate);
  if (!f) die(f.status().message());
  backup::ManifestFile e;
  e.path = rel;
  e.kind = kind;
  e.original = *WinPath::parse(original);
  e.size = bytes;
  platform::Sha256 whole;
  platform::Sha256 chunk;
  std::vector<std::uint64_t> buf((4u << 20) / 8);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  std::uint64_t done = 0;
  std::uint64_t in_chunk = 0;
  while (done < bytes) {
    for (std::uint64_t& w : buf) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      w = x;
    }
    if (done == 0) {
      const backup::EseHeaderBytes h = ese_header(kind, generation);
      std::memcpy(buf.data(), h.data(), std::min<std::size_t>(h.size(), buf.size() * 8));
    }
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() * 8, bytes - done));
    const char* p = reinterpret_cast<const char*>(buf.data());
    if (Status s = (*f)->write_all(p, n); !s) die(s.message());
    whole.update(p, n);
    std::size_t off = 0;
    while (off < n) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n - off, chunk_size - in_chunk));
      chunk.update(p + off, take);
      off += take;
      in_chunk += take;
      if (in_chunk == chunk_size) {
        e.chunk_sha256.push_back(platform::to_hex(chunk.finish()));
        in_chunk = 0;
      }
    }
    done += n;
  }
  if (in_chunk > 0) e.chunk_sha256.push_back(platform::to_hex(chunk.finish()));
  e.sha256 = platform::to_hex(whole.finish());
  if (Status s = (*f)->close(); !s) die(s.message());
  return e;
}

int make(const std::string& world, std::uint64_t db_mib, int logs, std::uint64_t log_mib) {
  sim::SimDisks disks(world);
  const WinPath source = *WinPath::parse(k_source);
  backup::Manifest m;
  m.dc = "DC01.corp.example.com";
  m.created_at_unix = static_cast<std::int64_t>(std::time(nullptr));
  m.expiry_token_base64 = "AAECAwQFBgcICQ==";
  m.gen_low = 1;
  m.gen_high = static_cast<std::uint32_t>(std::max(logs, 1));  // a range is never empty; LOGS=1 for a real one
  m.locations.database_file = *WinPath::parse("C:\\Windows\\NTDS\\ntds.dit");
  m.locations.log_dir = *WinPath::parse("C:\\Windows\\NTDS");
  m.locations.checkpoint_dir = *WinPath::parse("C:\\Windows\\NTDS");
  m.files.push_back(write_file(disks, source, "ntds.dit", backup::FileKind::database, "C:\\Windows\\NTDS\\ntds.dit",
                               db_mib << 20, 1, m.chunk_size, 0));
  for (int i = 1; i <= logs; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "edb%05X.log", i);
    m.files.push_back(write_file(disks, source, std::string("logs/") + name, backup::FileKind::log,
                                 std::string("C:\\Windows\\NTDS\\") + name, log_mib << 20,
                                 static_cast<std::uint64_t>(100 + i), m.chunk_size,
                                 static_cast<std::uint32_t>(i)));
  }
  m.files.push_back(write_file(disks, source, "edb.chk", backup::FileKind::checkpoint, "C:\\Windows\\NTDS\\edb.chk",
                               8192, 7, m.chunk_size, m.gen_high));
  auto host = disks.host_path(source.child(backup::k_default_manifest_name));
  if (!host) die(host.status().message());
  const std::string manifest_text = backup::serialize_manifest(m);
  if (Status s = platform::write_file_durable(*host, manifest_text); !s) die(s.message());
  // Signed, and the key trusted by `verify` below, so the full check includes the signature.
  auto kp = platform::ed25519_generate();
  if (!kp) die(kp.status().message());
  auto sig = backup::sign_manifest(*kp, manifest_text, backup::k_default_manifest_name);
  if (!sig) die(sig.status().message());
  auto sig_host = disks.host_path(source.child(backup::signature_file_name(backup::k_default_manifest_name)));
  if (!sig_host) die(sig_host.status().message());
  if (Status s = platform::write_file_durable(*sig_host, *sig); !s) die(s.message());
  platform::PublicKeyFile pub;
  pub.key = kp->public_key;
  if (Status s = platform::write_file_durable(world + "/bench-signing.pub", platform::format_public_key_file(pub)); !s) {
    die(s.message());
  }
  return 0;
}

// Hashing alone: the manifest is read (untimed), then hash_files over every file.
backup::SetVerification hash_only(sim::SimDisks& disks, const backup::VerifyOptions& o, double& secs) {
  const WinPath source = *WinPath::parse(k_source);
  backup::ManifestRead read = backup::read_set_manifest(disks, source, backup::k_default_manifest_name);
  if (!read.manifest) die(read.message);
  std::vector<backup::HashTarget> targets;
  for (const backup::ManifestFile& f : read.manifest->files) targets.push_back({&f, backup::set_file_path(source, f.path)});
  const auto t0 = std::chrono::steady_clock::now();
  backup::HashOutcome h = backup::hash_files(disks, targets, read.manifest->chunk_size, o);
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  backup::SetVerification v;
  v.result.bytes_hashed = h.bytes_hashed;
  for (auto& list : h.problems) {
    for (backup::VerifyProblem& p : list) v.result.problems.push_back(std::move(p));
  }
  return v;
}

int verify(const std::string& world, unsigned threads, std::size_t read_kib, bool hash) {
  sim::SimDisks disks(world);
  backup::VerifyOptions o;
  o.now_unix = static_cast<std::int64_t>(std::time(nullptr));
  o.threads = threads;
  if (!hash) {
    auto text = platform::read_file(world + "/bench-signing.pub", platform::k_max_key_file_bytes);
    auto pub = text ? platform::parse_public_key_file(*text) : Result<platform::PublicKeyFile>(text.status());
    if (!pub) die("bench-signing.pub: " + pub.status().message());
    platform::TrustedKey t;
    t.fingerprint = pub->fingerprint;
    t.key = pub->key;
    t.origin = "bench";
    o.trust = std::vector<platform::TrustedKey>{t};
  }
  if (read_kib) o.read_size = read_kib << 10;
  // The engine before it hashed from a mapping: read into buffers (bench/verify.sh's "read" row).
  const char* no_map = std::getenv("ADRESTORE_BENCH_NO_MAP");
  o.map_source = !(no_map && *no_map == '1');
  double secs = 0;
  const auto t0 = std::chrono::steady_clock::now();
  backup::SetVerification v =
      hash ? hash_only(disks, o, secs)
           : backup::verify_backup_set(disks, *WinPath::parse(k_source), backup::k_default_manifest_name, o);
  if (!hash) secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  for (const backup::VerifyProblem& p : v.result.problems) std::fprintf(stderr, "problem: %s\n", p.message.c_str());
  std::printf("{\"ok\": %s, \"bytes\": %llu, \"seconds\": %.3f, \"mib_per_s\": %.1f, \"max_rss_kib\": %ld, "
              "\"user_s\": %.2f, \"sys_s\": %.2f}\n",
              v.result.ok() ? "true" : "false", static_cast<unsigned long long>(v.result.bytes_hashed), secs,
              static_cast<double>(v.result.bytes_hashed) / (1 << 20) / secs, ru.ru_maxrss,
              static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec / 1e6,
              static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec / 1e6);
  return v.result.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 5 && a[0] == "make") {
    return make(a[1], std::stoull(a[2]), std::stoi(a[3]), std::stoull(a[4]));
  }
  if (a.size() >= 2 && a.size() <= 4 && (a[0] == "verify" || a[0] == "hash")) {
    return verify(a[1], a.size() > 2 ? static_cast<unsigned>(std::stoul(a[2])) : 0,
                  a.size() > 3 ? std::stoul(a[3]) : 0, a[0] == "hash");
  }
  die("usage: make WORLD DB_MIB LOGS LOG_MIB | verify|hash WORLD [THREADS [READ_KIB]]");
}
