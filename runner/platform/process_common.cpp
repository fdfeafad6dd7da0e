// The platform-independent parts of process.h: descriptions and environment lists.
#include <csignal>
#include <cstdio>

#include "base/duration.h"
#include "base/text.h"
#include "platform/process.h"

namespace adrestore::platform {
namespace {

// Exit codes Windows gives a process that crashed (NTSTATUS values).
const char* ntstatus_meaning(std::int64_t code) {
  switch (code) {
    case 0xC0000005: return "access violation";
    case 0xC00000FD: return "stack overflow";
    case 0xC0000409: return "stack buffer overrun / fail-fast";
    case 0xC000001D: return "illegal instruction";
    case 0xC0000094: return "integer division by zero";
    case 0xC000013A: return "interrupted by Ctrl+C";
    case 0xC0000135: return "a DLL was not found";
    case 0xC0000142: return "a DLL failed to initialise";
    case 0xC0000017: return "out of memory";
    default: return nullptr;
  }
}

bool names_equal(std::string_view a, std::string_view b, EnvNameCase c) {
  return c == EnvNameCase::sensitive ? a == b : iequals(a, b);
}

class SystemProcessRunner : public ProcessRunner {
 public:
  ProcessResult run(const ProcessSpec& spec) override { return run_process(spec); }
};

}  // namespace

std::string signal_name(int sig) {
  struct Named {
    int sig;
    const char* name;
  };
  static const Named k_names[] = {
    {SIGINT, "SIGINT"}, {SIGTERM, "SIGTERM"}, {SIGSEGV, "SIGSEGV"}, {SIGABRT, "SIGABRT"},
    {SIGILL, "SIGILL"}, {SIGFPE, "SIGFPE"},
#ifndef _WIN32
    {SIGKILL, "SIGKILL"}, {SIGHUP, "SIGHUP"}, {SIGQUIT, "SIGQUIT"}, {SIGPIPE, "SIGPIPE"},
    {SIGBUS, "SIGBUS"}, {SIGALRM, "SIGALRM"}, {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},
    {SIGTRAP, "SIGTRAP"}, {SIGSYS, "SIGSYS"}, {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
#endif
  };
  for (const Named& n : k_names) {
    if (n.sig == sig) return n.name;
  }
  return "signal " + std::to_string(sig);
}

std::string describe(const ProcessResult& r) {
  if (!r.started()) return "could not start: " + r.spawn_error.message();
  std::string how;
  if (r.exited) {
    if (r.exit_code >= 0xC0000000LL && r.exit_code <= 0xFFFFFFFFLL) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%08llX", static_cast<unsigned long long>(r.exit_code));
      how = std::string("exit code ") + buf;
      if (const char* m = ntstatus_meaning(r.exit_code)) how += std::string(" (") + m + ")";
    } else {
      how = "exit code " + std::to_string(r.exit_code);
    }
  } else if (r.signal != 0) {
    how = "killed by signal " + std::to_string(r.signal) + " (" + signal_name(r.signal) + ")";
    if (r.core_dumped) how += ", core dumped";
  } else if (r.timed_out || r.cancelled) {
    how = "terminated";  // Windows: TerminateJobObject leaves no signal to report
  } else {
    how = "ended without an exit status";
  }
  if (r.timed_out) return "timed out after " + format_duration((r.duration.count() + 500) / 1000) + " and was stopped (" + how + ")";
  if (r.cancelled) return "cancelled and stopped (" + how + ")";
  return how;
}

ProcessRunner& system_process_runner() {
  static SystemProcessRunner runner;
  return runner;
}

EnvNameCase native_env_name_case() {
#ifdef _WIN32
  return EnvNameCase::insensitive;
#else
  return EnvNameCase::sensitive;
#endif
}

std::string_view env_entry_name(std::string_view entry) {
  // Windows keeps per-drive directories as "=C:=C:\dir": a leading '=' belongs to the name.
  const std::size_t eq = entry.find('=', entry.empty() ? 0 : 1);
  return eq == std::string_view::npos ? entry : entry.substr(0, eq);
}

std::optional<std::string> get_env(const std::vector<std::string>& env, std::string_view name, EnvNameCase c) {
  for (const std::string& e : env) {
    const std::string_view n = env_entry_name(e);
    if (names_equal(n, name, c)) return n.size() < e.size() ? e.substr(n.size() + 1) : std::string();
  }
  return std::nullopt;
}

void set_env(std::vector<std::string>& env, std::string_view name, std::string_view value, EnvNameCase c) {
  unset_env(env, name, c);
  std::string entry(name);
  entry += '=';
  entry += value;
  env.push_back(std::move(entry));
}

void unset_env(std::vector<std::string>& env, std::string_view name, EnvNameCase c) {
  std::vector<std::string> kept;
  kept.reserve(env.size());
  for (std::string& e : env) {
    if (!names_equal(env_entry_name(e), name, c)) kept.push_back(std::move(e));
  }
  env = std::move(kept);
}

}  // namespace adrestore::platform
