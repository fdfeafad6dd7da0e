// Benchmark of files.copy (doc/benchmarks.md, "restore copy"): copies a generated backup set
// with the copy engine (hashing, per-chunk flushes and journal records included) and with
// `cp` + `sync FILES` in the same run, and reports GB/s, the ratio and the engine's peak RSS.
// Also measures the journal's append+fsync cost per record.
//
//   adrestore_bench_restore_copy [--scratch DIR] [--size 2Gi] [--files 4] [--chunk 64Mi] [--buffer 2Mi]
//                [--buffers 8] [--reps 2] [--journal-records 500] [--whole-file hash|chunks]
//                [--direct on|off] [--map on|off]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "base/text.h"
#include "exec/file_copy.h"
#include "exec/journal.h"
#include "sim/sim_disks.h"
#include "platform/sha256.h"

extern char** environ;

using namespace adrestore;
namespace fs = std::filesystem;

namespace {

struct Options {
  std::string scratch = "bench/.scratch/restore-copy";
  std::uint64_t size = 2ULL << 30;
  int files = 4;
  std::uint64_t chunk = 64ULL << 20;
  std::uint64_t buffer = 2ULL << 20;
  std::uint64_t buffers = 8;
  int reps = 2;
  int journal_records = 500;
  exec::WholeFileCheck whole_file = exec::WholeFileCheck::hash;
  bool direct = true;
  bool map = true;
};

double now_s() {
  using namespace std::chrono;
  return duration_cast<duration<double>>(steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "restore_copy: %s\n", msg.c_str());
  std::exit(1);
}

int run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) die("cannot run " + argv[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Deterministic incompressible bytes (xorshift64*), fast enough not to dominate setup.
void fill(std::vector<char>& buf, std::uint64_t& state) {
  for (std::size_t i = 0; i + 8 <= buf.size(); i += 8) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    const std::uint64_t v = state * 2685821657736338717ULL;
    std::memcpy(buf.data() + i, &v, 8);
  }
}

std::vector<exec::CopyItem> prepare(const Options& o, const fs::path& world) {
  const fs::path backup = world / "fs/D/backup";
  fs::create_directories(backup);
  std::vector<exec::CopyItem> items;
  const std::uint64_t db = o.files > 1 ? o.size * 7 / 10 : o.size;
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  std::vector<char> buf(8 << 20);
  for (int i = 0; i < o.files; ++i) {
    exec::CopyItem item;
    item.name = i == 0 ? "ntds.dit" : "edb0000" + std::to_string(i) + ".log";
    item.size = i == 0 ? db : (o.size - db) / static_cast<std::uint64_t>(o.files - 1);
    item.source = *WinPath::parse("D:\\backup\\" + item.name);
    item.destination = *WinPath::parse("E:\\NTDS\\" + item.name);
    item.chunk_size = o.chunk;
    const std::string path = (backup / item.name).string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) die("cannot create " + path);
    platform::Sha256 whole;
    platform::Sha256 chunk;
    std::uint64_t in_chunk = 0;
    for (std::uint64_t done = 0; done < item.size;) {
      fill(buf, state);
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), item.size - done));
      if (::write(fd, buf.data(), n) != static_cast<ssize_t>(n)) die("cannot write " + path);
      whole.update(buf.data(), n);
      for (std::size_t off = 0; off < n;) {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n - off, o.chunk - in_chunk));
        chunk.update(buf.data() + off, take);
        off += take;
        in_chunk += take;
        if (in_chunk == o.chunk) {
          item.chunk_sha256.push_back(chunk.finish());
          in_chunk = 0;
        }
      }
      done += n;
    }
    if (in_chunk > 0) item.chunk_sha256.push_back(chunk.finish());
    item.sha256 = whole.finish();
    ::fsync(fd);
    ::close(fd);
    items.push_back(std::move(item));
  }
  return items;
}

struct EngineRun {
  double seconds = 0;
  long max_rss_kib = 0;
  int records = 0;
  double cpu_seconds = 0;  // user + system, all threads
};

