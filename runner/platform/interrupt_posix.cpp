#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "platform/interrupt.h"

namespace adrestore::platform {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

}  // namespace

std::atomic<bool>& install_interrupt_flag() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR and the loop checks the flag
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    return true;
  }();
  (void)installed;
  return g_interrupted;
}

bool is_terminal(int fd) { return ::isatty(fd) != 0; }

bool read_secret_line(const char* prompt, std::string& out) {
  if (!::isatty(0)) return false;
  std::fprintf(stderr, "%s", prompt);
  std::fflush(stderr);
  termios old {};
  ::tcgetattr(0, &old);
  termios quiet = old;
  quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
  ::tcsetattr(0, TCSAFLUSH, &quiet);
  std::getline(std::cin, out);
  ::tcsetattr(0, TCSAFLUSH, &old);
  std::fprintf(stderr, "\n");
  return true;
}

void die_now() {
  ::kill(::getpid(), SIGKILL);
  ::_exit(137);
}

}  // namespace adrestore::platform
