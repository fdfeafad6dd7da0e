// An spdlog sink over a platform::File, so that a run's log (logs/run.log) is written through
// the FileSystem seam like every other file a run writes. Lines are appended at the file's
// end as found when it was opened; a write error is dropped (the log is best effort, the
// journal is the record).
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstdint>
#include <memory>
#include <mutex>

#include "platform/fs.h"

namespace adrestore::cli {

class FileLogSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  FileLogSink(std::unique_ptr<platform::File> file, std::uint64_t end) : m_file(std::move(file)), m_end(end) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}  // every line reaches the operating system when it is written

 private:
  std::unique_ptr<platform::File> m_file;
  std::uint64_t m_end;
};

// Opens `path` for appending (created if missing; never through a link) on `fs`.
Result<std::shared_ptr<FileLogSink>> open_file_log_sink(platform::FileSystem& fs, const std::string& path);

}  // namespace adrestore::cli