double cpu_of(const rusage& ru) {
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Runs the engine in a fresh child process, so its peak RSS is the copy's alone.
EngineRun engine_copy(const Options& o, const fs::path& world, const fs::path& state,
                      const std::vector<exec::CopyItem>& items) {
  int p[2];
  if (::pipe(p) != 0) die("pipe");
  const pid_t pid = ::fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    ::close(p[0]);
    sim::SimDisks disks(world.string());
    fs::create_directories(state);
    auto j = exec::JournalWriter::create(state.string());
    if (!j) ::_exit(2);
    (void)(*j)->append(exec::RunStarted{"bench", "", std::string(64, '0'), "bench", "bench", "sim", "", "DC01", ""});
    (void)(*j)->append(exec::StepStarted{"files.copy", 1});
    exec::CopyCallbacks cb;
    cb.chunk_verified = [&j](const exec::CopyItem& item, std::uint64_t off, std::uint64_t chunk) {
      auto r = (*j)->append(exec::FileProgress{item.destination.str(), off, chunk});
      return r ? Status::ok() : r.status();
    };
    cb.file_done = [&j](const exec::CopyItem& item) {
      auto r = (*j)->append(exec::FileDone{item.destination.str(), item.size, platform::to_hex(item.sha256)});
      return r ? Status::ok() : r.status();
    };
    exec::CopyOptions co;
    co.buffer_size = static_cast<std::size_t>(o.buffer);
    co.buffers = static_cast<std::size_t>(o.buffers);
    co.whole_file = o.whole_file;
    co.direct_writes = o.direct;
    co.map_source = o.map;
    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    const double cpu_before = cpu_of(before);
    const double t0 = now_s();
    Status s = exec::copy_files(disks, items, cb, co);
    const double t1 = now_s();
    if (!s) {
      std::fprintf(stderr, "restore_copy: engine: %s\n", s.message().c_str());
      ::_exit(3);
    }
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    EngineRun r{t1 - t0, ru.ru_maxrss, static_cast<int>((*j)->next_seq() - 1), cpu_of(ru) - cpu_before};
    if (::write(p[1], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) ::_exit(4);
    ::_exit(0);
  }
  ::close(p[1]);
  EngineRun r;
  const bool got = ::read(p[0], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) die("the engine run failed");
  return r;
}

// Wall seconds; `cpu` gets the CPU seconds cp and sync used.
double cp_copy(const fs::path& world, const fs::path& dest, const std::vector<exec::CopyItem>& items, double& cpu) {
  fs::create_directories(dest);
  std::vector<std::string> cp{"cp"};
  std::vector<std::string> sync{"sync"};
  for (const exec::CopyItem& i : items) {
    cp.push_back((world / "fs/D/backup" / i.name).string());
    sync.push_back((dest / i.name).string());
  }
  cp.push_back(dest.string() + "/");
  sync.push_back(dest.string());
  rusage before{};
  ::getrusage(RUSAGE_CHILDREN, &before);
  const double t0 = now_s();
  if (run(cp) != 0) die("cp failed");
  if (run(sync) != 0) die("sync failed");
  const double t1 = now_s();
  rusage after{};
  ::getrusage(RUSAGE_CHILDREN, &after);
  cpu = cpu_of(after) - cpu_of(before);
  return t1 - t0;
}

void journal_bench(const Options& o, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto j = exec::JournalWriter::create(dir.string());
  if (!j) die(j.status().message());
  (void)(*j)->append(exec::RunStarted{"bench", "", std::string(64, '0'), "bench", "bench", "sim", "", "DC01", ""});
  std::vector<double> us;
  for (int i = 0; i < o.journal_records; ++i) {
    const double t0 = now_s();
    auto r = (*j)->append(exec::FileProgress{"E:\\NTDS\\ntds.dit", (static_cast<std::uint64_t>(i) + 1) << 26,
                                             static_cast<std::uint64_t>(i)});
    us.push_back((now_s() - t0) * 1e6);
    if (!r) die(r.status().message());
  }
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  std::printf("journal append+fsync: %d records, mean %.0f us, p50 %.0f us, p99 %.0f us, max %.0f us\n",
              o.journal_records, sum / static_cast<double>(us.size()), us[us.size() / 2], us[us.size() * 99 / 100],
              us.back());
}

std::uint64_t size_arg(const char* s) {
  auto v = parse_size(s);
  if (!v) die(std::string("not a size: ") + s);
  return *v;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--scratch") o.scratch = v;
    else if (a == "--size") o.size = size_arg(v);
    else if (a == "--files") o.files = std::max(1, std::atoi(v));
    else if (a == "--chunk") o.chunk = size_arg(v);
    else if (a == "--buffer") o.buffer = size_arg(v);
    else if (a == "--buffers") o.buffers = size_arg(v);
    else if (a == "--reps") o.reps = std::max(1, std::atoi(v));
    else if (a == "--journal-records") o.journal_records = std::max(1, std::atoi(v));
    else if (a == "--direct") o.direct = std::string(v) != "off";
    else if (a == "--map") o.map = std::string(v) != "off";
    else if (a == "--whole-file") o.whole_file = std::string(v) == "chunks" ? exec::WholeFileCheck::chunks : exec::WholeFileCheck::hash;
    else die("unknown option " + a);
    ++i;
  }
  const fs::path scratch = fs::absolute(o.scratch);
  const fs::path world = scratch / "world";
  fs::remove_all(scratch);
  std::printf(
      "preparing %s in %d file(s) under %s (chunk %s, buffers %llu x %s, whole-file check: %s, direct writes: %s, "
      "mapped source: %s)\n",
      format_bytes(o.size).c_str(), o.files, scratch.string().c_str(), format_bytes(o.chunk).c_str(),
      static_cast<unsigned long long>(o.buffers), format_bytes(o.buffer).c_str(),
      o.whole_file == exec::WholeFileCheck::hash ? "hash" : "chunks", o.direct ? "on" : "off", o.map ? "on" : "off");
  const std::vector<exec::CopyItem> items = prepare(o, world);
  std::uint64_t total = 0;
  for (const auto& i : items) total += i.size;
  double best_cp = 1e30;
  double best_engine = 1e30;
  long rss = 0;
  for (int rep = 0; rep < o.reps; ++rep) {
    // Alternate the order so neither side always runs on a warmer cache.
    for (int k = 0; k < 2; ++k) {
      if ((k == 0) == (rep % 2 == 0)) {
        fs::remove_all(scratch / "cp-dest");
        double cpu = 0;
        const double s = cp_copy(world, scratch / "cp-dest", items, cpu);
        fs::remove_all(scratch / "cp-dest");
        best_cp = std::min(best_cp, s);
        std::printf("rep %d  cp + sync      %6.2f s  %5.2f GB/s  cpu %.2f s\n", rep + 1, s,
                    static_cast<double>(total) / s / 1e9, cpu);
      } else {
        fs::remove_all(world / "fs/E");
        fs::remove_all(scratch / "state");
        const EngineRun r = engine_copy(o, world, scratch / "state", items);
        fs::remove_all(world / "fs/E");
        best_engine = std::min(best_engine, r.seconds);
        rss = std::max(rss, r.max_rss_kib);
        std::printf("rep %d  adrestore copy %6.2f s  %5.2f GB/s  cpu %.2f s  peak RSS %.1f MiB  %d journal records\n",
                    rep + 1, r.seconds, static_cast<double>(total) / r.seconds / 1e9, r.cpu_seconds,
                    static_cast<double>(r.max_rss_kib) / 1024, r.records);
      }
    }
  }
  std::printf("best: cp + sync %.2f GB/s, adrestore %.2f GB/s, ratio %.2f (target >= 0.85); peak RSS %.1f MiB "
              "(target < 64 MiB)\n",
              static_cast<double>(total) / best_cp / 1e9, static_cast<double>(total) / best_engine / 1e9,
              best_cp / best_engine, static_cast<double>(rss) / 1024);
  journal_bench(o, scratch / "journal-bench");
  fs::remove_all(scratch);
  std::fflush(stdout);
  return 0;
}
