// Running a child process and measuring it: `listbench sweep` runs each load
// and each run as a child of its own so that the peak resident memory the
// kernel reports for the child (wait4's ru_maxrss) belongs to that one
// measurement, and the drill's error matrix runs each cell as a child. A
// child whose stdout is a pipe (SpawnPiped) reports to the crash drills and
// the migration while they run.
//
// Thread safety: RunChild blocks the calling thread until the child exits;
// concurrent calls from different threads are safe (each waits for its own
// pid) as long as nothing else in the process reaps children.
#ifndef LISTBENCH_BENCH_HARNESS_CHILD_PROCESS_H_
#define LISTBENCH_BENCH_HARNESS_CHILD_PROCESS_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/status.h"

namespace listbench {

struct ChildResult {
  int exit_code = -1;        // the exit status when the child exited normally
  int term_signal = 0;       // the signal that killed it, or 0
  uint64_t max_rss_kib = 0;  // ru_maxrss. Linux carries the pre-exec footprint
                             // (the parent's, for a spawned child) into it,
                             // so it is never below the parent's peak RSS.
  double wall_seconds = 0;   // spawn to reap
  double user_seconds = 0;
  double system_seconds = 0;

  bool ok() const { return term_signal == 0 && exit_code == 0; }
  // "exit 3", "killed by signal 9 (Killed)".
  std::string Describe() const;
};

// Runs `binary` with arguments `args` (args[0] is the child's argv[0]),
// stdin from /dev/null, stdout into `stdout_path` and stderr into
// `stderr_path` (both created or truncated), and waits for it. A child that
// fails is still an OK Status with !result.ok(); IOError only when the child
// could not be started or reaped (the message names the binary).
StatusOr<ChildResult> RunChild(const std::string& binary, const std::vector<std::string>& args,
                               const std::string& stdout_path, const std::string& stderr_path);

// A started child whose stdout is a pipe into this process (the drill's and
// the migration's report lines).
struct PipedChild {
  int pid = -1;
  FILE* out = nullptr;  // the child's stdout; the caller fcloses it
};

// Starts `binary` with `args` (args[0] is argv[0]), stdin from /dev/null,
// stdout into a pipe read through PipedChild::out, stderr into
// `stderr_path`; does not wait. IOError when it cannot start (a failed exec
// is the child's exit status 127).
StatusOr<PipedChild> SpawnPiped(const std::string& binary, const std::vector<std::string>& args,
                                const std::string& stderr_path);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_CHILD_PROCESS_H_
