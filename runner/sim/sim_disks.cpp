#include "sim/sim_disks.h"

#include <algorithm>

#include "base/text.h"

namespace adrestore::sim {
namespace {

// Wraps a file so that every write first passes the world's write gate.
class GatedFile : public platform::File {
 public:
  GatedFile(std::unique_ptr<platform::File> inner, WinPath path, SimDisks::WriteGate gate)
      : m_inner(std::move(inner)), m_path(std::move(path)), m_gate(std::move(gate)) {}
  Result<std::size_t> read(void* buf, std::size_t n) override { return m_inner->read(buf, n); }
  Result<std::size_t> pread(void* buf, std::size_t n, std::uint64_t off) override { return m_inner->pread(buf, n, off); }
  Status write_all(const void* buf, std::size_t n) override {
    if (Status s = m_gate(m_path, n); !s) return s;
    return m_inner->write_all(buf, n);
  }
  Status pwrite_all(const void* buf, std::size_t n, std::uint64_t off) override {
    if (Status s = m_gate(m_path, n); !s) return s;
    return m_inner->pwrite_all(buf, n, off);
  }
  Status sync() override { return m_inner->sync(); }
  Status truncate(std::uint64_t size) override { return m_inner->truncate(size); }
  Result<std::uint64_t> size() override { return m_inner->size(); }
  Status close() override { return m_inner->close(); }
  void advise_sequential() override { m_inner->advise_sequential(); }
  bool use_direct_writes() override { return m_inner->use_direct_writes(); }
  std::unique_ptr<platform::MappedRange> map_range(std::uint64_t off, std::size_t len) override {
    return m_inner->map_range(off, len);
  }

 private:
  std::unique_ptr<platform::File> m_inner;
  WinPath m_path;
  SimDisks::WriteGate m_gate;
};

}  // namespace

SimDisks::SimDisks(std::string world_dir, platform::FileSystem& fs) : m_world(std::move(world_dir)), m_fs(fs) {}

Result<std::string> SimDisks::host_path(const WinPath& p) {
  std::vector<std::string> parts;
  if (p.root() == WinPath::Root::drive) {
    parts.push_back(std::string(1, p.drive()));
  } else {
    parts = {"UNC", p.server(), p.share()};
  }
  parts.insert(parts.end(), p.segments().begin(), p.segments().end());
  std::string cur = platform::join_path(m_world, "fs");
  bool exists = true;
  for (const std::string& part : parts) {
    std::string chosen = part;
    if (exists) {
      // Windows names are case-insensitive: reuse an existing entry whatever its case.
      auto names = m_fs.list(cur);
      exists = false;
      if (names) {
        for (const std::string& n : *names) {
          if (n == part) {
            exists = true;
            break;
          }
        }
        if (!exists) {
          for (const std::string& n : *names) {
            if (iequals(n, part)) {
              chosen = n;
              exists = true;
              break;
            }
          }
        }
      }
    }
    cur = platform::join_path(cur, chosen);
  }
  return cur;
}

Result<platform::FileInfo> SimDisks::stat(const WinPath& p) {
  auto hp = host_path(p);
  if (!hp) return hp.status();
  return m_fs.stat(*hp);
}

Result<std::vector<std::string>> SimDisks::list(const WinPath& dir) {
  auto hp = host_path(dir);
  if (!hp) return hp.status();
  return m_fs.list(*hp);
}

Result<std::unique_ptr<platform::File>> SimDisks::open(const WinPath& p, platform::File::Mode mode) {
  auto hp = host_path(p);
  if (!hp) return hp.status();
  auto f = m_fs.open(*hp, mode);
  if (!f || !m_gate || mode == platform::File::Mode::read) return f;
  return std::unique_ptr<platform::File>(new GatedFile(std::move(*f), p, m_gate));
}

Status SimDisks::rename(const WinPath& from, const WinPath& to) {
  if (Status s = check_lock(from); !s) return s;
  auto a = host_path(from);
  if (!a) return a.status();
  auto b = host_path(to);
  if (!b) return b.status();
  return platform::rename_durable(m_fs, *a, *b);
}

Status SimDisks::remove(const WinPath& p) {
  if (Status s = check_lock(p); !s) return s;
  auto hp = host_path(p);
  if (!hp) return hp.status();
  return m_fs.remove(*hp);
}

Status SimDisks::create_dirs(const WinPath& dir) {
  auto hp = host_path(dir);
  if (!hp) return hp.status();
  return platform::create_dirs(m_fs, *hp);
}

Status SimDisks::sync_dir(const WinPath& dir) {
  auto hp = host_path(dir);
  if (!hp) return hp.status();
  return m_fs.sync_dir(*hp);
}

Status SimDisks::check_movable(const WinPath& file) {
  if (Status s = check_lock(file); !s) return s;
  auto hp = host_path(file);
  if (!hp) return hp.status();
  return m_fs.check_movable(*hp);
}

Status SimDisks::check_lock(const WinPath& file) const {
  return m_lock_check ? m_lock_check(file) : Status::ok();
}

Result<std::uint64_t> SimDisks::free_bytes(const WinPath& dir) {
  // The host's file system under the world, asked at the nearest folder that exists.
  auto hp = host_path(dir);
  if (!hp) return hp.status();
  std::string probe = *hp;
  for (;;) {
    auto st = m_fs.stat(probe);
    if (st && st->type == platform::FileType::directory) break;
    const std::string up = platform::parent_dir(probe);
    if (up == probe || probe == m_world) {
      probe = m_world;
      break;
    }
    probe = up;
  }
  auto host = m_fs.free_bytes(probe);
  if (!host) return host.status();
  std::uint64_t bytes = *host;
  if (m_space_limit) {
    if (auto limit = m_space_limit(dir)) bytes = std::min(bytes, *limit);
  }
  return bytes;
}

}  // namespace adrestore::sim
