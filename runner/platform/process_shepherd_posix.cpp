// The shepherd and the program's side of the fork (see process_posix_internal.h). Only
// async-signal-safe calls from here on: the runner that forked us may have had other threads,
// so the heap, stdio and locks are off limits.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <initializer_list>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "platform/process_posix_internal.h"

namespace adrestore::platform::posix_detail {
namespace {

volatile sig_atomic_t g_sigchld_fd = -1;

void on_sigchld(int) {
  const int saved = errno;
  const char c = 0;
  if (g_sigchld_fd >= 0) {
    const ssize_t ignored = ::write(g_sigchld_fd, &c, 1);
    (void)ignored;
  }
  errno = saved;
}

std::int64_t now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void send_msg(int fd, MsgKind kind, std::int32_t a, std::int32_t b) {
  Msg m;
  m.kind = static_cast<std::int32_t>(kind);
  m.a = a;
  m.b = b;
  while (::write(fd, &m, sizeof m) < 0 && errno == EINTR) {
  }
}

[[noreturn]] void fail_spawn(int status_fd, SpawnStage stage, int err) {
  send_msg(status_fd, MsgKind::spawn_failed, static_cast<std::int32_t>(stage), err);
  ::_exit(0);
}

// Every disposition back to the default and nothing blocked: neither the shepherd nor the
// program may run the runner's handlers or inherit its ignored signals (SIGPIPE especially).
void reset_signals() {
  struct sigaction sa = {};
  sa.sa_handler = SIG_DFL;
  ::sigemptyset(&sa.sa_mask);
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &sa, nullptr);  // reserved ones fail: fine
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

int parse_nonnegative(const char* s) {
  if (*s == '\0') return -1;
  int v = 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9' || v > 100000000) return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

bool close_range_raw(unsigned first, unsigned last) {
  if (first > last) return true;
#if defined(__linux__) && defined(SYS_close_range)
  return ::syscall(SYS_close_range, first, last, 0) == 0;
#else
  return false;
#endif
}

#ifdef __linux__
// Calls fn(name) for each entry of an open directory, with raw getdents64 (no allocation).
template <class Fn>
bool for_each_dirent(int dir, Fn fn) {
  alignas(8) char buf[4096];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    for (long pos = 0; pos < n;) {
      unsigned short reclen = 0;  // struct linux_dirent64: ino(8) off(8) reclen(2) type(1) name
      std::memcpy(&reclen, buf + pos + 16, sizeof reclen);
      if (reclen == 0) return false;
      fn(buf + pos + 19);
      pos += reclen;
    }
  }
}

// Closes descriptors listed in /proc/self/fd: collect, close, repeat until nothing is left.
bool close_listed(int low, int keep) {
  const int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  for (;;) {
    int fds[256];
    int count = 0;
    bool full = false;
    ::lseek(dir, 0, SEEK_SET);
    const bool ok = for_each_dirent(dir, [&](const char* name) {
      const int fd = parse_nonnegative(name);
      if (fd < low || fd == dir || fd == keep) return;
      if (count < 256) {
        fds[count++] = fd;
      } else {
        full = true;
      }
    });
    for (int i = 0; i < count; ++i) ::close(fds[i]);
    if (!ok) {
      ::close(dir);
      return false;
    }
    if (!full) break;
  }
  ::close(dir);
  return true;
}

// The parent pid in /proc/<pid>/stat ("pid (comm) S ppid ..."; comm may hold ')' and spaces).
int read_ppid(const char* pid_text) {
  char path[64] = "/proc/";
  std::size_t len = 6;
  for (const char* p = pid_text; *p && len < 40; ++p) path[len++] = *p;
  const char* tail = "/stat";
  for (const char* p = tail; *p; ++p) path[len++] = *p;
  path[len] = '\0';
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[512];
  ssize_t n;
  do {
    n = ::read(fd, buf, sizeof buf - 1);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n <= 0) return -1;
  const char* rparen = nullptr;
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] == ')') rparen = buf + i;
  }
  if (!rparen || rparen + 4 >= buf + n) return -1;
  const char* p = rparen + 4;  // skip ") S "
  int v = 0;
  bool any = false;
  for (; p < buf + n && *p >= '0' && *p <= '9'; ++p) {
    v = v * 10 + (*p - '0');
    any = true;
  }
  return any ? v : -1;
}

// Calls fn(pid) for each process whose parent is this process.
template <class Fn>
void for_each_child(Fn fn) {
  const int self = static_cast<int>(::getpid());
  const int dir = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  for_each_dirent(dir, [&](const char* name) {
    const int pid = parse_nonnegative(name);
    if (pid > 0 && read_ppid(name) == self) fn(static_cast<pid_t>(pid));
  });
  ::close(dir);
}
#endif

