// run_process() on Windows (contract in process.h). The program starts suspended, joins a job
// object that kills everything in it when the job ends (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE) and
// that children cannot leave (no BREAKAWAY_OK), and only then runs; so every process it starts is
// in the job, and TerminateJobObject takes the whole tree. It inherits exactly three handles
// (PROC_THREAD_ATTRIBUTE_HANDLE_LIST): NUL as stdin and the two pipe ends. Two threads read the
// pipes; the calling thread waits for the process, the deadline and the cancel flag.
#include "platform/win32_api.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cwchar>
#include <mutex>
#include <string>
#include <vector>

#include "base/text.h"
#include "platform/process.h"
#include "platform/process_output.h"
#include "platform/win_argv.h"

namespace adrestore::platform {
namespace {

using Clock = std::chrono::steady_clock;

// Exit code given to processes we terminate (timeout, cancel, or left behind by the program).
constexpr UINT k_terminated_exit_code = 1;
constexpr std::size_t k_max_command_line = 32767;  // CreateProcessW's limit, in UTF-16 units

class Handle {
 public:
  Handle() = default;
  explicit Handle(HANDLE h) : m_h(h) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  HANDLE get() const { return m_h; }
  bool valid() const { return m_h != nullptr && m_h != INVALID_HANDLE_VALUE; }
  void reset(HANDLE h = nullptr) {
    if (valid()) ::CloseHandle(m_h);
    m_h = h;
  }

 private:
  HANDLE m_h = nullptr;
};

Result<std::wstring> widen(const std::string& s) {
  if (s.empty()) return std::wstring();
  const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()), nullptr, 0);
  if (n <= 0) return Status::error(Code::invalid_input, "not valid UTF-8: " + escape_for_terminal(s));
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()), &w[0], n);
  return w;
}

std::string narrow(const wchar_t* w, std::size_t len) {
  if (len == 0) return std::string();
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, w, static_cast<int>(len), nullptr, 0, nullptr, nullptr);
  if (n <= 0) return std::string();
  std::string s(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, w, static_cast<int>(len), &s[0], n, nullptr, nullptr);
  return s;
}

Status win_error(const std::string& what, DWORD err) {
  wchar_t* buf = nullptr;
  const DWORD n = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, err, 0,
      reinterpret_cast<LPWSTR>(&buf), 0, nullptr);
  std::string text = n > 0 && buf ? narrow(buf, n) : std::string();
  if (buf) ::LocalFree(buf);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
    text.pop_back();
  }
  if (text.empty()) text = "system error";
  const Code code = (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) ? Code::not_found : Code::io;
  return Status::error(code, what + ": " + text + " (error " + std::to_string(err) + ")");
}

bool is_absolute_windows_path(const std::string& p) {
  const bool drive = p.size() >= 3 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':' &&
                     (p[2] == '\\' || p[2] == '/');
  const bool unc = p.size() >= 3 && (p[0] == '\\' || p[0] == '/') && (p[1] == '\\' || p[1] == '/');
  return drive || unc;
}

// NAME=VALUE entries as CreateProcessW wants them: UTF-16, sorted by name without regard to
// case, each NUL-terminated, and one more NUL at the end.
Result<std::wstring> environment_block(const std::vector<std::string>& env) {
  std::vector<std::wstring> entries;
  for (const std::string& e : env) {
    if (e.find('\0') != std::string::npos || e.find('=', 1) == std::string::npos) {
      return Status::error(Code::invalid_input, "malformed environment entry (expected NAME=VALUE)");
    }
    auto w = widen(e);
    if (!w) return w.status().with_context("environment");
    entries.push_back(std::move(*w));
  }
  auto name_of = [](const std::wstring& e) { return e.substr(0, e.find(L'=', 1)); };
  std::stable_sort(entries.begin(), entries.end(), [&](const std::wstring& a, const std::wstring& b) {
    const std::wstring na = name_of(a);
    const std::wstring nb = name_of(b);
    return ::CompareStringOrdinal(na.c_str(), static_cast<int>(na.size()), nb.c_str(), static_cast<int>(nb.size()),
                                  TRUE) == CSTR_LESS_THAN;
  });
  std::wstring block;
  for (const std::wstring& e : entries) {
    block += e;
    block += L'\0';
  }
  if (entries.empty()) block += L'\0';
  block += L'\0';
  return block;
}

