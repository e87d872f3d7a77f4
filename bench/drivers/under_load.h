// The report's runs under load, made by `listbench compare --report`: each
// design serving 1, 2 and 4 closed-loop clients (bench/harness/runner.h), for
// the workload compared and for a write-heavy one, and each design's
// throughput at a p99 objective (bench/drivers/saturate.h). What they answer:
// how each design scales with clients on this machine, where the normalized
// design's single write lock (SQLite's lock-wait share) takes the time, and
// how many requests per second each serves within the p99 objective.
//
// Every run of a workload replays the same seeded trace. Each is repeated
// (spec.repeats), the repeats interleaved -- repeat by repeat, each client
// count, each design -- so that a slow spell of a shared machine falls on
// all of them; the report gives the median and the range. A workload that
// writes runs on a fresh clone of the engine's pristine load each time, so
// runs do not see each other's writes. A read-only workload runs warm: one
// clone per design, with a cache that holds its whole load, warmed once by
// a pass of warm-up operations, then serves all its runs (reads change
// nothing, so every run sees the same store).
//
// Thread safety: RunUnderLoad blocks its caller and uses each store from as
// many threads as the run has clients; progress goes to stderr.
#ifndef LISTBENCH_BENCH_DRIVERS_UNDER_LOAD_H_
#define LISTBENCH_BENCH_DRIVERS_UNDER_LOAD_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench/drivers/saturate.h"
#include "bench/harness/runner.h"
#include "bench/harness/spread.h"
#include "core/status.h"
#include "core/store_options.h"
#include "workloads/dataset.h"
#include "workloads/workload_spec.h"

namespace listbench {

struct UnderLoadSpec {
  std::string work_dir;  // holds WORK/base/<engine> made by PrepareStore
  DatasetSpec dataset;
  StoreOptions options;
  std::vector<WorkloadSpec> workloads;  // each run closed loop, whatever the file says
  std::vector<int> clients = {1, 2, 4};
  uint64_t ops = 40000;     // measured operations per run
  uint64_t warmup = 10000;  // per run, dealt like the measured ones
  int repeats = 3;          // runs of each workload x clients x design
  // Read-only workloads: each design's cache is warm_cache_factor times its
  // load's size on disk (at least options.cache_bytes), and the warm-up pass
  // is warm_ops operations (0: the larger of warmup and the listings).
  double warm_cache_factor = 1.25;
  uint64_t warm_ops = 0;
  // The throughput at the SLO is asked of the first `saturate_workloads`
  // workloads, with these steps (bench/drivers/saturate.h).
  size_t saturate_workloads = 2;
  SaturateOptions saturate = {.threads = 2,
                              .start_rate = 500,
                              .factor = 1.5,
                              .step_seconds = 3,
                              .max_steps = 12,
                              .slo_p99_ms = 5,
                              .warmup = 10000};
};

// One closed-loop run: a workload on one design with some clients.
struct UnderLoadRun {
  std::string workload;
  std::string engine;
  int clients = 1;
  int repeat = 0;     // 0-based
  bool warm = false;  // read-only workload on a warmed store
  size_t cache_bytes = 0;
  RunResult run;
};

// How a workload was run (one per spec.workloads entry, in order).
struct UnderLoadWorkload {
  std::string name;
  bool warm = false;
  uint64_t warm_ops = 0;  // the warm-up pass, when warm
};

struct UnderLoadResult {
  UnderLoadSpec spec;
  unsigned hardware_threads = 0;  // std::thread::hardware_concurrency()
  std::vector<UnderLoadWorkload> workloads;
  std::vector<UnderLoadRun> runs;  // in the order run
  // One saturate run per workload asked, in spec.workloads order.
  std::vector<std::pair<std::string, SaturateResult>> saturate;
};

// The repeats of one workload x design x client count, summarized.
struct UnderLoadCell {
  std::string workload;
  std::string engine;
  int clients = 1;
  bool warm = false;
  size_t cache_bytes = 0;
  Spread throughput;  // ops/s
  Spread p50_us;
  Spread p99_us;
  Spread lock_wait_share;  // LockWaitShare
  // Per repeat: this throughput / the same design's 1-client throughput in
  // the same repeat of the same workload (empty without a 1-client run).
  Spread scaling;
  uint64_t retries = 0, errors = 0;  // over all repeats
};

// r.runs grouped into cells, in the order each cell first ran.
std::vector<UnderLoadCell> UnderLoadCells(const UnderLoadResult& r);

// The lock-wait share of a run: time requests waited for a lock / time they
// took, over every measured request (0 when none waited).
double LockWaitShare(const RunResult& r);

// True when the workload's mix has no write pattern.
bool IsReadOnly(const WorkloadSpec& w);

// Runs every workload x clients x engine of `spec`, spec.repeats times, over
// `catalog` (the dataset of spec.dataset). A request answered with IOError
// or Corruption ends it: that error, naming the run clone and the request.
StatusOr<UnderLoadResult> RunUnderLoad(const UnderLoadSpec& spec, const DatasetCatalog& catalog);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_UNDER_LOAD_H_
