// The output side of run_process(), shared by the POSIX and Win32 implementations: the cap,
// the byte counts, the note at the end, and a sink that appends to a log file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "platform/fs.h"
#include "platform/process.h"

namespace adrestore::platform {

// Forwards output to a sink until `cap` bytes have passed, counts (and drops) the rest, and on
// finish() ends the output with a note when anything was dropped. A sink error stops the
// forwarding (the first error is kept) but never the counting. Not thread-safe.
class OutputCapture {
 public:
  OutputCapture(OutputSink* sink, std::uint64_t cap) : m_sink(sink), m_cap(cap) {}
  void add(OutputStream stream, const char* data, std::size_t n);
  void finish();

  bool truncated() const { return m_discarded > 0; }
  std::uint64_t captured() const { return m_captured; }
  std::uint64_t discarded() const { return m_discarded; }
  const Status& sink_error() const { return m_error; }
  // Copies the counts and the sink error into the result of the run.
  void report(ProcessResult& r) const;

 private:
  void forward(OutputStream stream, std::string_view bytes);
  OutputSink* m_sink;
  std::uint64_t m_cap;
  std::uint64_t m_captured = 0;
  std::uint64_t m_discarded = 0;
  Status m_error;
  bool m_finished = false;
};

// The note that ends capped output: "[adrestore: output cut at 16.0 MiB; 1.0 GiB more was
// discarded]" on a line of its own.
std::string truncation_note(std::uint64_t cap, std::uint64_t discarded);

// Appends everything to one file (created if missing), regardless of the stream, and syncs it
// on finish(). Existing content is kept, so reruns add to the same log.
class FileOutputSink : public OutputSink {
 public:
  static Result<std::unique_ptr<FileOutputSink>> open_append(const std::string& path, FileSystem& fs = system_fs());
  Status write(OutputStream stream, std::string_view bytes) override;
  Status finish() override;
  const std::string& path() const { return m_path; }

 private:
  FileOutputSink(std::unique_ptr<File> file, std::string path, std::uint64_t offset)
      : m_file(std::move(file)), m_path(std::move(path)), m_offset(offset) {}
  std::unique_ptr<File> m_file;
  std::string m_path;
  std::uint64_t m_offset;
};

}  // namespace adrestore::platform
