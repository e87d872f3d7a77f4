// `listbench sweep`, the capacity-planning view: for each engine and each
// dataset scale, load the seeded dataset and run a workload in child
// processes of the listbench binary (so the peak RSS the kernel reports per
// child belongs to one measurement), then fit how each measured quantity
// grows with the number of listings (bench/model/fit.h) and write the results.
// Each run has the workload's client threads, or `threads` when given; with
// `saturate`, a third child per engine and scale finds the highest offered
// rate meeting the SLO (bench/drivers/saturate.h).
//
// Layout while it runs, for each scale N (WORK is --work-dir):
//   WORK/N/base/<engine>   the load child's store (`listbench load --data-dir WORK/N/base`)
//   WORK/N/run/<engine>    the run child's clone (`listbench run --work-dir WORK/N`
//                          reuses WORK/N/base/<engine>, so the run never loads)
//   WORK/N/<engine>-{load,run}.{json,out,err}   the children's reports
//   WORK/N/<engine>-saturate/   with `saturate`: the saturate child's outputs
//                          (`listbench saturate --work-dir WORK/N` also reuses the load;
//                          its steps run on their own clone after the run child's)
// WORK/N must not exist when the sweep starts; the sweep deletes what it
// created there after each engine and scale unless `keep` is set.
//
// The sweep writes sweep.log (the children's output) into the output
// directory; its reporters (bench/report/sweep_report.h) write the rest.
//
// Thread safety: single-threaded; RunSweep runs one child at a time.
#ifndef LISTBENCH_BENCH_DRIVERS_SWEEP_H_
#define LISTBENCH_BENCH_DRIVERS_SWEEP_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/build_info.h"
#include "bench/model/fit.h"
#include "core/status.h"
#include "engine/store_dir.h"
#include "workloads/workload_spec.h"

namespace listbench {

// `sweep --saturate`: after each run child, a `listbench saturate` child
// finds the highest offered rate meeting the SLO at that scale. Unset steps
// take saturate's defaults.
struct SweepSaturate {
  double slo_p99_ms = 0;
  std::optional<double> start_rate, factor, step_seconds;
  std::optional<int> max_steps;
};

struct SweepConfig {
  std::vector<Engine> engines;
  std::vector<uint64_t> listings;  // ascending, distinct, >= 1
  uint64_t seed = 1;
  WorkloadSpec workload;  // as parsed, before --ops/--warmup
  std::string workload_path;
  std::optional<uint64_t> ops, warmup, cache_mb;      // passed on to `listbench run`
  std::optional<int> threads;                         // passed on to run and saturate
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;  // passed on to every child
  std::optional<SweepSaturate> saturate;              // also run a saturate child per point
  std::string work_dir, out_dir;
  std::string binary;  // the listbench executable run for children
  bool keep = false;   // keep WORK/N and the children's reports
  std::vector<std::string> command_line;
};

// Latency of one op (or "all") in one run, from the run child's JSON.
struct SweepLatency {
  uint64_t count = 0;
  double mean_us = 0, p50_us = 0, p99_us = 0;
};

// One child process as the parent saw it.
struct SweepChild {
  uint64_t peak_rss_kib = 0;  // wait4's ru_maxrss
  double wall_seconds = 0;    // spawn to reap, including start-up and JSON output
  double cpu_seconds = 0;     // user + system, all of the child's threads
  double loadavg_1m = 0;      // the machine's 1-minute load average when it started
};

// The saturate child's answer at one point (bench/drivers/saturate.h).
struct SweepSaturatePoint {
  SweepChild child;
  std::optional<double> slo_rate;       // highest offered ops/s meeting the SLO; none: no step did
  std::optional<double> knee_achieved;  // achieved ops/s at the knee, when there is one
  double max_achieved = 0;
  std::string stop;  // why its steps ended
};

// One engine at one scale.
struct SweepPoint {
  Engine engine = Engine::kSqlite;
  uint64_t listings = 0;
  // The load child.
  double load_seconds = 0;  // as the load reports it (open + bulk load + close)
  uint64_t entities = 0;
  uint64_t engine_writes = 0;  // rows (SQLite) or items (RocksDB)
  double engine_writes_per_second = 0;
  uint64_t disk_bytes = 0;
  SweepChild load_child;
  // The run child.
  SweepChild run_child;
  double run_seconds = 0;  // measured phase
  double throughput = 0;   // ops/s in the measured phase
  uint64_t disk_bytes_after = 0;
  uint64_t cache_bytes = 0;
  std::map<std::string, SweepLatency> ops;     // "R1".."W5" (those run) and "all"
  std::optional<SweepSaturatePoint> saturate;  // with config.saturate
};

// A fitted metric of one engine, or why it could not be fitted.
struct SweepFit {
  std::string metric;  // e.g. "disk_bytes", "R1.mean_us"
  size_t points = 0;
  std::optional<PowerFit> fit;
  std::string error;
};

struct SweepResult {
  BuildInfo build;                 // the sweep's own build (the children's is the same binary)
  std::vector<SweepPoint> points;  // in measurement order
  uint64_t floor_rss_kib = 0;      // peak RSS of `listbench --version`: the floor
  Status outcome;                  // not OK when the sweep stopped early
};

// Op keys of SweepPoint::ops in report order: R1..R5, W1..W5, all.
std::vector<std::string> SweepOpKeys();

// Runs the sweep. Measurements are appended to result->points as they
// complete, so a failed sweep still has what it measured. On failure the
// Status names the engine, the scale and the child's last stderr line.
// REQUIRES: the directories and flags were validated (sweep_command.cc).
Status RunSweep(const SweepConfig& config, SweepResult* result);

// Power-law fits over the scales of `engine` for every metric: load_seconds,
// disk_bytes, load_peak_rss_kib, run_peak_rss_kib, <op>.mean_us, <op>.p99_us.
std::vector<SweepFit> FitSweep(const std::vector<SweepPoint>& points, Engine engine);

// The workload the run children replay: the file's, with --ops/--warmup
// and --threads.
WorkloadSpec SweepWorkload(const SweepConfig& config);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_SWEEP_H_
