// tests/support.h on Windows: processes through CreateProcessW in a kill-on-close job, with
// stdout and stderr on pipes drained by two threads (so neither can fill up and block).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <cwchar>
#include <cstdint>
#include <cstring>
#include <cwctype>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "platform/win32.h"  // windows.h, which winioctl.h needs first

#include <winioctl.h>
#include "support.h"

namespace adrestore::testing {

using platform::win32::Handle;

std::filesystem::path source_dir() { return ADRESTORE_SOURCE_DIR; }
std::string binary_path() { return ADRESTORE_BINARY; }

TempDir::TempDir() {
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (;;) {
    m_path = base / ("adrestore-test-" + std::to_string(rd()));
    std::error_code ec;
    if (std::filesystem::create_directory(m_path, ec)) break;
  }
}

TempDir::~TempDir() {
  // ADRESTORE_KEEP_TEST_DIRS=1 keeps every test directory for inspection.
  const char* keep = std::getenv("ADRESTORE_KEEP_TEST_DIRS");
  if (keep && *keep) {
    MESSAGE("kept test directory " << m_path.string());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  const auto p = m_path / std::filesystem::u8path(name);
  std::filesystem::create_directories(p.parent_path());
  write_file(p, content);
  return p.u8string();
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);  // fs::path: opened by its UTF-16 name
  out << content;
  REQUIRE(out.good());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

std::wstring wide(const std::string& s) {
  auto w = platform::win32::to_utf16(s);
  REQUIRE_MESSAGE(w.is_ok(), w.status().message());
  return *w;
}

// One argument quoted for the MSVC runtime's parser (what wmain and CommandLineToArgvW see):
// backslashes are literal unless they precede a quote.
void append_quoted(std::wstring& cmd, const std::wstring& arg) {
  if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
    cmd += arg;
    return;
  }
  cmd += L'"';
  std::size_t backslashes = 0;
  for (wchar_t c : arg) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    if (c == L'"') cmd.append(backslashes * 2 + 1, L'\\');
    else cmd.append(backslashes, L'\\');
    backslashes = 0;
    cmd += c;
  }
  cmd.append(backslashes * 2, L'\\');
  cmd += L'"';
}

// The current environment with NAME=value entries of `extra` added or replaced, as a
// CREATE_UNICODE_ENVIRONMENT block.
std::wstring environment_block(const std::vector<std::string>& extra) {
  std::vector<std::wstring> entries;
  if (wchar_t* env = ::GetEnvironmentStringsW()) {
    for (const wchar_t* p = env; *p; p += std::wcslen(p) + 1) entries.emplace_back(p);
    ::FreeEnvironmentStringsW(env);
  }
  auto name_of = [](const std::wstring& e) {
    const std::size_t eq = e.find(L'=', 1);  // entries like "=C:=C:\x" start with '='
    std::wstring n = e.substr(0, eq);
    for (wchar_t& c : n) c = static_cast<wchar_t>(std::towupper(c));
    return n;
  };
  for (const std::string& e : extra) {
    const std::wstring w = wide(e);
    const std::wstring name = name_of(w);
    bool replaced = false;
    for (std::wstring& have : entries) {
      if (name_of(have) == name) {
        have = w;
        replaced = true;
      }
    }
    if (!replaced) entries.push_back(w);
  }
  std::wstring block;
  for (const std::wstring& e : entries) {
    block += e;
    block += L'\0';
  }
  block += L'\0';
  return block;
}

void drain(HANDLE pipe, std::string& out) {
  char buf[65536];
  DWORD got = 0;
  while (::ReadFile(pipe, buf, sizeof buf, &got, nullptr) && got > 0) out.append(buf, got);
}

}  // namespace

