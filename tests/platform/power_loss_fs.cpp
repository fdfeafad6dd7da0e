#include "platform/power_loss_fs.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace adrestore::testing {

// Every call of a file opened here goes to the PowerLossFs, under its lock. Reads and writes
// use explicit offsets, so the position is kept here (m_pos).
class PowerLossFs::TrackedFile : public platform::File {
 public:
  TrackedFile(PowerLossFs& fs, std::unique_ptr<platform::File> inner, std::string path, int inode, int generation)
      : m_fs(fs), m_inner(std::move(inner)), m_path(std::move(path)), m_inode(inode), m_generation(generation) {}

  Result<std::size_t> read(void* buf, std::size_t n) override {
    auto r = pread(buf, n, m_pos);
    if (r) m_pos += *r;
    return r;
  }
  Result<std::size_t> pread(void* buf, std::size_t n, std::uint64_t off) override {
    {
      std::lock_guard<std::mutex> hold(m_fs.m_mu);
      if (Status s = m_fs.file_alive(m_generation); !s) return s;
    }
    return m_inner->pread(buf, n, off);
  }
  Status write_all(const void* buf, std::size_t n) override {
    Status s = pwrite_all(buf, n, m_pos);
    if (s) m_pos += n;
    return s;
  }
  Status pwrite_all(const void* buf, std::size_t n, std::uint64_t off) override {
    if (m_inode < 0) return Status::error(Code::internal, m_path + " was opened for reading");
    return m_fs.file_write(m_inode, m_generation, m_path, off, static_cast<const char*>(buf), n, *m_inner);
  }
  Status sync() override {
    if (m_inode < 0) return Status::ok();
    return m_fs.file_sync(m_inode, m_generation, m_path, *m_inner);
  }
  Status truncate(std::uint64_t size) override {
    if (m_inode < 0) return Status::error(Code::internal, m_path + " was opened for reading");
    return m_fs.file_truncate(m_inode, m_generation, size, *m_inner);
  }
  Result<std::uint64_t> size() override {
    {
      std::lock_guard<std::mutex> hold(m_fs.m_mu);
      if (Status s = m_fs.file_alive(m_generation); !s) return s;
    }
    return m_inner->size();
  }
  void seek(std::uint64_t pos) { m_pos = pos; }
  Status close() override {
    {
      std::lock_guard<std::mutex> hold(m_fs.m_mu);
      if (Status s = m_fs.file_alive(m_generation); !s) return s;
    }
    return m_inner->close();
  }

 private:
  PowerLossFs& m_fs;
  std::unique_ptr<platform::File> m_inner;
  std::string m_path;
  int m_inode;  // -1: opened for reading
  int m_generation;
  std::uint64_t m_pos = 0;
};

namespace {

void apply(std::string& content, std::uint64_t off, const std::string& bytes) {
  const std::size_t at = static_cast<std::size_t>(off);
  if (content.size() < at + bytes.size()) content.resize(at + bytes.size(), '\0');
  content.replace(at, bytes.size(), bytes);
}

Status write_whole(platform::FileSystem& fs, const std::string& path, const std::string& content) {
  auto f = fs.open(path, platform::File::Mode::write_truncate);
  if (!f) return f.status();
  Status s = (*f)->write_all(content.data(), content.size());
  if (s) s = (*f)->sync();
  if (s) s = (*f)->close();
  return s;
}

}  // namespace

PowerLossFs::PowerLossFs(platform::FileSystem& inner, std::string root) : m_inner(inner) { m_root = norm(root); }

