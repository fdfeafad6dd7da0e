// Taking and releasing the state lock (contract in exec/lock.h), the same on every platform:
// the OS lock comes from FileSystem::open_locked, and the holder record is written and
// synced through the file it returns.
#include "exec/lock.h"

#include "exec/journal.h"

namespace adrestore::exec {

StateLock::StateLock(std::unique_ptr<platform::File> file, LockHolder holder)
    : m_file(std::move(file)), m_holder(std::move(holder)) {}

StateLock::~StateLock() {
  // Blank the record while still holding the lock, so nobody reads a departed holder.
  if (m_file) (void)m_file->truncate(0);
}

Result<std::unique_ptr<StateLock>> StateLock::acquire(platform::FileSystem& fs, const std::string& state_dir) {
  const std::string path = platform::join_path(state_dir, k_lock_file_name);
  auto file = fs.open_locked(path);
  if (!file) return file.status();
  LockHolder me = this_process_as_holder();
  if (!*file) {
    const LockHolder other = read_holder_record(path).value_or(LockHolder{});
    std::string msg = "the state directory " + state_dir + " is in use by another adrestore run: held by " +
                      describe(other) + ". Wait for that run to end (the lock goes away with its process)";
    if (other.pid != 0 && other.host != me.host) msg += "; it runs on another machine that shares this folder";
    return Status::error(Code::refused, msg);
  }
  me.started_at = format_utc_ms(JournalWriter::system_clock_ms());
  me.nonce = random_nonce();
  const std::string text = serialize_lock_holder(me);
  platform::File& f = **file;
  if (Status s = f.truncate(0); !s) return s;
  if (Status s = f.pwrite_all(text.data(), text.size(), 0); !s) return s;
  if (Status s = f.sync(); !s) return s;
  return std::unique_ptr<StateLock>(new StateLock(std::move(*file), std::move(me)));
}

}  // namespace adrestore::exec
