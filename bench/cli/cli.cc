#include <cstdio>
#include <cstring>
#include <string>

#include "bench/cli/commands.h"
#include "bench/harness/build_info.h"

namespace listbench {
namespace {

constexpr const char* kUsage =
    "usage: listbench <command> [flags]\n"
    "\n"
    "commands:\n"
    "  load     generate the seeded dataset and bulk-load it into one engine or several\n"
    "  verify   load the engines (sqlite and rocksdb by default), run one seeded\n"
    "           operation stream against each, compare each engine's results op by op\n"
    "           with sqlite's and check each store's invariants\n"
    "  run      run a workload file against one engine: latency per pattern, counted work\n"
    "  compare  run a workload's identical trace against the engines, side by side;\n"
    "           writes summary.json, ops.csv and series.csv\n"
    "  check    compare a summary.json with a baseline; exit 1 on a regression\n"
    "  schema-change\n"
    "           add a backfilled field to listings while a write workload runs (SQLite\n"
    "           blocking, SQLite batched, RocksDB lazy): change time, write stalls, failures\n"
    "  sweep    load and run each engine at several scales in child processes; fit how\n"
    "           load time, disk, peak RSS and latency grow; writes sweep.json/.csv/.md\n"
    "  saturate step the open-loop offered rate up with N client threads until p99\n"
    "           passes the SLO or throughput stops rising: the knee and the highest rate\n"
    "           meeting the SLO per engine; writes saturate.json/.csv and plots\n"
    "  drill    run a fault scenario (sim/scenarios/*.toml): crash drills (SIGKILL, power\n"
    "           loss) and error drills (I/O errors, disk full, latency); lost acknowledged\n"
    "           writes, integrity, recovery time\n"
    "  failover kill the primary of a replicated store (postgres streaming replication,\n"
    "           rocksdb or sqlite log shipping) under the workload:\n"
    "           detection, promotion, RTO, RPO, client errors and the old primary's\n"
    "           rejoin, per run; writes failover.json and plots\n"
    "  migrate  migrate SQLite to the single table with the workload live: dual write,\n"
    "           backfill, shadow reads, gated canary, cutover, finalize or rollback; kills\n"
    "           and I/O faults from a migration scenario; every answer checked\n"
    "\n"
    "`listbench <command> --help` lists a command's flags.\n";

}  // namespace

int ReportError(std::string_view command, const Status& s) {
  std::fprintf(stderr, "listbench %.*s: %s\n", static_cast<int>(command.size()), command.data(),
               s.message().empty() ? s.ToString().c_str() : s.message().c_str());
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotSupported:
    case StatusCode::kNotFound:
      return kExitBadInput;
    default:
      return kExitRuntimeError;
  }
}

int RunListbench(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitBadInput : kExitOk;
  }
  const std::string command = argv[1];
  if (command == "--version") {
    std::printf("listbench %s (%s, %s)\n", ListbenchVersion().c_str(), GitCommit().c_str(),
                BuildType().c_str());
    return kExitOk;
  }
  if (command == "load") return LoadCommand(argc - 1, argv + 1);
  if (command == "verify") return VerifyCommand(argc - 1, argv + 1);
  if (command == "run") return RunCommand(argc - 1, argv + 1);
  if (command == "compare") return CompareCommand(argc - 1, argv + 1);
  if (command == "check") return CheckCommand(argc - 1, argv + 1);
  if (command == "schema-change") return SchemaChangeCommand(argc - 1, argv + 1);
  if (command == "sweep") return SweepCommand(argc - 1, argv + 1);
  if (command == "saturate") return SaturateCommand(argc - 1, argv + 1);
  if (command == "failover") return FailoverCommand(argc - 1, argv + 1);
  if (command == "failover-node") return FailoverNodeCommand(argc - 1, argv + 1);
  if (command == "drill") return DrillCommand(argc - 1, argv + 1);
  if (command == "drill-child") return DrillChildCommand(argc - 1, argv + 1);
  if (command == "migrate") return MigrateCommand(argc - 1, argv + 1);
  if (command == "migrate-child") return MigrateChildCommand(argc - 1, argv + 1);
  std::fprintf(stderr, "listbench: unknown command '%s' (try listbench --help)\n", command.c_str());
  return kExitBadInput;
}

}  // namespace listbench
