// `listbench run` and `listbench compare`: replay one workload's trace
// against one engine or several, and, for `compare --report`, run the
// report's experiments (bench/drivers/experiments.h) afterwards.
//
// The dataset's catalog and the trace are generated once, from the seed,
// before any timing starts; every engine gets the identical trace, on a
// fresh clone of the same pristine load (WORK/base/<engine> ->
// WORK/run/<engine>, as for verify), and the experiments get the same
// catalog and trace.
//
// Repetitions (setup.repeats): each runs every engine once, each time on a
// fresh clone of its pristine load, the engines' order alternating (the
// first repetition in setup.engines order, the second reversed, ...) so
// that neither engine always runs first or on the warmer machine. Every
// repetition is kept; the per-pattern timing figures are reported as the
// median over the repetitions with their range (the helpers at the end).
// The experiments run once, after the repetitions.
//
// Thread safety: RunCompare blocks its caller; each engine's timed replay
// runs the workload's client threads against it; progress goes to stderr.
#ifndef LISTBENCH_BENCH_DRIVERS_COMPARE_H_
#define LISTBENCH_BENCH_DRIVERS_COMPARE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/drivers/experiments.h"
#include "bench/harness/build_info.h"
#include "bench/harness/runner.h"
#include "bench/harness/spread.h"
#include "bench/harness/store_setup.h"
#include "core/status.h"
#include "core/store_options.h"
#include "engine/store_dir.h"
#include "workloads/dataset.h"
#include "workloads/workload_spec.h"

namespace listbench {

struct CompareSetup {
  DatasetSpec spec;
  WorkloadSpec workload;  // --ops/--warmup applied
  StoreOptions store_options;
  std::string work_dir;
  LoadReuse reuse{ExistingLoad::kReplaceOther};  // of the pristine loads in WORK/base
  uint64_t cache_mb = 64;
  double cache_share = 0;  // > 0: cache = share x the engine's disk bytes
  std::vector<Engine> engines;
  int repeats = 1;  // timed replays of the trace per engine (>= 1)
  // Also run the report's experiments; their schema change replays this
  // write-only workload file. The report's decomposition also replays the
  // workload on SQLite with the other index profile (store_options
  // .sqlite_schema is the one compared), under the name
  // "sqlite-<profile>" (OtherSchemaRunName).
  bool experiments = false;
  std::string writes_workload;
  // The report's throughput at the SLO (bench/drivers/under_load.h): the
  // objective and the length of one offered-rate step.
  double slo_p99_ms = 5;
  double saturate_step_seconds = 3;
  // The report's live migration: the listbench executable its child process
  // runs; empty: no migration. It migrates min(listings,
  // kReportMigrationListings) listings of the same seed under the compared
  // workload with 2 request workers.
  std::string listbench_binary;
  // The report's failovers (bench/drivers/failover.h): each compared
  // engine, sync and async, once per detector timeout here (none: skipped).
  std::vector<double> failover_timeouts_ms = {250, 1000};
};

inline constexpr uint64_t kReportMigrationListings = 20000;

// One timed replay of the trace, on a fresh clone of an engine's load.
struct EngineRepeat {
  RunResult run;
  std::optional<uint64_t> disk_bytes_after;  // absent when it could not be measured
  int position = 0;                          // the engine's place in its repetition (0: first)
};

// One engine's part of the run.
struct EngineRun {
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;  // index profile (SQLite, PostgreSQL)
  LoadReport load;                                    // its pristine load (made or reused)
  uint64_t cache_bytes = 0;                           // the cache the runs had
  std::vector<EngineRepeat> repeats;  // one per repetition, in the order run; never empty
  // The representative repetition: the one whose workload mean latency
  // (every measured request) is the median of the repetitions' -- the lower
  // of the middle two for an even count. Figures shown for one run (counted
  // work, the CSVs, the plots, the modelled and cost sections) are its.
  size_t median_repeat = 0;

  const RunResult& run() const { return repeats[median_repeat].run; }
  const std::optional<uint64_t>& disk_bytes_after() const {
    return repeats[median_repeat].disk_bytes_after;
  }
};

struct CompareResult {
  BuildInfo build;
  // By engine name ("sqlite", "rocksdb", "postgres"), and with experiments the SQLite
  // run with the other index profile (OtherSchemaRunName).
  std::map<std::string, EngineRun> engines;
  std::optional<ExperimentsResult> experiments;  // when setup.experiments
  // A request answered with IOError or Corruption (bench/harness/runner.h)
  // ended the run: the store and the error. The repetitions stopped there
  // (the failed run is the last of its engine's repeats), no experiments
  // ran, and an engine that had not run yet is absent from `engines`.
  std::optional<StoreFailure> storage_failure;
};

// Loads (or reuses) the engines' pristine stores in WORK/base, makes the
// trace, runs it setup.repeats times against a fresh clone of each engine,
// then the experiments. A storage error during a replay is not an error
// Status: the result comes back with storage_failure set, so that what ran
// can still be reported.
// The run uses setup.workload.threads client threads (bench/harness/runner.h;
// an open loop's Poisson arrivals are drawn from the dataset seed).
// REQUIRES: 1 <= setup.workload.threads <= 256, setup.repeats >= 1,
// setup.work_dir checked.
StatusOr<CompareResult> RunCompare(const CompareSetup& setup);

// The name of the report's SQLite run with the profile other than
// `compared`: "sqlite-legacy" or "sqlite-tuned".
std::string OtherSchemaRunName(SqliteSchema compared);

// How many operations of trace the workload needs: warm-up plus its
// operations, or enough for its duration at its rate.
uint64_t TraceLength(const WorkloadSpec& w);

// The pattern index of every measured request together (RunResult::all),
// beside the OpKind indices 0 .. kNumOpKinds - 1.
inline constexpr int kAllOps = kNumOpKinds;

// r.ops[op], or r.all for kAllOps. REQUIRES: 0 <= op <= kAllOps.
const OpStats& OpStatsOf(const RunResult& r, int op);

// One pattern's latency over an engine's repetitions, in µs.
struct TimingSpread {
  Spread mean_us, p50_us, p99_us;
};

// The spread of pattern `op` (an OpKind index or kAllOps) over er's
// repetitions; a repetition that served none of it counts as 0.
TimingSpread TimingSpreadOf(const EngineRun& er, int op);

// The spread of er's throughput (ops/s) over its repetitions.
Spread ThroughputSpread(const EngineRun& er);

// One figure of a pattern's statistics in one repetition, or nullopt when
// that repetition has none (for example a storage profile it did not model).
using RunFigure = std::function<std::optional<double>(const OpStats&)>;

// The measured mean latency, in µs (0 when the pattern was not served).
std::optional<double> MeanLatencyUs(const OpStats& s);
// The mean latency modelled under storage profile `profile`, in µs.
RunFigure ModelledMeanUs(size_t profile);

// The spread of `figure` of pattern `op` over er's repetitions; repetitions
// without the figure are left out.
Spread FigureSpread(const EngineRun& er, int op, const RunFigure& figure);

// Per repetition, a's `figure` of `op` over b's in the same repetition, and
// the spread of those ratios; repetitions where either lacks the figure or
// b's is 0 are left out. REQUIRES: a and b from one CompareResult.
Spread FigureRatioSpread(const EngineRun& a, const EngineRun& b, int op, const RunFigure& figure);

// FigureRatioSpread of the measured mean latency.
Spread MeanRatioSpread(const EngineRun& a, const EngineRun& b, int op);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_COMPARE_H_