std::string PowerLossFs::norm(const std::string& path) const {
  std::string p = std::filesystem::path(path).lexically_normal().generic_string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

bool PowerLossFs::tracked(const std::string& p) const {
  if (p != m_root && p.compare(0, m_root.size() + 1, m_root + "/") != 0) return false;
  return !(untracked && untracked(p));
}

Status PowerLossFs::gone() const { return Status::error(Code::io, "the power is gone (simulated power loss)"); }

Status PowerLossFs::file_alive(int generation) const {
  if (m_dead || generation != m_generation) return gone();
  return Status::ok();
}

void PowerLossFs::cut_at_sync(std::uint64_t n) {
  std::lock_guard<std::mutex> hold(m_mu);
  m_cut_sync = n;
}

void PowerLossFs::cut_at_write(std::string path_part, std::uint64_t offset) {
  std::lock_guard<std::mutex> hold(m_mu);
  m_cut_part = std::move(path_part);
  m_cut_offset = offset;
}

bool PowerLossFs::dead() const {
  std::lock_guard<std::mutex> hold(m_mu);
  return m_dead;
}

std::uint64_t PowerLossFs::sync_count() const {
  std::lock_guard<std::mutex> hold(m_mu);
  return m_syncs;
}

std::vector<std::string> PowerLossFs::sync_log() const {
  std::lock_guard<std::mutex> hold(m_mu);
  return m_sync_log;
}

int PowerLossFs::inode_at(const std::string& path) {
  auto it = m_paths.find(path);
  if (it != m_paths.end()) return it->second;
  const int id = m_next_inode++;
  auto info = m_inner.stat(path);
  m_inodes[id].directory = info && info->type == platform::FileType::directory;
  m_paths[path] = id;
  return id;
}

void PowerLossFs::keep_content(int inode, const std::string& path) {
  Inode& n = m_inodes[inode];
  if (n.directory || n.durable || !n.pending.empty()) return;
  auto text = platform::read_file(m_inner, path, std::size_t{1} << 32);
  n.durable = text ? *text : std::string();
}

std::string PowerLossFs::live_path_of(int inode, const std::string& fallback) const {
  for (const auto& [path, id] : m_paths) {
    if (id == inode) return path;
  }
  return fallback;
}

void PowerLossFs::touch_dir(const std::string& dir) {
  if (!tracked(dir) || m_dirty_dirs.count(dir)) return;
  Entries entries;
  if (auto names = m_inner.list(dir)) {
    for (const std::string& name : *names) entries[name] = inode_at(platform::join_path(dir, name));
  }
  m_dirty_dirs[dir] = std::move(entries);
}

Status PowerLossFs::sync_point(const std::string& what) {
  ++m_syncs;
  m_sync_log.push_back(what);
  if (m_cut_sync && m_syncs == *m_cut_sync) {
    m_dead = true;
    return gone();
  }
  return Status::ok();
}

Status PowerLossFs::file_write(int inode, int generation, const std::string& path, std::uint64_t off, const char* p,
                               std::size_t n, platform::File& inner) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (Status s = file_alive(generation); !s) return s;
  keep_content(inode, live_path_of(inode, path));
  std::size_t take = n;
  const bool cut = m_cut_offset && path.find(m_cut_part) != std::string::npos && off + n > *m_cut_offset;
  if (cut) take = off >= *m_cut_offset ? 0 : static_cast<std::size_t>(*m_cut_offset - off);
  if (take > 0) {
    if (Status s = inner.pwrite_all(p, take, off); !s) return s;
    m_inodes[inode].pending.push_back({off, std::string(p, take), std::nullopt});
  }
  if (cut) {
    m_dead = true;
    return gone();
  }
  return Status::ok();
}

Status PowerLossFs::file_truncate(int inode, int generation, std::uint64_t size, platform::File& inner) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (Status s = file_alive(generation); !s) return s;
  keep_content(inode, live_path_of(inode, {}));
  Inode& n = m_inodes[inode];
  if (Status s = inner.truncate(size); !s) return s;
  n.pending.push_back({0, {}, size});
  return Status::ok();
}

Status PowerLossFs::file_sync(int inode, int generation, const std::string& path, platform::File& inner) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (Status s = file_alive(generation); !s) return s;
  if (Status s = sync_point("file " + path); !s) return s;
  if (pass_syncs) {
    if (Status s = inner.sync(); !s) return s;
  }
  Inode& n = m_inodes[inode];
  n.durable.reset();
  n.pending.clear();
  return Status::ok();
}

Result<std::unique_ptr<platform::File>> PowerLossFs::open(const std::string& path, platform::File::Mode mode) {
  using OpenMode = platform::File::Mode;
  {
    std::lock_guard<std::mutex> hold(m_mu);
    if (m_dead) return gone();
    const std::string p = norm(path);
    if (!tracked(p)) return m_inner.open(path, mode);
    if (mode == OpenMode::read) {
      auto f = m_inner.open(path, mode);
      if (!f) return f.status();
      return std::unique_ptr<platform::File>(new TrackedFile(*this, std::move(*f), p, -1, m_generation));
    }
  }
  // Appends are modelled as writes at the end: the inner file is opened for writing at
  // offsets (pwrite on an O_APPEND descriptor ignores its offset on Linux).
  const bool append = mode == OpenMode::append;
  auto f = open_tracked(path, mode == OpenMode::write_truncate,
                        [&] { return m_inner.open(path, append ? OpenMode::read_write : mode); });
  if (f && *f && append) {
    auto size = (*f)->size();
    if (!size) return size.status();
    static_cast<TrackedFile&>(**f).seek(*size);
  }
  return f;
}

