// The `listbench` subcommands. Each takes its own argv (argv[0] is the
// command name), prints results to stdout and diagnostics to stderr, and
// returns the process exit status:
//   0 success, 1 the check failed (e.g. verify found a mismatch),
//   2 bad input (flags, directories, stores from another engine/version),
//   3 a runtime error (I/O, corruption).
// Bad input always produces exactly one line on stderr naming the input.
#ifndef LISTBENCH_BENCH_CLI_COMMANDS_H_
#define LISTBENCH_BENCH_CLI_COMMANDS_H_

#include <string_view>

#include "core/status.h"

namespace listbench {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitRuntimeError = 3;

int LoadCommand(int argc, char** argv);
int VerifyCommand(int argc, char** argv);
int RunCommand(int argc, char** argv);
int CompareCommand(int argc, char** argv);
int CheckCommand(int argc, char** argv);
int SchemaChangeCommand(int argc, char** argv);
int SweepCommand(int argc, char** argv);
int SaturateCommand(int argc, char** argv);
int DrillCommand(int argc, char** argv);
int DrillChildCommand(int argc, char** argv);  // internal: a crash drill's child
int FailoverCommand(int argc, char** argv);
// One copy of an embedded store in its own process, started by `failover`.
int FailoverNodeCommand(int argc, char** argv);
int MigrateCommand(int argc, char** argv);
int MigrateChildCommand(int argc, char** argv);  // internal: the migration process of migrate

// Dispatches `listbench <command> ...`.
int RunListbench(int argc, char** argv);

// Prints "listbench <command>: <message>" to stderr and returns the exit
// status for `s`: kExitBadInput for InvalidArgument/NotSupported/NotFound
// (what the user pointed us at), kExitRuntimeError otherwise.
int ReportError(std::string_view command, const Status& s);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_CLI_COMMANDS_H_
