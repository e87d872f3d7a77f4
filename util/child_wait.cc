#include "util/child_wait.h"

#include <sys/wait.h>

#include <cerrno>
#include <thread>

namespace listbench {

bool WaitChildExit(pid_t pid, std::chrono::steady_clock::duration timeout, int* wstatus) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const pid_t got = ::waitpid(pid, wstatus, timeout < Clock::duration::zero() ? 0 : WNOHANG);
    if (got == pid) return true;
    if (got < 0 && errno != EINTR) {
      *wstatus = 0;
      return true;  // not our child any more (ECHILD): nothing to wait for
    }
    if (got == 0) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

}  // namespace listbench
