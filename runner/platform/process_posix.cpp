// run_process() on POSIX: the runner's side. See process_posix_internal.h for the shepherd
// that holds the program's tree, and process.h for the contract.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "base/text.h"
#include "platform/process.h"
#include "platform/process_output.h"
#include "platform/process_posix_internal.h"

extern char** environ;

namespace adrestore::platform {
namespace {

using Clock = std::chrono::steady_clock;
using posix_detail::Msg;
using posix_detail::MsgKind;
using posix_detail::SpawnStage;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

Status os_error(const std::string& what, int err) {
  return Status::error(err == ENOENT ? Code::not_found : Code::io, what + ": " + std::strerror(err));
}

// Both ends close-on-exec from the start, so no concurrent fork elsewhere inherits them.
bool make_pipe(Fd& r, Fd& w) {
  int p[2];
#ifdef __linux__
  if (::pipe2(p, O_CLOEXEC) != 0) return false;
#else
  if (::pipe(p) != 0) return false;
  ::fcntl(p[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(p[1], F_SETFD, FD_CLOEXEC);
#endif
  r.reset(p[0]);
  w.reset(p[1]);
  return true;
}

bool make_socket_pair(Fd& a, Fd& b) {
  int s[2];
#ifdef SOCK_CLOEXEC
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) != 0) return false;
#else
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) return false;
  ::fcntl(s[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(s[1], F_SETFD, FD_CLOEXEC);
#endif
  a.reset(s[0]);
  b.reset(s[1]);
  return true;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

Status check_spec(const ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) return Status::error(Code::invalid_input, "no program to run");
  if (spec.argv[0][0] != '/') {
    return Status::error(Code::invalid_input,
                         "the program must be an absolute host path (no PATH search here): " + spec.argv[0]);
  }
  for (const std::string& a : spec.argv) {
    if (has_nul(a)) return Status::error(Code::invalid_input, "an argument contains a NUL byte");
  }
  for (const std::string& e : spec.env) {
    if (has_nul(e) || e.find('=') == std::string::npos || e[0] == '=') {
      return Status::error(Code::invalid_input, "malformed environment entry (expected NAME=VALUE)");
    }
  }
  if (has_nul(spec.working_dir)) return Status::error(Code::invalid_input, "the working directory contains a NUL byte");
  return Status::ok();
}

Status spawn_failure(const ProcessSpec& spec, SpawnStage stage, int err) {
  switch (stage) {
    case SpawnStage::chdir:
      return os_error("cannot change to the working directory " + spec.working_dir, err);
    case SpawnStage::exec:
      return os_error("cannot run " + spec.argv[0], err);
    case SpawnStage::fork:
      return os_error("cannot create a process for " + spec.argv[0], err);
    case SpawnStage::setup:
      break;
  }
  return os_error("cannot prepare the process for " + spec.argv[0], err);
}

std::int64_t ms_until(Clock::time_point t, Clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count();
}

// What the runner's loop knows about the shepherd and the program.
struct Supervision {
  pid_t program = 0;
  bool started = false;
  bool spawn_reported = false;
  bool program_ended = false;  // its end is known; leftovers may still be being stopped
  bool stop_sent = false;
  Clock::time_point stop_sent_at;
  bool hard_killed = false;
};

}  // namespace

ProcessResult run_process(const ProcessSpec& spec) {
  ProcessResult r;
  r.spawn_error = check_spec(spec);
  if (!r.spawn_error) return r;

  std::vector<char*> argv;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  Fd out_r, out_w, err_r, err_w, status_r, status_w, control_w, control_r;
  if (devnull.get() < 0 || !make_pipe(out_r, out_w) || !make_pipe(err_r, err_w) || !make_pipe(status_r, status_w) ||
      !make_socket_pair(control_w, control_r)) {
    r.spawn_error = os_error("cannot create pipes for " + spec.argv[0], errno);
    return r;
  }

  posix_detail::ShepherdArgs args;
  args.devnull = devnull.get();
  args.out_w = out_w.get();
  args.err_w = err_w.get();
  args.status_w = status_w.get();
  args.control_r = control_r.get();
  args.program = spec.argv[0].c_str();
  args.argv = argv.data();
  args.envp = envp.data();
  args.working_dir = spec.working_dir.empty() ? nullptr : spec.working_dir.c_str();
  args.grace_ms = std::max<std::int64_t>(0, spec.kill_grace.count());

  const Clock::time_point start = Clock::now();
  const pid_t shepherd = ::fork();
  if (shepherd < 0) {
    r.spawn_error = os_error("cannot create a process for " + spec.argv[0], errno);
    return r;
  }
  if (shepherd == 0) posix_detail::shepherd_main(args);

  devnull.reset();
  out_w.reset();
  err_w.reset();
  status_w.reset();
  control_r.reset();
  set_nonblocking(out_r.get());
  set_nonblocking(err_r.get());
#ifdef F_SETPIPE_SZ
  // Larger pipes mean fewer wake-ups for a chatty program; the default 64 KiB is kept if the
  // system refuses.
  ::fcntl(out_r.get(), F_SETPIPE_SZ, 1 << 20);
  ::fcntl(err_r.get(), F_SETPIPE_SZ, 1 << 20);
#endif
  set_nonblocking(status_r.get());

  OutputCapture capture(spec.output, spec.output_cap);
  std::vector<char> buf(256 * 1024);
  Supervision sv;
  std::string status_bytes;

  auto send_stop = [&](Clock::time_point now) {
    sv.stop_sent = true;
    sv.stop_sent_at = now;
    const char c = posix_detail::k_ctl_stop;
    ::send(control_w.get(), &c, 1, MSG_NOSIGNAL);
  };
  auto read_output = [&](Fd& fd, OutputStream stream) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n > 0) {
      capture.add(stream, buf.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      fd.reset();
    }
  };
  auto handle_msg = [&](const Msg& m, Clock::time_point now) {
    switch (static_cast<MsgKind>(m.kind)) {
      case MsgKind::started:
        sv.started = true;
        sv.spawn_reported = true;
        sv.program = static_cast<pid_t>(m.a);
        break;
      case MsgKind::spawn_failed:
        sv.spawn_reported = true;
        r.spawn_error = spawn_failure(spec, static_cast<SpawnStage>(m.a), m.b);
        break;
      case MsgKind::exited:
        sv.program_ended = true;
        r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
        if (WIFEXITED(m.a)) {
          r.exited = true;
          r.exit_code = WEXITSTATUS(m.a);
        } else if (WIFSIGNALED(m.a)) {
          r.signal = WTERMSIG(m.a);
#ifdef WCOREDUMP
          r.core_dumped = WCOREDUMP(m.a);
#endif
        }
        break;
      case MsgKind::strays:
        r.strays = true;
        break;
    }
  };

