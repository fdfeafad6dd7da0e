#include "cli/file_log_sink.h"

namespace adrestore::cli {

void FileLogSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t line;
  formatter_->format(msg, line);
  if (m_file->pwrite_all(line.data(), line.size(), m_end)) m_end += line.size();
}

Result<std::shared_ptr<FileLogSink>> open_file_log_sink(platform::FileSystem& fs, const std::string& path) {
  auto file = fs.open(path, platform::File::Mode::read_write);
  if (!file) return file.status();
  auto end = (*file)->size();
  if (!end) return end.status();
  return std::make_shared<FileLogSink>(std::move(*file), *end);
}

}  // namespace adrestore::cli
