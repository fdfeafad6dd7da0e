// read_mapped() on POSIX (fs.h): a read of a mapped file past its end, after the file shrank
// under the mapping, raises SIGBUS in the reading thread. A process-wide handler, installed
// on first use, jumps back to the read_mapped() call of that thread; a SIGBUS anywhere else
// goes to the handler that was there before (or ends the process as usual).
#include <setjmp.h>
#include <signal.h>

#include <mutex>

#include "platform/fs.h"

namespace adrestore::platform {
namespace {

thread_local sigjmp_buf* t_jump = nullptr;
struct sigaction g_previous {};

void on_sigbus(int sig, siginfo_t* info, void* context) {
  if (sigjmp_buf* jump = t_jump) {
    t_jump = nullptr;
    siglongjmp(*jump, 1);
  }
  // Not ours: put the previous action back; the faulting access repeats and gets it.
  ::sigaction(SIGBUS, &g_previous, nullptr);
  (void)sig;
  (void)info;
  (void)context;
}

void install_handler() {
  struct sigaction sa {};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGBUS, &sa, &g_previous);
}

}  // namespace

bool read_mapped(const std::function<void()>& read) {
  static std::once_flag installed;
  std::call_once(installed, install_handler);
  sigjmp_buf jump;
  // savemask = 1: the jump restores this thread's signal mask.
  if (sigsetjmp(jump, 1) != 0) return false;
  t_jump = &jump;
  read();
  t_jump = nullptr;
  return true;
}

}  // namespace adrestore::platform