// Closes every descriptor >= low except `keep` (-1: none).
void close_from(int low, int keep) {
  if (keep >= low) {
    if (close_range_raw(static_cast<unsigned>(low), static_cast<unsigned>(keep) - 1U) &&
        close_range_raw(static_cast<unsigned>(keep) + 1U, ~0U)) {
      return;
    }
  } else if (close_range_raw(static_cast<unsigned>(low), ~0U)) {
    return;
  }
#ifdef __linux__
  if (close_listed(low, keep)) return;
#endif
  rlimit rl{};
  int max = 65536;
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536) {
    max = static_cast<int>(rl.rlim_cur);
  }
  for (int fd = low; fd < max; ++fd) {
    if (fd != keep) ::close(fd);
  }
}

// The program's process group, the program itself until it is reaped (it may not have
// reached setsid yet), and (Linux) every child of the shepherd: each orphan of the tree that was
// re-parented here, whatever its session or group.
void signal_tree(pid_t pgid, bool main_reaped, int sig) {
  ::kill(-pgid, sig);
  if (!main_reaped) ::kill(pgid, sig);
#ifdef __linux__
  for_each_child([sig](pid_t p) { ::kill(p, sig); });
#endif
}

bool group_gone(pid_t pgid) { return ::kill(-pgid, 0) != 0 && errno == ESRCH; }

// Whether the exec succeeded: the child writes {stage, errno} to a close-on-exec pipe when
// it fails, so end-of-file without a report means the program is running.
struct ExecWatch {
  int fd = -1;
  bool pending = true;
  bool failed = false;
  std::int32_t report[2] = {0, 0};
  std::size_t got = 0;

