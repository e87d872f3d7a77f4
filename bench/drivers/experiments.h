// The runs behind the report's rows other than query latency and cost, made
// by `listbench compare --report` after the workload runs: a tenant onboarded
// while the workload runs, with a cross-tenant probe (bench/drivers/onboarding.h), and
// a schema change under a write workload (bench/drivers/schema_change_bench.h). Each
// runs on a fresh clone of each engine's pristine load, so the workload
// results are untouched by them.
//
// Thread safety: not thread-safe; runs what it needs itself.
#ifndef LISTBENCH_BENCH_DRIVERS_EXPERIMENTS_H_
#define LISTBENCH_BENCH_DRIVERS_EXPERIMENTS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/store_options.h"
#include "engine/store_dir.h"
#include "workloads/dataset.h"
#include "workloads/op.h"

namespace listbench {

struct ExperimentSetup {
  std::string work_dir;  // holds WORK/base/<engine> made by PrepareStore
  DatasetSpec spec;
  StoreOptions options;
  std::vector<Op> trace;  // the workload's trace (onboarding interleaves with it)
  // The schema change's writer workload (writes.toml next to the workload
  // file the user named).
  std::string writes_workload;
};

// Runs the experiments and returns {"onboarding": {<engine>: ...},
// "schema_change": ...}. Progress goes to stderr.
StatusOr<nlohmann::json> RunReportExperiments(const ExperimentSetup& setup,
                                              const DatasetCatalog& catalog);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_EXPERIMENTS_H_
