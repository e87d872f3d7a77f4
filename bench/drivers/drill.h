// Drills: a scenario (sim/scenario.h) run against one engine, checking what
// the store lost and whether it stayed correct.
//
// Crash drill, per cycle: a fresh copy of the drill's base store; a child
// process (`listbench drill-child`, RunDrillChild below) runs the workload on
// it and reports every write to the parent through a pipe -- "B i" before it
// starts write i, "A i <outcome> <version>" after -- the oracle, outside the
// store's files. The parent SIGKILLs the child at a seeded moment, or the
// child's seam simulates power loss at a seeded call (sim/fault_plan.h) and
// the child rolls its files back and exits. The parent then reopens the store
// (timing open + first read: the recovery time), and checks:
//   * every acknowledged write (outcome ok) is present -- by a probe of the
//     state the write must have left, monotone under later writes;
//   * no holes: no write absent (acknowledged, or of unknown outcome) while a
//     later one is present -- what survived is a prefix of what was sent;
//   * the store's own invariants (SQLite integrity_check + foreign keys;
//     single-table denormalized copies and index items);
//   * once the store is closed, the engine's full check of its files
//     (engine/store_dir.h VerifyStoreFiles: RocksDB VerifyChecksum after a
//     read-only open with paranoid_checks, SQLite integrity_check), which
//     every errors-drill cycle also gets after its final reopen;
//   * the differential check: a reference copy of the base replays exactly
//     the writes before the first one that did not survive, and every read
//     of a verify trace (plus every listing the cycle touched) answers
//     identically on both.
// Writes with no outcome when the crash came, or that failed with IOError,
// are "unknown outcome": counted, and their presence reported, never lost.
//
// Concurrent writers (DrillOptions::threads > 1): the child deals op i of
// the trace to writer thread i % threads; each writer announces and answers
// its own writes through one mutex-guarded pipe writer (drill_oracle.h), an
// answer only after the store returned. Outcomes then depend on the
// interleaving (a conflict where the sequential run succeeded), so the checks
// use what each writer was told: every write answered ok is present; no
// hole in real-time order (a write acknowledged before another began is
// absent while that one survived); the store's invariants; and the
// differential check against a reference that replays the surviving writes
// in the order of their acknowledgments (drill.cc ReplayConcurrent).
//
// Errors drill, per cycle, in-process: the store opened with a fault plan
// whose rules the scenario's timeline arms and clears at operation indices; a
// reference copy runs in lockstep without faults. Each read that succeeds
// must answer exactly as the reference; a write that succeeds is applied to
// the reference; a write that fails with IOError is probed (faults paused)
// and applied to the reference iff it took effect. After the timeline the
// faults are cleared and further operations must succeed without reopening;
// then invariants, the differential check, close, reopen, invariants, and
// every acknowledged write present again.
//
// Thread safety: a drill uses its work directory exclusively.
#ifndef LISTBENCH_BENCH_DRIVERS_DRILL_H_
#define LISTBENCH_BENCH_DRIVERS_DRILL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/store_dir.h"
#include "sim/fault_plan.h"
#include "sim/scenario.h"