  // Reads what is there (the descriptor is non-blocking); true once the outcome is known.
  bool poll_once() {
    while (pending) {
      const ssize_t n = ::read(fd, reinterpret_cast<char*>(report) + got, sizeof report - got);
      if (n > 0) {
        got += static_cast<std::size_t>(n);
        if (got == sizeof report) {
          failed = true;
          finish();
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return false;
      finish();  // end of file (exec succeeded), or an error we cannot do better with
    }
    return true;
  }
  void finish() {
    pending = false;
    ::close(fd);
    fd = -1;
  }
};

// Reaps every finished child; reports the program's start (once the exec outcome is known)
// and end. True when no child is left.
bool reap(pid_t main_pid, int status_fd, ExecWatch& exec, bool& started_sent, bool& main_done) {
  for (;;) {
    int st = 0;
    const pid_t r = ::waitpid(-1, &st, WNOHANG);
    if (r > 0) {
      if (r == main_pid && !main_done) {
        main_done = true;
        // The child wrote its report (if any) before it exited and the pipe's last writer is
        // gone, so this read finds the report or the end of file.
        exec.poll_once();
        if (exec.failed) {
          send_msg(status_fd, MsgKind::spawn_failed, exec.report[0], exec.report[1]);
        } else {
          if (!started_sent) send_msg(status_fd, MsgKind::started, static_cast<std::int32_t>(main_pid), 0);
          started_sent = true;
          send_msg(status_fd, MsgKind::exited, st, 0);
        }
      }
      continue;
    }
    if (r == 0) return false;
    if (errno == EINTR) continue;
    return true;  // ECHILD
  }
}

[[noreturn]] void child_exec(const ShepherdArgs& a, int err_w) {
  std::int32_t report[2] = {static_cast<std::int32_t>(SpawnStage::setup), 0};
  auto fail = [&](SpawnStage stage) {
    report[0] = static_cast<std::int32_t>(stage);
    report[1] = errno;
    const ssize_t ignored = ::write(err_w, report, sizeof report);
    (void)ignored;
    ::_exit(127);
  };
  // A new session: its own process group, and no controlling terminal, so a program that
  // opens /dev/tty to prompt fails at once instead of waiting for the timeout.
  if (::setsid() < 0) fail(SpawnStage::setup);
  reset_signals();
  close_from(3, err_w);
  if (a.working_dir && ::chdir(a.working_dir) != 0) fail(SpawnStage::chdir);
  ::execve(a.program, a.argv, a.envp);
  fail(SpawnStage::exec);
  ::_exit(127);
}

void set_cloexec(int fd) { ::fcntl(fd, F_SETFD, FD_CLOEXEC); }

[[noreturn]] void supervise(pid_t pid, const ShepherdArgs& a, int status_fd, int control_fd, int chld_fd,
                           ExecWatch& exec) {
  enum class Phase { running, stopping, killing };
  Phase phase = Phase::running;
  bool started_sent = false;
  bool main_done = false;
  bool control_open = true;
  std::int64_t kill_at = 0;
  std::int64_t give_up_at = 0;
  auto start_stopping = [&] {
    signal_tree(pid, main_done, SIGTERM);
    signal_tree(pid, main_done, SIGCONT);  // a stopped process only sees SIGTERM once continued
    phase = Phase::stopping;
    kill_at = now_ms() + a.grace_ms;
  };
  auto start_killing = [&] {
    phase = Phase::killing;
    give_up_at = now_ms() + a.give_up_ms;
  };
  for (;;) {
    if (exec.pending && exec.poll_once() && !exec.failed && !started_sent) {
      started_sent = true;
      send_msg(status_fd, MsgKind::started, static_cast<std::int32_t>(pid), 0);
    }
    const bool no_children = reap(pid, status_fd, exec, started_sent, main_done);
    if (main_done && no_children && group_gone(pid)) ::_exit(0);
    if (main_done && phase == Phase::running) start_stopping();  // it left processes behind
    if (phase == Phase::stopping && now_ms() >= kill_at) start_killing();
    if (phase == Phase::killing) {
      signal_tree(pid, main_done, SIGKILL);
      if (now_ms() >= give_up_at) {
        send_msg(status_fd, MsgKind::strays, 0, 0);
        ::_exit(0);
      }
    }
    int timeout = -1;
    if (phase == Phase::stopping) {
      const std::int64_t left = kill_at - now_ms();
      timeout = static_cast<int>(left < 0 ? 0 : (left > 50 ? 50 : left));
    } else if (phase == Phase::killing) {
      timeout = 10;
    }
    pollfd fds[3] = {{chld_fd, POLLIN, 0},
                     {control_open ? control_fd : -1, POLLIN, 0},
                     {exec.pending ? exec.fd : -1, POLLIN, 0}};
    if (::poll(fds, 3, timeout) < 0) continue;  // EINTR: SIGCHLD
    if (fds[0].revents) {
      char drain[64];
      while (::read(chld_fd, drain, sizeof drain) > 0) {
      }
    }
    if (control_open && fds[1].revents) {
      char c = 0;
      const ssize_t n = ::read(control_fd, &c, 1);
      if (n > 0) {
        if (c == k_ctl_stop && phase == Phase::running) start_stopping();
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        // The runner is gone: nobody is left to decide, so nothing of the tree may live on.
        control_open = false;
        if (phase != Phase::killing) start_killing();
      }
    }
  }
}

}  // namespace

[[noreturn]] void shepherd_main(const ShepherdArgs& a) {
  reset_signals();
  // Terminal and pipe signals are the runner's business; it tells us what to do.
  for (int s : {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU}) {
    struct sigaction ign = {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(s, &ign, nullptr);
  }

  // Descriptors: 0 null device, 1 and 2 the output pipes, 3 status, 4 control; nothing else.
  // Everything goes up out of the way first, so no dup2 can overwrite a source.
  const int src[5] = {a.devnull, a.out_w, a.err_w, a.status_w, a.control_r};
  int high[5];
  for (int i = 0; i < 5; ++i) {
    high[i] = ::fcntl(src[i], F_DUPFD_CLOEXEC, 16);
    if (high[i] < 0) fail_spawn(a.status_w, SpawnStage::setup, errno);
  }
  for (int i = 0; i < 5; ++i) {
    if (::dup2(high[i], i) < 0) fail_spawn(high[3], SpawnStage::setup, errno);
  }
  const int status_fd = 3;
  const int control_fd = 4;
  set_cloexec(status_fd);
  set_cloexec(control_fd);
  close_from(5, -1);

#ifdef __linux__
  // Orphans of the tree come to us instead of init. If this fails, the process group alone
  // still covers every descendant that did not call setsid/setpgid.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif

  int chld[2];
  int errp[2];
  if (::pipe(chld) != 0 || ::pipe(errp) != 0) fail_spawn(status_fd, SpawnStage::setup, errno);
  for (int fd : {chld[0], chld[1], errp[0], errp[1]}) set_cloexec(fd);
  for (int fd : {chld[0], chld[1]}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  g_sigchld_fd = chld[1];
  struct sigaction on_chld = {};
  on_chld.sa_handler = on_sigchld;
  on_chld.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  ::sigemptyset(&on_chld.sa_mask);
  ::sigaction(SIGCHLD, &on_chld, nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) fail_spawn(status_fd, SpawnStage::fork, errno);
  if (pid == 0) child_exec(a, errp[1]);
  ::close(errp[1]);
  // Keep no copy of the program's output pipes, so they close when the tree is gone.
  ::dup2(0, 1);
  ::dup2(0, 2);
  ExecWatch exec;
  exec.fd = errp[0];
  ::fcntl(exec.fd, F_SETFL, ::fcntl(exec.fd, F_GETFL) | O_NONBLOCK);
  supervise(pid, a, status_fd, control_fd, chld[0], exec);
}

}  // namespace adrestore::platform::posix_detail