// A crashing program must end, not wait for someone to click a dialog box; children inherit
// this process's error mode. Process-wide, set once, and right for a console tool anyway.
void quiet_error_dialogs() {
  static std::once_flag once;
  std::call_once(once, [] {
    ::SetErrorMode(::GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
  });
}

struct Reader {
  HANDLE pipe = nullptr;
  OutputStream stream = OutputStream::out;
  OutputCapture* capture = nullptr;
  std::mutex* mu = nullptr;
  std::atomic<bool>* stop = nullptr;
};

DWORD WINAPI reader_main(LPVOID param) {
  Reader* r = static_cast<Reader*>(param);
  std::vector<char> buf(64 * 1024);
  while (!r->stop->load()) {
    DWORD n = 0;
    // Fails with ERROR_BROKEN_PIPE once every writer is gone, or ERROR_OPERATION_ABORTED when
    // the runner gives up on an escaped writer (CancelSynchronousIo).
    if (!::ReadFile(r->pipe, buf.data(), static_cast<DWORD>(buf.size()), &n, nullptr)) break;
    if (n == 0) continue;
    std::lock_guard<std::mutex> lock(*r->mu);
    r->capture->add(r->stream, buf.data(), n);
  }
  return 0;
}

// Waits for the job to have no process left; false when that does not happen in time.
bool wait_job_empty(HANDLE job, std::chrono::milliseconds limit) {
  const Clock::time_point until = Clock::now() + limit;
  for (;;) {
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION info{};
    if (!::QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &info, sizeof info, nullptr)) {
      return false;
    }
    if (info.ActiveProcesses == 0) return true;
    if (Clock::now() >= until) return false;
    ::Sleep(10);
  }
}

// Joins a reader thread; if an escaped process still holds the pipe, cancels its read.
void join_reader(HANDLE thread, std::atomic<bool>& stop) {
  if (::WaitForSingleObject(thread, 200) == WAIT_OBJECT_0) return;
  stop = true;
  while (::WaitForSingleObject(thread, 50) != WAIT_OBJECT_0) ::CancelSynchronousIo(thread);
}

Status check_spec(const ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) return Status::error(Code::invalid_input, "no program to run");
  const std::string& program = spec.argv[0];
  if (!is_absolute_windows_path(program)) {
    return Status::error(Code::invalid_input, "the program must be an absolute path (no PATH search here): " + program);
  }
  if (is_batch_program(program)) {
    return Status::error(Code::refused, "batch files (.bat, .cmd) are refused: Windows would run " + program +
                                            " through cmd.exe, and hooks never use a shell");
  }
  return Status::ok();
}

}  // namespace