Result<std::unique_ptr<platform::File>> PowerLossFs::open_locked(const std::string& path) {
  {
    std::lock_guard<std::mutex> hold(m_mu);
    if (m_dead) return gone();
    if (!tracked(norm(path))) return m_inner.open_locked(path);
  }
  return open_tracked(path, false, [&] { return m_inner.open_locked(path); });
}

Result<std::unique_ptr<platform::File>> PowerLossFs::open_tracked(
    const std::string& path, bool truncates, const std::function<Result<std::unique_ptr<platform::File>>()>& opener) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  const std::string p = norm(path);
  auto before = m_inner.stat(p);
  const bool existed = before && before->type != platform::FileType::missing;
  // Before the inner open creates or truncates it: the folder's entries and the old content.
  if (!existed) touch_dir(platform::parent_dir(p));
  if (existed && truncates) keep_content(inode_at(p), p);
  auto f = opener();
  if (!f) return f.status();
  if (!*f) return f;  // a lock held elsewhere: nothing changed
  int id = 0;
  if (existed) {
    id = inode_at(p);
    if (truncates) m_inodes[id].pending.push_back({0, {}, std::uint64_t{0}});
  } else {
    id = m_next_inode++;
    m_inodes[id].durable = std::string();  // a new file's durable content, once its name is durable
    m_paths[p] = id;
  }
  return std::unique_ptr<platform::File>(new TrackedFile(*this, std::move(*f), p, id, m_generation));
}

Result<platform::FileInfo> PowerLossFs::stat(const std::string& path) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  return m_inner.stat(path);
}

Result<std::vector<std::string>> PowerLossFs::list(const std::string& dir) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  return m_inner.list(dir);
}

Status PowerLossFs::rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  const std::string a = norm(from);
  const std::string b = norm(to);
  if (!tracked(a) && !tracked(b)) return m_inner.rename(from, to);
  touch_dir(platform::parent_dir(a));
  touch_dir(platform::parent_dir(b));
  const int id = inode_at(a);
  auto victim = m_inner.stat(b);
  if (victim && victim->type != platform::FileType::missing) keep_content(inode_at(b), b);
  if (Status s = m_inner.rename(from, to); !s) return s;
  // The entry and, for a directory, every path under it now live under the new name.
  std::map<std::string, int> moved;
  for (auto it = m_paths.begin(); it != m_paths.end();) {
    if (it->first == b || it->first.compare(0, b.size() + 1, b + "/") == 0) {
      it = m_paths.erase(it);
    } else if (it->first == a || it->first.compare(0, a.size() + 1, a + "/") == 0) {
      moved[b + it->first.substr(a.size())] = it->second;
      it = m_paths.erase(it);
    } else {
      ++it;
    }
  }
  m_paths.insert(moved.begin(), moved.end());
  m_paths[b] = id;
  return Status::ok();
}

Status PowerLossFs::sync_dir(const std::string& dir) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  const std::string d = norm(dir);
  if (!tracked(d)) return m_inner.sync_dir(dir);
  if (Status s = sync_point("dir " + d); !s) return s;
  if (pass_syncs) {
    if (Status s = m_inner.sync_dir(dir); !s) return s;
  }
  commit_renames(d);
  m_dirty_dirs.erase(d);
  return Status::ok();
}

// A rename between two directories is one metadata operation (journaling file systems
// and NTFS commit it whole): once either directory is synced, the entry has left the one
// and arrived in the other.
void PowerLossFs::commit_renames(const std::string& dir) {
  auto synced = m_dirty_dirs.find(dir);
  for (auto& [other, entries] : m_dirty_dirs) {
    if (other == dir) continue;
    for (auto it = entries.begin(); it != entries.end();) {
      const std::string live = live_path_of(it->second, {});
      const bool moved_here = !live.empty() && platform::parent_dir(live) == dir;
      it = moved_here ? entries.erase(it) : std::next(it);
    }
    if (synced == m_dirty_dirs.end()) continue;
    for (const auto& [name, id] : synced->second) {
      const std::string live = live_path_of(id, {});
      if (!live.empty() && platform::parent_dir(live) == other) entries[live.substr(other.size() + 1)] = id;
    }
  }
}

Status PowerLossFs::make_dir(const std::string& path) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  const std::string p = norm(path);
  if (!tracked(p)) return m_inner.make_dir(path);
  auto before = m_inner.stat(p);
  const bool existed = before && before->type != platform::FileType::missing;
  if (!existed) touch_dir(platform::parent_dir(p));
  if (Status s = m_inner.make_dir(path); !s) return s;
  if (!existed) {
    const int id = m_next_inode++;
    m_inodes[id].directory = true;
    m_paths[p] = id;
  }
  return Status::ok();
}