namespace listbench {

struct DrillOptions {
  std::string work_dir;  // base copies, cycle copies, references
  std::string binary;    // the listbench executable (crash children)
  // The dataset seed, as in every command; cycle c's trace and fault plan
  // use seed + c (printed on failure).
  uint64_t seed = 1;
  uint64_t cycles = 0;       // 0 = the scenario's
  uint64_t first_cycle = 0;  // replay one cycle: --seed S --first-cycle C --cycles 1
  // Kill-point sweep (crash scenarios): instead of seeded crash points,
  // cycle c crashes the child at its (c+1)-th write or sync call, until a
  // cycle completes without reaching its crash point.
  bool kill_point_sweep = false;
  bool progress = false;  // a line per 10% on stderr
  // Crash scenarios: the child's writer threads; op i of the trace runs on
  // writer i % threads (bench/harness/runner.h's dealing).
  int threads = 1;
  // The SQLite store's index profile (ignored for RocksDB).
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;
};

struct CycleRecord {
  uint64_t cycle = 0;
  uint64_t seed = 0;
  std::string crash;  // "sigkill", "power_loss", "none" (ran to the end), "errors"
  uint64_t ops_started = 0;
  uint64_t acknowledged = 0;
  uint64_t lost = 0;
  uint64_t unknown = 0;
  uint64_t unknown_present = 0;
  bool integrity_ok = true;
  // The engine's full check of the closed store after the cycle
  // (VerifyStoreFiles: RocksDB VerifyChecksum on a paranoid open, SQLite
  // integrity_check): whether it ran and whether it passed.
  bool files_checked = false;
  bool files_ok = true;
  bool differential_ok = true;
  double recovery_ms = 0;
  double started_at_s = 0;            // since the drill started
  double workload_seconds = 0;        // crash drills: first write announced to last outcome
  std::vector<std::string> problems;  // empty = clean cycle
};

// A per-interval point of an errors drill's timeline (first cycle).
struct SeriesPoint {
  double t = 0;  // seconds since the workload started (interval start)
  uint64_t ops = 0;
  double ops_per_s = 0;
  double p99_us = 0;
  uint64_t errors = 0;
};

struct DrillResult {
  Engine engine = Engine::kSqlite;
  std::string scenario;
  bool durable = true;
  uint64_t seed = 1;
  int threads = 1;  // the crash child's writer threads
  uint64_t cycles = 0;
  std::map<std::string, uint64_t> outcomes;  // canonical outcome -> operations
  uint64_t operations = 0;
  uint64_t acknowledged_writes = 0;
  uint64_t lost_acknowledged_writes = 0;
  uint64_t unknown_outcome_writes = 0;
  uint64_t unknown_outcome_present = 0;
  uint64_t holes = 0;               // a write absent while a later one is present
  uint64_t integrity_failures = 0;  // cycles whose store failed its own checks
  // Of them: cycles whose closed store was given the engine's full check
  // (VerifyStoreFiles), and those that failed it.
  uint64_t store_file_checks = 0;
  uint64_t store_file_check_failures = 0;
  uint64_t differential_failures = 0;  // cycles whose reads disagreed with the reference
  uint64_t wrong_results = 0;          // errors drill: reads that succeeded with a wrong answer
  uint64_t not_recovered = 0;          // errors drill: cycles that failed after faults cleared
  uint64_t crashes_sigkill = 0, crashes_power_loss = 0, runs_without_crash = 0;
  // Crash drills: acknowledged writes and losses by kind of crash.
  std::map<std::string, uint64_t> acknowledged_by_crash, lost_by_crash;
  uint64_t faults_injected = 0;
  std::vector<double> recovery_ms;  // per crashed cycle
  std::vector<CycleRecord> cycle_records;
  std::vector<FaultEvent> first_cycle_faults;  // errors drill; at_seconds on the series' clock
  std::vector<SeriesPoint> series;             // errors drill, first cycle
  double seconds = 0;
  // Durable: lost acknowledged writes, holes, integrity, differential, wrong
  // results or no recovery. Relaxed: the same without lost writes.
  bool Failed() const;
};

// Runs `scenario` against `engine`. Non-OK only when the drill itself could
// not run (bad work dir, the child binary missing, ...); what the drill finds
// is in the result.
StatusOr<DrillResult> RunDrill(Engine engine, const Scenario& scenario, const DrillOptions& opts);

// The child side of a crash drill (`listbench drill-child`): runs the
// workload on the store in `dir`, writing the oracle lines to stdout.
// `crash_nth` (crash at that write/sync call) or `crash_one_in` (seeded
// chance) arm a power loss; both 0 = none (the parent may SIGKILL). Returns
// the process exit code: 0 = ran to the end, 3 = power loss simulated.
struct DrillChildArgs {
  Engine engine = Engine::kSqlite;
  std::string dir;
  std::string workload_file;
  uint64_t listings = 0;
  uint64_t operations = 0;
  uint64_t dataset_seed = 1;
  uint64_t trace_seed = 1;
  bool durable = true;
  uint64_t plan_seed = 1;
  uint64_t crash_nth = 0;
  uint64_t crash_one_in = 0;
  int threads = 1;  // writers: op i on writer i % threads
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;
};
int RunDrillChild(const DrillChildArgs& args);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_DRILL_H_
