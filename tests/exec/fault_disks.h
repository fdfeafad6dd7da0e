// A host::Disks decorator for the file restore tests: counts what is opened and read, and
// fails chosen operations (tests run as root, so permissions cannot make them fail).
#pragma once

#include <algorithm>
#include <functional>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "base/text.h"
#include "host/disks.h"

namespace adrestore::testing {

class FaultDisks : public host::Disks {
 public:
  explicit FaultDisks(host::Disks& inner) : m_inner(inner) {}

  // Return a failed Status to make the operation fail.
  std::function<Status(const WinPath&, platform::File::Mode)> on_open;
  std::function<Status(const WinPath&, const WinPath&)> on_rename;
  std::function<Status(const WinPath&)> on_remove;
  std::function<Status(const WinPath&)> on_check_movable;
  std::function<Result<std::uint64_t>(const WinPath&)> on_free_bytes;  // replaces the answer

  std::vector<std::string> opened;  // "r " or "w " + path
  // Offsets of every read of a file opened for reading, by path.
  std::vector<std::pair<std::string, std::uint64_t>> reads;

  Result<std::string> host_path(const WinPath& p) override { return m_inner.host_path(p); }
  Result<platform::FileInfo> stat(const WinPath& p) override { return m_inner.stat(p); }
  Result<std::vector<std::string>> list(const WinPath& dir) override { return m_inner.list(dir); }
  Result<std::unique_ptr<platform::File>> open(const WinPath& p, platform::File::Mode mode) override {
    if (on_open) {
      if (Status s = on_open(p, mode); !s) return s;
    }
    opened.push_back((mode == platform::File::Mode::read ? "r " : "w ") + p.str());
    auto f = m_inner.open(p, mode);
    if (!f || mode != platform::File::Mode::read) return f;
    return std::unique_ptr<platform::File>(new CountingFile(std::move(*f), p.str(), *this));
  }
  Status rename(const WinPath& from, const WinPath& to) override {
    if (on_rename) {
      if (Status s = on_rename(from, to); !s) return s;
    }
    return m_inner.rename(from, to);
  }
  Status remove(const WinPath& p) override {
    if (on_remove) {
      if (Status s = on_remove(p); !s) return s;
    }
    return m_inner.remove(p);
  }
  Status create_dirs(const WinPath& dir) override { return m_inner.create_dirs(dir); }
  Status sync_dir(const WinPath& dir) override { return m_inner.sync_dir(dir); }
  Status check_movable(const WinPath& file) override {
    if (on_check_movable) {
      if (Status s = on_check_movable(file); !s) return s;
    }
    return m_inner.check_movable(file);
  }
  Result<std::uint64_t> free_bytes(const WinPath& dir) override {
    if (on_free_bytes) return on_free_bytes(dir);
    return m_inner.free_bytes(dir);
  }

  std::uint64_t lowest_read(const std::string& path) const {
    std::uint64_t low = UINT64_MAX;
    for (const auto& r : reads) {
      if (iequals(r.first, path)) low = std::min(low, r.second);
    }
    return low;
  }
  int opens_of(const std::string& entry) const {
    int n = 0;
    for (const std::string& o : opened) n += iequals(o, entry) ? 1 : 0;
    return n;
  }

 private:
  class CountingFile : public platform::File {
   public:
    CountingFile(std::unique_ptr<platform::File> inner, std::string path, FaultDisks& owner)
        : m_file(std::move(inner)), m_path(std::move(path)), m_owner(owner) {}
    Result<std::size_t> read(void* buf, std::size_t n) override { return m_file->read(buf, n); }
    Result<std::size_t> pread(void* buf, std::size_t n, std::uint64_t off) override {
      {
        std::lock_guard<std::mutex> lock(m_owner.m_mu);
        m_owner.reads.emplace_back(m_path, off);
      }
      return m_file->pread(buf, n, off);
    }
    Status write_all(const void* buf, std::size_t n) override { return m_file->write_all(buf, n); }
    Status pwrite_all(const void* buf, std::size_t n, std::uint64_t off) override {
      return m_file->pwrite_all(buf, n, off);
    }
    Status sync() override { return m_file->sync(); }
    Status truncate(std::uint64_t size) override { return m_file->truncate(size); }
    Result<std::uint64_t> size() override { return m_file->size(); }
    Status close() override { return m_file->close(); }

   private:
    std::unique_ptr<platform::File> m_file;
    std::string m_path;
    FaultDisks& m_owner;
  };

  host::Disks& m_inner;
  std::mutex m_mu;
};

}  // namespace adrestore::testing