RunResult run_process(const std::vector<std::string>& argv, double timeout_seconds,
                      const std::vector<std::string>& extra_env) {
  REQUIRE(!argv.empty());
  RunResult r;
  // A program named by a path runs exactly that file; a bare name is searched on PATH.
  std::wstring application;
  if (argv[0].find_first_of("\\/") != std::string::npos) {
    auto full = platform::win32::long_path(argv[0], "cannot run");
    REQUIRE_MESSAGE(full.is_ok(), full.status().message());
    application = *full;
  }
  std::wstring cmd;
  for (const std::string& a : argv) {
    if (!cmd.empty()) cmd += L' ';
    append_quoted(cmd, wide(a));
  }
  std::wstring env = environment_block(extra_env);

  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE out_r = nullptr, out_w = nullptr, err_r = nullptr, err_w = nullptr;
  REQUIRE(::CreatePipe(&out_r, &out_w, &inherit, 0));
  REQUIRE(::CreatePipe(&err_r, &err_w, &inherit, 0));
  Handle out_read(out_r), out_write(out_w), err_read(err_r), err_write(err_w);
  ::SetHandleInformation(out_read.get(), HANDLE_FLAG_INHERIT, 0);
  ::SetHandleInformation(err_read.get(), HANDLE_FLAG_INHERIT, 0);
  Handle null_in(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0,
                               nullptr));
  REQUIRE(null_in.valid());

  // The job kills the child and anything it started when we time out (or when it closes).
  Handle job(::CreateJobObjectW(nullptr, nullptr));
  REQUIRE(job.valid());
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  ::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits);

  STARTUPINFOW si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = null_in.get();
  si.hStdOutput = out_write.get();
  si.hStdError = err_write.get();
  PROCESS_INFORMATION pi{};
  const auto start = std::chrono::steady_clock::now();
  // Wine under load now and then fails process creation with ERROR_INTERNAL_ERROR (seen in a
  // CI run's Wine stage, "cannot run ...adrestore.exe: Internal error"). The process never
  // started, so trying again (three times at most) hides nothing the product does.
  BOOL created = FALSE;
  DWORD create_error = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) ::Sleep(500);
    created = ::CreateProcessW(application.empty() ? nullptr : application.c_str(), cmd.data(), nullptr, nullptr,
                               TRUE, CREATE_SUSPENDED | CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT, env.data(),
                               nullptr, &si, &pi);
    create_error = ::GetLastError();
    if (created || create_error != ERROR_INTERNAL_ERROR) break;
  }
  out_write.reset();  // only the child holds the write ends now: EOF when it is done
  err_write.reset();
  null_in.reset();
  if (!created) {
    r.exit_code = 127;  // as the POSIX support reports a failed exec
    r.err = "cannot run " + argv[0] + ": " + platform::win32::error_text(create_error);
    return r;
  }
  Handle process(pi.hProcess);
  Handle thread(pi.hThread);
  ::AssignProcessToJobObject(job.get(), process.get());
  ::ResumeThread(thread.get());

  std::thread out_reader(drain, out_read.get(), std::ref(r.out));
  std::thread err_reader(drain, err_read.get(), std::ref(r.err));
  const DWORD wait_ms = static_cast<DWORD>(timeout_seconds * 1000);
  if (::WaitForSingleObject(process.get(), wait_ms) == WAIT_TIMEOUT) {
    r.timed_out = true;
    ::TerminateJobObject(job.get(), 1);
    ::WaitForSingleObject(process.get(), INFINITE);
  }
  // Grandchildren may still hold the pipes: end them too before waiting for EOF.
  ::TerminateJobObject(job.get(), 1);
  out_reader.join();
  err_reader.join();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  DWORD code = 0;
  if (!r.timed_out && ::GetExitCodeProcess(process.get(), &code)) r.exit_code = static_cast<int>(code);
  return r;
}

RunResult run_adrestore(const std::vector<std::string>& args, double timeout_seconds,
                        const std::vector<std::string>& extra_env) {
  std::vector<std::string> argv{binary_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, timeout_seconds, extra_env);
}

bool under_wine() {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

std::string make_junction(const std::filesystem::path& link, const std::filesystem::path& target) {
  // REPARSE_DATA_BUFFER's MountPointReparseBuffer (ntifs.h, which mingw does not ship):
  // the substitute name "\??\C:\target" and the print name "C:\target", each NUL-terminated.
  const std::wstring print = std::filesystem::absolute(target).wstring();
  const std::wstring substitute = L"\\??\\" + print;
  const auto bytes = [](const std::wstring& w) { return static_cast<std::uint16_t>(w.size() * sizeof(wchar_t)); };
  std::string buf;
  const auto put = [&buf](const void* p, std::size_t n) { buf.append(static_cast<const char*>(p), n); };
  const auto put16 = [&put](std::uint16_t v) { put(&v, sizeof v); };
  const DWORD tag = IO_REPARSE_TAG_MOUNT_POINT;
  put(&tag, sizeof tag);
  put16(static_cast<std::uint16_t>(8 + bytes(substitute) + 2 + bytes(print) + 2));  // ReparseDataLength
  put16(0);                                                                         // Reserved
  put16(0);                                                                         // SubstituteNameOffset
  put16(bytes(substitute));                                                         // SubstituteNameLength
  put16(static_cast<std::uint16_t>(bytes(substitute) + 2));                         // PrintNameOffset
  put16(bytes(print));                                                              // PrintNameLength
  put(substitute.c_str(), bytes(substitute) + 2u);
  put(print.c_str(), bytes(print) + 2u);

  std::error_code ec;
  std::filesystem::create_directory(link, ec);
  if (ec) return "cannot create " + link.u8string() + ": " + ec.message();
  Handle h(::CreateFileW(link.wstring().c_str(), GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                         FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!h) return "cannot open " + link.u8string() + ": " + platform::win32::error_text(::GetLastError());
  DWORD returned = 0;
  if (!::DeviceIoControl(h.get(), FSCTL_SET_REPARSE_POINT, buf.data(), static_cast<DWORD>(buf.size()), nullptr, 0,
                         &returned, nullptr)) {
    const DWORD err = ::GetLastError();
    h.reset();
    std::filesystem::remove(link, ec);
    return "FSCTL_SET_REPARSE_POINT on " + link.u8string() + ": " + platform::win32::error_text(err);
  }
  return {};
}

}  // namespace adrestore::testing
