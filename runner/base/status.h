// Errors as values (leveldb's Status, ccache's expected): a typed code plus a
// "context: cause" message. Exceptions are reserved for stopping the program.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace adrestore {

enum class Code {
  ok,
  invalid_input,  // a plan, manifest, world or journal that does not validate
  usage,          // bad flag, missing or unreadable file
  io,             // an operating-system I/O failure
  no_space,       // the disk (or quota) is full: ENOSPC, ERROR_DISK_FULL
  access_denied,  // permission denied or a read-only file system: EACCES, EROFS, ERROR_ACCESS_DENIED
  failed,         // an operation failed safely (exit 3)
  interrupted,    // stopped at a safe point, resumable (exit 4)
  refused,        // a precondition refused the action (exit 5)
  corrupt,        // a durable record is damaged
  not_found,
  internal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(Code code, std::string message) { return Status(code, std::move(message)); }

  bool is_ok() const { return m_code == Code::ok; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return m_code; }
  const std::string& message() const { return m_message; }
  // The bare cause the message wraps, without the path or action around it: the operating
  // system's words ("No such file or directory") for a failed call. The whole message when
  // the producer gave no separate cause. A field, so that nobody cuts it out of the message.
  const std::string& cause() const { return m_cause.empty() ? m_message : m_cause; }
  Status with_cause(std::string cause) && {
    m_cause = std::move(cause);
    return std::move(*this);
  }

  // Returns a copy whose message is "context: <this message>"; the cause stays.
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    Status s(m_code, context + ": " + m_message);
    s.m_cause = m_cause;
    return s;
  }

 private:
  Status(Code code, std::string message) : m_code(code), m_message(std::move(message)) {}
  Code m_code = Code::ok;
  std::string m_message;
  std::string m_cause;
};

// A value or a failed Status.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_value(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : m_status(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool is_ok() const { return m_value.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return m_status; }
  T& value() { return *m_value; }
  const T& value() const { return *m_value; }
  T& operator*() { return *m_value; }
  const T& operator*() const { return *m_value; }
  T* operator->() { return &*m_value; }
  const T* operator->() const { return &*m_value; }

 private:
  std::optional<T> m_value;
  Status m_status;
};

// Thrown only to stop the program; caught once in the CLI and mapped to an exit code.
struct Fatal {
  Status status;
};

}  // namespace adrestore
