#include "sim/world.h"

#include <algorithm>
#include <ctime>
#include <mutex>

#include "base/text.h"
#include "platform/fs.h"
#include "sim/ese_faults.h"

namespace adrestore::sim {
namespace {

constexpr std::size_t k_keep_ended_contexts = 32;
constexpr std::size_t k_keep_leaks = 1000;

bool alive_owner(const Owner& o, const ProcessIdentity& me, std::uint64_t boot) {
  if (o.boot != boot) return false;
  if (o.pid == me.pid && o.nonce == me.nonce) return true;
  return process_alive(ProcessIdentity{o.pid, o.nonce});
}

Result<WorldState> load_state(platform::FileSystem& fs, const std::string& file) {
  auto info = fs.stat(file);
  if (!info) return info.status();
  if (info->type == platform::FileType::missing) {
    return Status::error(Code::not_found, file + ": no world here (make one with 'adrestore sim init DIR')");
  }
  if (info->type != platform::FileType::regular) return Status::error(Code::invalid_input, file + ": not a regular file");
  if (info->size > k_max_world_bytes) {
    return Status::error(Code::invalid_input, file + ": the file is " + format_bytes(info->size) +
                                                  "; a world file may hold at most " + format_bytes(k_max_world_bytes));
  }
  auto text = platform::read_file(fs, file, k_max_world_bytes);
  if (!text) return text.status();
  return parse_world_text(*text, file);
}

Status append_lines(platform::FileSystem& fs, const std::string& path, const std::vector<std::string>& lines) {
  if (lines.empty()) return Status::ok();
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  auto f = fs.open(path, platform::File::Mode::read_write);
  if (!f) return f.status();
  auto size = (*f)->size();
  if (!size) return size.status();
  if (Status s = (*f)->pwrite_all(text.data(), text.size(), *size); !s) return s;
  return (*f)->close();
}

// Finds a backup-set file by relative path or, for a bare name, by name anywhere in the set.
Result<std::string> find_backup_file(platform::FileSystem& fs, const std::string& dir, const std::string& wanted,
                                     int depth = 0) {
  std::string rel = wanted;
  std::replace(rel.begin(), rel.end(), '\\', '/');
  if (rel.find('/') != std::string::npos) {
    std::string cur = dir;
    for (const std::string& part : split(rel, '/')) {
      auto names = fs.list(cur);
      if (!names) return names.status();
      std::string found;
      for (const std::string& n : *names) {
        if (iequals(n, part)) found = n;
      }
      if (found.empty()) return Status::error(Code::not_found, "no file " + wanted + " in the backup set " + dir);
      cur = platform::join_path(cur, found);
    }
    return cur;
  }
  auto names = fs.list(dir);
  if (!names) return names.status();
  for (const std::string& n : *names) {
    const std::string p = platform::join_path(dir, n);
    auto info = fs.stat(p);
    if (info && info->type == platform::FileType::regular && iequals(n, rel)) return p;
  }
  if (depth < 4) {
    for (const std::string& n : *names) {
      const std::string p = platform::join_path(dir, n);
      auto info = fs.stat(p);
      if (!info || info->type != platform::FileType::directory) continue;
      auto r = find_backup_file(fs, p, wanted, depth + 1);
      if (r) return r;
    }
  }
  return Status::error(Code::not_found, "no file " + wanted + " in the backup set " + dir);
}

Status flip_byte(platform::FileSystem& fs, const std::string& path, std::uint64_t offset) {
  auto f = fs.open(path, platform::File::Mode::read_write);
  if (!f) return f.status();
  auto size = (*f)->size();
  if (!size) return size.status();
  if (offset >= *size) {
    return Status::error(Code::invalid_input, path + " is " + std::to_string(*size) + " bytes; byte " + std::to_string(offset) +
                                                  " is past its end");
  }
  unsigned char b = 0;
  auto n = (*f)->pread(&b, 1, offset);
  if (!n) return n.status();
  b = static_cast<unsigned char>(b ^ 0xFF);
  if (Status s = (*f)->pwrite_all(&b, 1, offset); !s) return s;
  if (Status s = (*f)->sync(); !s) return s;
  return (*f)->close();
}

// In-process state of the diskFull gate.
struct DiskGate {
  struct Entry {
    std::size_t index;  // position in world.json's fault list
    WinPath path;
    std::uint64_t limit;
    std::uint64_t written;
    bool reported;
    bool hidden;
  };
  std::mutex mutex;
  std::vector<Entry> entries;
  std::vector<WinPath> locked;  // locked faults
  std::string world_dir;
  platform::FileSystem* fs = nullptr;
};

}  // namespace

void forget_dead_processes(WorldState& w, const ProcessIdentity& me) {
  for (Context& c : w.contexts) {
    if (!c.ended.empty()) continue;
    if (c.owner.boot != w.boot_count) {
      c.ended = "restart";
    } else if (!alive_owner(c.owner, me, w.boot_count)) {
      c.ended = "process exited";
    }
    if (!c.ended.empty()) c.open_file.reset();
  }
  if (w.interlock) {
    const Context* holder = w.find_context(*w.interlock);
    if (!holder || !holder->ended.empty() || holder->completed) w.interlock.reset();
  }
  if (w.auth_identity && !alive_owner(w.auth_identity->owner, me, w.boot_count)) w.auth_identity.reset();
  std::vector<Buffer> live;
  for (Buffer& b : w.buffers) {
    if (alive_owner(b.owner, me, w.boot_count)) {
      live.push_back(std::move(b));
    } else {
      w.leaks.push_back({b.id, b.call, b.owner.pid});
      ++w.counters.leaked_buffers;
    }
  }
  w.buffers = std::move(live);
  if (w.leaks.size() > k_keep_leaks) w.leaks.erase(w.leaks.begin(), w.leaks.end() - static_cast<std::ptrdiff_t>(k_keep_leaks));
  // Keep every open context and the most recent ended ones (so a stale handle can be told
  // apart from a made-up one in calls.log for a while).
  std::size_t ended = 0;
  for (const Context& c : w.contexts) ended += c.ended.empty() ? 0 : 1;
  if (ended > k_keep_ended_contexts) {
    std::size_t drop = ended - k_keep_ended_contexts;
    std::vector<Context> kept;
    for (Context& c : w.contexts) {
      if (!c.ended.empty() && drop > 0 && (!w.interlock || *w.interlock != c.id)) {
        --drop;
        continue;
      }
      kept.push_back(std::move(c));
    }
    w.contexts = std::move(kept);
  }
}

// ---- Transaction ----

Transaction::Transaction(World& world, std::unique_ptr<FileLock> lock, WorldState state)
    : m_world(world), m_lock(std::move(lock)), m_state(std::move(state)), m_process(current_process()) {}

Transaction::~Transaction() = default;

std::int64_t Transaction::now() const { return static_cast<std::int64_t>(std::time(nullptr)) + m_state.clock_offset; }

Owner Transaction::me() const { return Owner{m_process.pid, m_process.nonce, m_state.boot_count}; }

Status Transaction::commit() {
  if (m_committed) return Status::error(Code::internal, "world transaction committed twice");
  m_committed = true;
  const nlohmann::json doc = world_to_json(m_state);
  if (Status s = check_world_json(doc, m_world.world_file()); !s) {
    return Status::error(Code::internal, "the simulator refused to write a world it could not read back:\n" + s.message());
  }
  const std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (text.size() > k_max_world_bytes) {
    return Status::error(Code::failed, m_world.world_file() + ": the world state would exceed " + format_bytes(k_max_world_bytes) +
                                           " (too many contexts, buffers or faults)");
  }
  if (Status s = platform::write_file_durable(m_world.fs(), m_world.world_file(), text); !s) return s;
  Status s = append_lines(m_world.fs(), m_world.calls_log_path(), m_lines);
  m_lock.reset();
  return s;
}

// ---- World ----

World::World(std::string dir, platform::FileSystem& fs) : m_dir(std::move(dir)), m_fs(fs), m_disks(m_dir, fs) {}

std::string World::world_file() const { return platform::join_path(m_dir, "world.json"); }
std::string World::calls_log_path() const { return platform::join_path(m_dir, "calls.log"); }

Result<std::shared_ptr<World>> World::open(const std::string& dir, platform::FileSystem& fs) {
  std::shared_ptr<World> w(new World(dir, fs));
  auto lock = FileLock::acquire(platform::join_path(dir, ".lock"));
  if (!lock) {
    auto info = fs.stat(dir);
    if (info && info->type == platform::FileType::missing) {
      return Status::error(Code::not_found, dir + ": no such world (make one with 'adrestore sim init " + dir + "')");
    }
    return lock.status();
  }
  auto state = load_state(fs, w->world_file());
  if (!state) return state.status();
  return w;
}

Result<std::shared_ptr<World>> World::create(const std::string& dir, const WorldState& state, platform::FileSystem& fs) {
  const nlohmann::json doc = world_to_json(state);
  if (Status s = check_world_json(doc, "world"); !s) return Status::error(Code::invalid_input, s.message());
  if (Status s = platform::create_dirs(fs, platform::join_path(dir, "fs")); !s) return s;
  std::shared_ptr<World> w(new World(dir, fs));
  auto info = fs.stat(w->world_file());
  if (!info) return info.status();
  if (info->type != platform::FileType::missing) return Status::error(Code::refused, dir + " already holds a world");
  if (Status s = platform::write_file_durable(fs, w->world_file(), doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"); !s) {
    return s;
  }
  return w;
}

Result<std::unique_ptr<Transaction>> World::begin() {
  auto lock = FileLock::acquire(platform::join_path(m_dir, ".lock"));
  if (!lock) return lock.status();
  auto state = load_state(m_fs, world_file());
  if (!state) return state.status();
  std::unique_ptr<Transaction> tx(new Transaction(*this, std::move(*lock), std::move(*state)));
  forget_dead_processes(tx->m_state, tx->m_process);
  return tx;
}

Status World::update(const std::function<Status(Transaction&)>& fn) {
  auto tx = begin();
  if (!tx) return tx.status();
  if (Status s = fn(**tx); !s) return s;
  return (*tx)->commit();
}

Result<WorldState> World::snapshot() {
  auto tx = begin();
  if (!tx) return tx.status();
  return (*tx)->state();
}

Status World::add_faults(const std::vector<Fault>& faults) {
  return update([&](Transaction& tx) {
    if (tx.state().faults.size() + faults.size() > k_max_faults) {
      return Status::error(Code::invalid_input, "a world holds at most " + std::to_string(k_max_faults) + " faults");
    }
    tx.state().faults.insert(tx.state().faults.end(), faults.begin(), faults.end());
    return Status::ok();
  });
}

Result<std::optional<CrashFault>> World::take_crash_fault(const std::string& step_id) {
  std::optional<CrashFault> taken;
  Status s = update([&](Transaction& tx) {
    for (Fault& f : tx.state().faults) {
      auto* c = std::get_if<CrashFault>(&f.kind);
      if (c && !c->taken && !c->at_record && c->at_step == step_id) {
        c->taken = true;
        taken = *c;
        tx.log("# crash-fault step=" + encode_log_value(step_id) + " afterBytes=" + encode_log_value(c->after_bytes.to_json().dump()));
        break;
      }
    }
    return Status::ok();
  });
  if (!s) return s;
  return taken;
}

Result<std::optional<CrashFault>> World::take_record_crash_fault(std::uint64_t seq) {
  std::optional<CrashFault> taken;
  Status s = update([&](Transaction& tx) {
    for (Fault& f : tx.state().faults) {
      auto* c = std::get_if<CrashFault>(&f.kind);
      if (c && !c->taken && c->at_record && *c->at_record == seq) {
        c->taken = true;
        taken = *c;
        tx.log("# crash-fault record=" + std::to_string(seq));
        break;
      }
    }
    return Status::ok();
  });
  if (!s) return s;
  return taken;
}

Result<std::vector<std::uint64_t>> World::pending_record_crashes() {
  auto snap = snapshot();
  if (!snap) return snap.status();
  std::vector<std::uint64_t> out;
  for (const Fault& f : snap->faults) {
    const auto* c = std::get_if<CrashFault>(&f.kind);
    if (c && !c->taken && c->at_record) out.push_back(*c->at_record);
  }
  return out;
}

Result<std::optional<std::uint64_t>> World::pending_journal_full() {
  auto snap = snapshot();
  if (!snap) return snap.status();
  std::optional<std::uint64_t> first;
  for (const Fault& f : snap->faults) {
    const auto* j = std::get_if<JournalFullFault>(&f.kind);
    if (j && !j->taken && (!first || j->at_record < *first)) first = j->at_record;
  }
  return first;
}

Status World::take_journal_full(std::uint64_t seq) {
  return update([&](Transaction& tx) {
    for (Fault& f : tx.state().faults) {
      auto* j = std::get_if<JournalFullFault>(&f.kind);
      if (j && !j->taken && j->at_record == seq) {
        j->taken = true;
        tx.log("# journal-full record=" + std::to_string(seq));
      }
    }
    return Status::ok();
  });
}

void World::attach_disk_faults(SimDisks& disks) {
  auto gate = std::make_shared<DiskGate>();
  gate->world_dir = m_dir;
  gate->fs = &m_fs;
  if (auto snap = snapshot()) {
    for (std::size_t i = 0; i < snap->faults.size(); ++i) {
      const auto* d = std::get_if<DiskFullFault>(&snap->faults[i].kind);
      if (d) gate->entries.push_back({i, d->path, d->after_bytes.bytes, d->written, d->tripped, d->hidden});
      if (const auto* l = std::get_if<LockedFault>(&snap->faults[i].kind)) gate->locked.push_back(l->path);
    }
  }
  if (!gate->locked.empty()) {
    disks.set_lock_check([gate](const WinPath& file) -> Status {
      for (const WinPath& l : gate->locked) {
        if (file.equals(l)) {
          return Status::error(Code::io, file.str() + ": the process cannot access the file because it is being used "
                                                      "by another process (simulated locked fault)");
        }
      }
      return Status::ok();
    });
  }
  if (gate->entries.empty()) return;
  disks.set_space_limit([gate](const WinPath& dir) -> std::optional<std::uint64_t> {
    std::lock_guard<std::mutex> hold(gate->mutex);
    std::optional<std::uint64_t> left;
    for (const DiskGate::Entry& e : gate->entries) {
      if (e.hidden || !dir.equals_or_inside(e.path)) continue;
      const std::uint64_t n = e.reported || e.written >= e.limit ? 0 : e.limit - e.written;
      left = left ? std::min(*left, n) : n;
    }
    return left;
  });
  disks.set_write_gate([gate](const WinPath& path, std::uint64_t bytes) -> Status {
    std::lock_guard<std::mutex> hold(gate->mutex);
    for (DiskGate::Entry& e : gate->entries) {
      if (!path.equals_or_inside(e.path)) continue;
      if (e.written + bytes > e.limit) {
        if (!e.reported) {
          e.reported = true;
          // Best effort: the fault's progress is evidence, the failure itself is the point.
          auto world = World::open(gate->world_dir, *gate->fs);
          if (world) {
            const std::size_t index = e.index;
            const std::uint64_t written = e.written;
            (void)(*world)->update([&](Transaction& tx) {
              auto& faults = tx.state().faults;
              if (index < faults.size()) {
                if (auto* d = std::get_if<DiskFullFault>(&faults[index].kind)) {
                  d->tripped = true;
                  d->written = written;
                }
              }
              tx.log("# disk-full path=" + encode_log_value(path.str()));
              return Status::ok();
            });
          }
        }
        return Status::error(Code::no_space, path.str() + ": write failed: no space left on device (simulated diskFull fault: " +
                                           e.path.str() + " is full after " + format_bytes(e.limit) + ")");
      }
      e.written += bytes;
    }
    return Status::ok();
  });
}

Status World::apply_corrupt_faults(const std::string& backup_set_dir) {
  return update([&](Transaction& tx) {
    for (Fault& f : tx.state().faults) {
      if (auto* e = std::get_if<EseFault>(&f.kind); e && !e->applied) {
        std::string done;
        if (Status s = apply_ese_fault(m_fs, backup_set_dir, *e, done); !s) return s.with_context("ese fault");
        e->applied = true;
        tx.log("# ese problem=" + std::string(to_string(e->problem)) + " did=" + encode_log_value(done));
        continue;
      }
      auto* c = std::get_if<CorruptFault>(&f.kind);
      if (!c || c->applied) continue;
      auto file = find_backup_file(m_fs, backup_set_dir, c->backup_file);
      if (!file) return file.status().with_context("corrupt fault");
      if (Status s = flip_byte(m_fs, *file, c->at_byte); !s) return s.with_context("corrupt fault");
      c->applied = true;
      tx.log("# corrupt file=" + encode_log_value(*file) + " atByte=" + std::to_string(c->at_byte));
    }
    return Status::ok();
  });
}

Result<std::vector<CallRecord>> World::calls() {
  auto lock = FileLock::acquire(platform::join_path(m_dir, ".lock"));
  if (!lock) return lock.status();
  return read_calls_log(calls_log_path(), m_fs);
}

Result<std::vector<Leak>> World::leaks(bool include_live) {
  std::vector<Leak> out;
  Status s = update([&](Transaction& tx) {
    out = tx.state().leaks;
    if (include_live) {
      for (const Buffer& b : tx.state().buffers) {
        if (tx.is_mine(b.owner)) out.push_back({b.id, b.call, b.owner.pid});
      }
    }
    return Status::ok();
  });
  if (!s) return s;
  return out;
}

}  // namespace adrestore::sim