ProcessResult run_process(const ProcessSpec& spec) {
  ProcessResult r;
  r.spawn_error = check_spec(spec);
  if (!r.spawn_error) return r;

  auto app = widen(spec.argv[0]);
  auto line = build_windows_command_line(spec.argv);
  if (!app || !line) {
    r.spawn_error = !app ? app.status() : line.status();
    return r;
  }
  auto wline = widen(*line);
  auto env = environment_block(spec.env);
  auto cwd = widen(spec.working_dir);
  if (!wline || !env || !cwd) {
    r.spawn_error = !wline ? wline.status() : !env ? env.status() : cwd.status();
    return r;
  }
  if (wline->size() > k_max_command_line) {
    r.spawn_error = Status::error(Code::invalid_input, "the command line is longer than Windows allows (32767)");
    return r;
  }
  std::vector<wchar_t> cmdline(wline->begin(), wline->end());  // CreateProcessW may write to it
  cmdline.push_back(L'\0');
  quiet_error_dialogs();

  // Pipes: our read ends are never inheritable; the write ends only through the handle list.
  Handle out_r, out_w, err_r, err_w;
  {
    HANDLE rd = nullptr, wr = nullptr;
    if (!::CreatePipe(&rd, &wr, nullptr, 1 << 16)) {
      r.spawn_error = win_error("cannot create a pipe", ::GetLastError());
      return r;
    }
    out_r.reset(rd);
    out_w.reset(wr);
    if (!::CreatePipe(&rd, &wr, nullptr, 1 << 16)) {
      r.spawn_error = win_error("cannot create a pipe", ::GetLastError());
      return r;
    }
    err_r.reset(rd);
    err_w.reset(wr);
  }
  SECURITY_ATTRIBUTES inheritable{};
  inheritable.nLength = sizeof inheritable;
  inheritable.bInheritHandle = TRUE;
  Handle nul(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable, OPEN_EXISTING, 0,
                           nullptr));
  if (!nul.valid() || !::SetHandleInformation(out_w.get(), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) ||
      !::SetHandleInformation(err_w.get(), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) {
    r.spawn_error = win_error("cannot prepare the standard handles", ::GetLastError());
    return r;
  }

  SIZE_T attr_size = 0;
  ::InitializeProcThreadAttributeList(nullptr, 1, 0, &attr_size);
  std::vector<unsigned char> attr_buf(attr_size);
  auto* attrs = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attr_buf.data());
  if (!::InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size)) {
    r.spawn_error = win_error("cannot prepare the process attributes", ::GetLastError());
    return r;
  }
  struct AttrGuard {
    LPPROC_THREAD_ATTRIBUTE_LIST list;
    ~AttrGuard() { ::DeleteProcThreadAttributeList(list); }
  } attr_guard{attrs};
  HANDLE inherit[3] = {nul.get(), out_w.get(), err_w.get()};
  if (!::UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit, sizeof inherit, nullptr,
                                   nullptr)) {
    r.spawn_error = win_error("cannot limit the inherited handles", ::GetLastError());
    return r;
  }

  Handle job(::CreateJobObjectW(nullptr, nullptr));
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags =
      JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
  if (!job.valid() ||
      !::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
    r.spawn_error = win_error("cannot create a job object", ::GetLastError());
    return r;
  }

  STARTUPINFOEXW si{};
  si.StartupInfo.cb = sizeof si;
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = nul.get();
  si.StartupInfo.hStdOutput = out_w.get();
  si.StartupInfo.hStdError = err_w.get();
  si.lpAttributeList = attrs;
  PROCESS_INFORMATION pi{};
  const DWORD flags = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | EXTENDED_STARTUPINFO_PRESENT | CREATE_NO_WINDOW;
  const Clock::time_point start = Clock::now();
  if (!::CreateProcessW(app->c_str(), cmdline.data(), nullptr, nullptr, TRUE, flags, &(*env)[0],
                        spec.working_dir.empty() ? nullptr : cwd->c_str(), &si.StartupInfo, &pi)) {
    const DWORD err = ::GetLastError();
    r.spawn_error = (err == ERROR_DIRECTORY && !spec.working_dir.empty())
                        ? win_error("cannot change to the working directory " + spec.working_dir, err)
                        : win_error("cannot run " + spec.argv[0], err);
    return r;
  }
  Handle process(pi.hProcess);
  Handle thread(pi.hThread);
  // Into the job before it runs a single instruction, so nothing it starts escapes the job.
  if (!::AssignProcessToJobObject(job.get(), process.get())) {
    const DWORD err = ::GetLastError();
    ::TerminateProcess(process.get(), k_terminated_exit_code);
    ::WaitForSingleObject(process.get(), 5000);
    r.spawn_error = win_error("cannot put " + spec.argv[0] + " into a job object", err);
    return r;
  }
  if (::ResumeThread(thread.get()) == static_cast<DWORD>(-1)) {
    const DWORD err = ::GetLastError();
    ::TerminateJobObject(job.get(), k_terminated_exit_code);
    ::WaitForSingleObject(process.get(), 5000);
    r.spawn_error = win_error("cannot start " + spec.argv[0], err);
    return r;
  }
  thread.reset();
  // Only the tree holds the write ends now: the pipes end when the tree is gone.
  out_w.reset();
  err_w.reset();
  nul.reset();

  OutputCapture capture(spec.output, spec.output_cap);
  std::mutex capture_mu;
  std::atomic<bool> stop_out{false};
  std::atomic<bool> stop_err{false};
  Reader out_reader{out_r.get(), OutputStream::out, &capture, &capture_mu, &stop_out};
  Reader err_reader{err_r.get(), OutputStream::err, &capture, &capture_mu, &stop_err};
  Handle out_thread(::CreateThread(nullptr, 0, reader_main, &out_reader, 0, nullptr));
  Handle err_thread(::CreateThread(nullptr, 0, reader_main, &err_reader, 0, nullptr));
  if (!out_thread.valid() || !err_thread.valid()) {
    // Without readers the program could block on a full pipe: do not let it run unread.
    ::TerminateJobObject(job.get(), k_terminated_exit_code);
    ::WaitForSingleObject(process.get(), 5000);
    out_r.reset();
    err_r.reset();
    if (out_thread.valid()) join_reader(out_thread.get(), stop_out);
    if (err_thread.valid()) join_reader(err_thread.get(), stop_err);
    r.spawn_error = win_error("cannot start the output readers", ::GetLastError());
    return r;
  }

  const Clock::time_point deadline = start + spec.timeout;
  for (;;) {
    DWORD wait_ms = INFINITE;
    const Clock::time_point now = Clock::now();
    if (spec.timeout.count() > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
      wait_ms = static_cast<DWORD>(std::max<long long>(0, std::min<long long>(left, 0x7FFFFFFF)));
    }
    if (spec.cancel) wait_ms = std::min<DWORD>(wait_ms, 100);
    const DWORD w = ::WaitForSingleObject(process.get(), wait_ms);
    if (w == WAIT_OBJECT_0) break;
    if (w == WAIT_FAILED) {
      r.strays = true;
      break;
    }
    if (spec.timeout.count() > 0 && Clock::now() >= deadline) {
      r.timed_out = true;
      break;
    }
    if (spec.cancel && spec.cancel->load()) {
      r.cancelled = true;
      break;
    }
  }
  const bool stopped_by_us = r.timed_out || r.cancelled || r.strays;
  // Whether the program ended or we stop it: nothing of its tree outlives this call.
  ::TerminateJobObject(job.get(), k_terminated_exit_code);
  ::WaitForSingleObject(process.get(), 10000);
  r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  DWORD code = 0;
  if (!stopped_by_us && ::GetExitCodeProcess(process.get(), &code) && code != STILL_ACTIVE) {
    r.exited = true;
    r.exit_code = static_cast<std::int64_t>(code);
  }
  if (!wait_job_empty(job.get(), std::chrono::seconds(5))) r.strays = true;

  join_reader(out_thread.get(), stop_out);
  join_reader(err_thread.get(), stop_err);
  capture.finish();
  capture.report(r);
  return r;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  wchar_t* block = ::GetEnvironmentStringsW();
  if (!block) return env;
  for (const wchar_t* p = block; *p;) {
    const std::size_t len = std::wcslen(p);
    env.push_back(narrow(p, len));
    p += len + 1;
  }
  ::FreeEnvironmentStringsW(block);
  return env;
}