Status PowerLossFs::remove(const std::string& path) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  const std::string p = norm(path);
  if (!tracked(p)) return m_inner.remove(path);
  touch_dir(platform::parent_dir(p));
  keep_content(inode_at(p), p);
  if (Status s = m_inner.remove(path); !s) return s;
  m_paths.erase(p);
  return Status::ok();
}

Result<std::uint64_t> PowerLossFs::free_bytes(const std::string& path) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  return m_inner.free_bytes(path);
}

Status PowerLossFs::check_movable(const std::string& path) {
  std::lock_guard<std::mutex> hold(m_mu);
  if (m_dead) return gone();
  return m_inner.check_movable(path);
}

std::string PowerLossFs::crash_content(int inode, const std::string& live_path, Mode mode) {
  const Inode& n = m_inodes[inode];
  std::string content;
  if (n.durable) {
    content = *n.durable;
  } else if (!live_path.empty()) {
    auto text = platform::read_file(m_inner, live_path, std::size_t{1} << 32);
    if (text) content = *text;
  }
  if (mode == Mode::lose || n.pending.empty()) return content;
  // Torn: the unsynced writes but the last persist in order; of the last, the sectors that
  // end by its middle.
  for (std::size_t i = 0; i < n.pending.size(); ++i) {
    const Write& w = n.pending[i];
    if (w.truncate_to) {
      content.resize(static_cast<std::size_t>(*w.truncate_to), '\0');
      continue;
    }
    if (i + 1 < n.pending.size()) {
      apply(content, w.offset, w.bytes);
      continue;
    }
    const std::uint64_t end = (w.offset + w.bytes.size() / 2) / k_sector * k_sector;
    if (end > w.offset) apply(content, w.offset, w.bytes.substr(0, static_cast<std::size_t>(end - w.offset)));
  }
  return content;
}

Status PowerLossFs::power_cut(Mode mode) {
  std::lock_guard<std::mutex> hold(m_mu);
  std::map<int, std::string> live;
  for (const auto& [path, id] : m_paths) live[id] = path;
  // 1. What each affected file holds after the cut, read before anything changes.
  std::map<int, std::string> content;
  auto need = [&](int id) {
    if (content.count(id) || m_inodes[id].directory) return;
    auto it = live.find(id);
    content[id] = crash_content(id, it == live.end() ? std::string() : it->second, mode);
  };
  for (const auto& [id, n] : m_inodes) {
    if (n.durable || !n.pending.empty()) need(id);
  }
  for (const auto& [dir, entries] : m_dirty_dirs) {
    for (const auto& [name, id] : entries) need(id);
  }
  // 2. Each directory changed since its last sync gets back its durable entries (parents
  // first: a directory whose own entry is undone goes with everything in it).
  std::set<std::string> written;
  for (const auto& [dir, entries] : m_dirty_dirs) {
    auto info = m_inner.stat(dir);
    if (!info || info->type != platform::FileType::directory) continue;
    auto names = m_inner.list(dir);
    if (!names) return names.status();
    for (const std::string& name : *names) {
      const std::string p = platform::join_path(dir, name);
      auto at = m_paths.find(p);
      if (at == m_paths.end()) continue;  // made behind this file system's back (a child process)
      auto want = entries.find(name);
      if (want != entries.end() && at != m_paths.end() && at->second == want->second) continue;
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
      if (ec) return Status::error(Code::io, "power cut: cannot remove " + p + ": " + ec.message());
    }
    for (const auto& [name, id] : entries) {
      const std::string p = platform::join_path(dir, name);
      auto now = m_inner.stat(p);
      if (now && now->type != platform::FileType::missing) continue;
      if (m_inodes[id].directory) {
        if (Status s = m_inner.make_dir(p); !s) return s;
        continue;
      }
      if (Status s = write_whole(m_inner, p, content[id]); !s) return s;
      written.insert(p);
    }
  }
  // 3. Files that kept their names lose (or tear) their unsynced data.
  for (const auto& [id, text] : content) {
    auto it = live.find(id);
    if (it == live.end() || written.count(it->second)) continue;
    auto now = m_inner.stat(it->second);
    if (!now || now->type != platform::FileType::regular) continue;
    if (Status s = write_whole(m_inner, it->second, text); !s) return s;
  }
  m_paths.clear();
  m_inodes.clear();
  m_dirty_dirs.clear();
  ++m_generation;
  m_dead = false;
  m_cut_sync.reset();
  m_cut_offset.reset();
  m_cut_part.clear();
  m_syncs = 0;
  m_sync_log.clear();
  return Status::ok();
}

}  // namespace adrestore::testing
