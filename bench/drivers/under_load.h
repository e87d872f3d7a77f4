// The report's runs under load, made by `listbench compare --report`: each
// design serving 1, 2 and 4 closed-loop clients (bench/harness/runner.h), for
// the workload compared and for a write-heavy one, and each design's
// throughput at a p99 objective (bench/drivers/saturate.h). What they answer:
// how each design scales with clients on this machine, where the normalized
// design's single write lock (SQLite's lock-wait share) takes the time, and
// how many requests per second each serves within the p99 objective.
//
// Every run replays the same seeded trace on a fresh clone of the engine's
// pristine load, so runs do not see each other's writes.
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
  RunResult run;
};

struct UnderLoadResult {
  UnderLoadSpec spec;
  unsigned hardware_threads = 0;  // std::thread::hardware_concurrency()
  std::vector<UnderLoadRun> runs;
  // One saturate run per workload asked, in spec.workloads order.
  std::vector<std::pair<std::string, SaturateResult>> saturate;
};

// The lock-wait share of a run: time requests waited for a lock / time they
// took, over every measured request (0 when none waited).
double LockWaitShare(const RunResult& r);

// Runs every workload x clients x engine of `spec` over `catalog` (the
// dataset of spec.dataset).
StatusOr<UnderLoadResult> RunUnderLoad(const UnderLoadSpec& spec, const DatasetCatalog& catalog);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_UNDER_LOAD_H_