Result<std::string> find_on_path(const std::string& name, const std::string& path_value) {
  if (name.empty() || name.find_first_of("\\/:") != std::string::npos) {
    return Status::error(Code::invalid_input, "not a bare program name: " + name);
  }
  std::vector<std::string> names = {name};
  if (name.find('.') == std::string::npos) names.push_back(name + ".exe");  // as CreateProcess would
  std::vector<std::string> searched;
  for (std::string dir : split(path_value, ';')) {
    if (dir.size() >= 2 && dir.front() == '"' && dir.back() == '"') dir = dir.substr(1, dir.size() - 2);
    // Relative entries would make the program depend on the current directory.
    if (!is_absolute_windows_path(dir)) continue;
    searched.push_back(dir);
    for (const std::string& n : names) {
      if (is_batch_program(n)) continue;
      const std::string candidate = dir + (ends_with(dir, "\\") || ends_with(dir, "/") ? "" : "\\") + n;
      auto w = widen(candidate);
      if (!w) continue;
      const DWORD attrs = ::GetFileAttributesW(w->c_str());
      if (attrs != INVALID_FILE_ATTRIBUTES && !(attrs & FILE_ATTRIBUTE_DIRECTORY)) return candidate;
    }
  }
  return Status::error(Code::not_found, "program " + name + " not found on PATH" +
                                            (searched.empty() ? std::string(" (PATH has no absolute directory)")
                                                              : " (searched " + join(searched, ", ") + ")"));
}

}  // namespace adrestore::platform
