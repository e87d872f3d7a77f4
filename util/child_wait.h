// Waiting for a child process to end, with a bound: the one waitpid loop of
// the throwaway PostgreSQL server and the failover nodes.
//
// Thread safety: a plain function; one thread waits for a given child.
#ifndef LISTBENCH_UTIL_CHILD_WAIT_H_
#define LISTBENCH_UTIL_CHILD_WAIT_H_

#include <sys/types.h>

#include <chrono>

namespace listbench {

// Waits up to `timeout` (negative: without a bound; zero: a single look) for
// the child `pid` to end. True with its wait status in *wstatus once it
// ended, or with *wstatus 0 when it is not this process's child (nothing
// left to wait for); false while it still runs.
bool WaitChildExit(pid_t pid, std::chrono::steady_clock::duration timeout, int* wstatus);

}  // namespace listbench

#endif  // LISTBENCH_UTIL_CHILD_WAIT_H_
