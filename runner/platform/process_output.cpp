#include "platform/process_output.h"

#include <algorithm>

#include "base/text.h"

namespace adrestore::platform {

void OutputCapture::add(OutputStream stream, const char* data, std::size_t n) {
  const std::uint64_t room = m_captured < m_cap ? m_cap - m_captured : 0;
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(room, n));
  if (take > 0) {
    m_captured += take;
    forward(stream, std::string_view(data, take));
  }
  m_discarded += n - take;
}

void OutputCapture::forward(OutputStream stream, std::string_view bytes) {
  if (!m_sink || !m_error.is_ok()) return;
  Status s = m_sink->write(stream, bytes);
  if (!s) m_error = s;
}

void OutputCapture::finish() {
  if (m_finished) return;
  m_finished = true;
  if (m_discarded > 0) forward(OutputStream::runner, truncation_note(m_cap, m_discarded));
  if (m_sink && m_error.is_ok()) {
    Status s = m_sink->finish();
    if (!s) m_error = s;
  }
}

std::string truncation_note(std::uint64_t cap, std::uint64_t discarded) {
  return "\n[adrestore: output cut at " + format_bytes(cap) + "; " + format_bytes(discarded) + " (" +
         std::to_string(discarded) + " bytes) more was read and discarded]\n";
}

Result<std::unique_ptr<FileOutputSink>> FileOutputSink::open_append(const std::string& path, FileSystem& fs) {
  auto file = fs.open(path, File::Mode::read_write);
  if (!file) return file.status();
  auto size = (*file)->size();
  if (!size) return size.status();
  return std::unique_ptr<FileOutputSink>(new FileOutputSink(std::move(*file), path, *size));
}

Status FileOutputSink::write(OutputStream, std::string_view bytes) {
  Status s = m_file->pwrite_all(bytes.data(), bytes.size(), m_offset);
  if (s) m_offset += bytes.size();
  return s;
}

Status FileOutputSink::finish() { return m_file->sync(); }

void OutputCapture::report(ProcessResult& r) const {
  r.output_truncated = truncated();
  r.bytes_captured = m_captured;
  r.bytes_discarded = m_discarded;
  r.output_error = m_error;
}

}  // namespace adrestore::platform