  // Until the shepherd closes the status pipe, which it does only once the tree is gone.
  while (status_r.get() >= 0) {
    const Clock::time_point now = Clock::now();
    // Once the program has ended, its deadline no longer applies: the shepherd is only
    // stopping leftovers, which it does within its own bounds.
    if (!sv.stop_sent && !sv.program_ended) {
      if (spec.timeout.count() > 0 && now >= start + spec.timeout) {
        r.timed_out = true;
        send_stop(now);
      } else if (spec.cancel && spec.cancel->load()) {
        r.cancelled = true;
        send_stop(now);
      }
    }
    // Safety net: a shepherd that does not finish the job in time is killed, and so is the
    // program's group, from here.
    const Clock::time_point hard_deadline = sv.stop_sent_at + spec.kill_grace + std::chrono::seconds(10);
    if (sv.stop_sent && !sv.hard_killed && now >= hard_deadline) {
      sv.hard_killed = true;
      r.strays = true;
      if (sv.program > 0) ::kill(-sv.program, SIGKILL);
      ::kill(shepherd, SIGKILL);
    }

    std::int64_t wait_ms = -1;
    auto at_most = [&](std::int64_t ms) { wait_ms = wait_ms < 0 ? ms : std::min(wait_ms, ms); };
    if (!sv.stop_sent && !sv.program_ended) {
      if (spec.timeout.count() > 0) at_most(std::max<std::int64_t>(0, ms_until(start + spec.timeout, now) + 1));
      if (spec.cancel) at_most(100);
    }
    if (sv.stop_sent && !sv.hard_killed) at_most(std::max<std::int64_t>(0, ms_until(hard_deadline, now) + 1));

    pollfd fds[3] = {{status_r.get(), POLLIN, 0}, {out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
    const int rc = ::poll(fds, 3, static_cast<int>(std::min<std::int64_t>(wait_ms, 1 << 30)));
    if (rc < 0) continue;  // EINTR
    if (fds[1].revents) read_output(out_r, OutputStream::out);
    if (fds[2].revents) read_output(err_r, OutputStream::err);
    if (fds[0].revents) {
      const ssize_t n = ::read(status_r.get(), buf.data(), buf.size());
      if (n > 0) {
        status_bytes.append(buf.data(), static_cast<std::size_t>(n));
        while (status_bytes.size() >= sizeof(Msg)) {
          Msg m;
          std::memcpy(&m, status_bytes.data(), sizeof m);
          status_bytes.erase(0, sizeof m);
          handle_msg(m, Clock::now());
        }
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        status_r.reset();
      }
    }
  }

  int st = 0;
  while (::waitpid(shepherd, &st, 0) < 0 && errno == EINTR) {
  }
  if (!sv.spawn_reported) {
    r.spawn_error = Status::error(Code::internal, "the supervisor of " + spec.argv[0] + " ended unexpectedly");
  } else if (r.spawn_error.is_ok() && !r.exited && r.signal == 0) {
    r.strays = true;  // the shepherd died before it could report the program's end
  }
  if (r.spawn_error.is_ok() && r.duration.count() == 0) {
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  }

  // The tree is gone, so the pipes are at their end unless an escaped process holds them:
  // take what is buffered, for a short while at most, and never wait for more.
  const Clock::time_point drain_until = Clock::now() + std::chrono::milliseconds(200);
  while (out_r.get() >= 0 || err_r.get() >= 0) {
    const std::int64_t left = ms_until(drain_until, Clock::now());
    if (left <= 0) break;
    pollfd fds[2] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(left)) <= 0) continue;
    if (fds[0].revents) read_output(out_r, OutputStream::out);
    if (fds[1].revents) read_output(err_r, OutputStream::err);
  }

  capture.finish();
  capture.report(r);
  return r;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

Result<std::string> find_on_path(const std::string& name, const std::string& path_value) {
  if (name.empty() || name.find('/') != std::string::npos) {
    return Status::error(Code::invalid_input, "not a bare program name: " + name);
  }
  std::vector<std::string> searched;
  for (const std::string& dir : split(path_value, ':')) {
    // Empty and relative entries would make the program depend on the current directory.
    if (dir.empty() || dir[0] != '/') continue;
    searched.push_back(dir);
    const std::string candidate = dir + (ends_with(dir, "/") ? "" : "/") + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return Status::error(Code::not_found, "program " + name + " not found on PATH" +
                                            (searched.empty() ? std::string(" (PATH has no absolute directory)")
                                                              : " (searched " + join(searched, ", ") + ")"));
}

}  // namespace adrestore::platform
