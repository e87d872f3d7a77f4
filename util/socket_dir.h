// Private directories for Unix sockets (a PostgreSQL server's, the failover
// nodes' and their link proxies') that do not outlive the process that made
// them, however it ends.
//
// A directory is "/tmp/listbench-<kind>-<pid>-XXXXXX": short enough for a
// socket path in it (sun_path holds 107 bytes), and named for its maker's
// pid. The maker removes it when done. When the maker ends first (a SIGKILL,
// a Ctrl-C, a crash), a watcher process it started with its first directory
// removes them as soon as the maker is gone: the watcher holds the read end
// of a pipe only the maker writes to, and the end of that pipe is the
// maker's death. A directory whose watcher was killed as well (a SIGKILL to
// both) is removed by the next MakeSocketDir of any listbench process, which
// first sweeps the directories whose maker is no longer a process.
//
// Thread safety: MakeSocketDir may be called from any thread.
#ifndef LISTBENCH_UTIL_SOCKET_DIR_H_
#define LISTBENCH_UTIL_SOCKET_DIR_H_

#include <string>

#include "core/status.h"

namespace listbench {

// Makes a fresh directory "/tmp/listbench-<kind>-<pid>-XXXXXX", mode 0700.
// `kind` is 1 to 8 lowercase letters. Starts this process's watcher if it
// has none (best effort: without one, the sweep still removes what a dead
// process left).
StatusOr<std::string> MakeSocketDir(const std::string& kind);

// Removes, with what they hold, the socket directories whose maker is no
// longer a process; leaves those of live processes and every other name
// alone. Returns how many it removed (one that cannot be removed is
// skipped).
int RemoveStaleSocketDirs();

}  // namespace listbench

#endif  // LISTBENCH_UTIL_SOCKET_DIR_H_
