// Scenario: a drill described as data (sim/scenarios/*.toml), the way
// workloads are (workloads/*.toml). A scenario names the store configuration,
// the dataset and workload the drill runs, and either
//   * kind = "crash": every cycle a child process runs the workload on a fresh
//     copy of the store and is crashed -- killed with SIGKILL at a seeded
//     moment, or cut off by a simulated power loss at a seeded seam call that
//     drops every unsynced byte -- and the parent recovers and checks it; or
//   * kind = "errors": a timeline of faults armed and cleared at workload
//     operation indices, run in-process; afterwards the store must serve
//     again without a restart and hold exactly what it acknowledged; or
//   * kind = "migration": faults or kills of the migration process during a
//     zero-downtime migration (run by `listbench migrate --scenario`).
//
// Thread safety: plain functions over values.
//
// Format (every key optional unless marked; unknown keys are errors naming
// file and line):
//   name = "crash-durable"           # required
//   description = "..."
//   kind = "crash" | "errors" | "migration"  # required
//   durable = true                   # StoreOptions::durable
//   listings = 300                   # dataset size (seed 1 generator)
//   operations = 200                 # workload operations per cycle
//   workload = "writes"              # workloads/<name>.toml, or a path
//   cycles = 20                      # default for --cycles
//   crash = "both"                   # crash only: sigkill | power_loss | both
//   crash_one_in = 150               # power_loss: chance per write/sync call;
//                                    # migration: mean crash sites between kills
//   crashes = 10                     # migration only: kills of the migration process
//   cache_kib = 64                   # StoreOptions::cache_bytes / 1024 (0 = default);
//                                    # small caches send reads to the seam
//   reopen_at_op = 120               # errors only: close and reopen the store
//                                    # (plan still installed) before this op, so
//                                    # faults hit close and open too (0 = never)
//   [[fault]]                        # errors and migration only, any number
//   kind = "write_error"             # sim/fault_plan.h FaultKind names
//   persistent = false
//   nth = 3        | one_in = 50     # exactly one
//   max_fires = 1
//   files = ["wal", "table"]         # FileKind names; default all
//   ops = ["write"]                  # IoOp names; default the kind's own
//   byte_budget = 65536              # disk_full
//   latency_us = 2000                # latency
//   from_op = 50                     # armed before workload op 50 (0-based)
//   until_op = 120                   # cleared before op 120; 0 = never
#ifndef LISTBENCH_SIM_SCENARIO_H_
#define LISTBENCH_SIM_SCENARIO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/fault_plan.h"

namespace listbench {

enum class DrillKind : uint8_t { kCrash, kErrors, kMigration };
enum class CrashMode : uint8_t { kSigkill, kPowerLoss, kBoth };
std::string_view CrashModeName(CrashMode m);

struct TimedFault {
  FaultRule rule;
  uint64_t from_op = 0;
  uint64_t until_op = 0;  // 0 = never cleared
};

struct Scenario {
  std::string file;  // where it was read from
  std::string name;
  std::string description;
  DrillKind kind = DrillKind::kCrash;
  bool durable = true;
  uint64_t listings = 300;
  uint64_t operations = 200;
  std::string workload = "writes";
  uint64_t cycles = 20;
  CrashMode crash = CrashMode::kBoth;
  uint64_t crash_one_in = 150;
  uint64_t crashes = 0;
  uint64_t cache_kib = 0;
  uint64_t reopen_at_op = 0;
  std::vector<TimedFault> faults;
};

// InvalidArgument "<file>:<line>: <problem>" for a malformed scenario, and
// "<file>: no such scenario file" / "cannot read" (util/toml_file.h).
StatusOr<Scenario> ParseScenarioFile(const std::string& path);
StatusOr<Scenario> ParseScenarioText(const std::string& text, const std::string& name);

// The workload file a scenario names: `workload` itself when it is a path
// (contains '/' or ends in .toml); else <repo>/workloads/<workload>.toml found
// next to the scenario (../../workloads from sim/scenarios/) or, failing
// that, relative to the current directory.
std::string ScenarioWorkloadPath(const Scenario& s);

}  // namespace listbench

#endif  // LISTBENCH_SIM_SCENARIO_H_
