// The runs behind the report's rows other than query latency and cost, made
// by `listbench compare --report` after the workload runs: a tenant onboarded
// while the workload runs, with a cross-tenant probe (bench/drivers/onboarding.h), and
// a schema change under a write workload (bench/drivers/schema_change_bench.h),
// the runs under load (bench/drivers/under_load.h), a live migration at
// a CI-sized scale (bench/drivers/migrate_run.h) and the failover of each
// engine, both replication modes (bench/drivers/failover.h). Each
// runs on a fresh clone of each engine's pristine load, so the workload
// results are untouched by them.
//
// Thread safety: blocks its caller; runs what it needs itself.
#ifndef LISTBENCH_BENCH_DRIVERS_EXPERIMENTS_H_
#define LISTBENCH_BENCH_DRIVERS_EXPERIMENTS_H_

#include <map>
#include <string>
#include <vector>

#include "bench/drivers/failover.h"
#include "bench/drivers/migrate_run.h"
#include "bench/drivers/onboarding.h"
#include "bench/drivers/schema_change_bench.h"
#include "bench/drivers/under_load.h"
#include "core/status.h"
#include "core/store_options.h"
#include "engine/store_dir.h"
#include "workloads/dataset.h"
#include "workloads/op.h"
#include "workloads/workload_spec.h"

namespace listbench {

struct ExperimentSetup {
  std::string work_dir;  // holds WORK/base/<engine> made by PrepareStore
  DatasetSpec spec;
  StoreOptions options;
  std::vector<Op> trace;  // the workload's trace (onboarding interleaves with it)
  // The schema change's writer workload (writes.toml next to the workload
  // file the user named).
  std::string writes_workload;
  // The runs under load (bench/drivers/under_load.h): its workloads, length
  // and steps; the rest is filled from the fields above. No workloads:
  // skipped.
  UnderLoadSpec under_load;
  // The live migration (its own stores under WORK/migrate); none: skipped.
  std::optional<MigrateConfig> migration;
  // The failovers: one per engine and replication mode, each over these
  // detector timeouts; empty: skipped.
  std::vector<FailoverOptions> failovers;
  std::vector<double> failover_timeouts_ms;
};

// What the experiments measured.
struct ExperimentsResult {
  OnboardingSpec onboarding_spec;
  std::map<std::string, OnboardingResult> onboarding;  // by engine name
  SchemaChangeSuiteResult schema_change;
  UnderLoadResult under_load;
  std::optional<MigrateConfig> migration_config;  // when the migration ran
  std::optional<MigrateResult> migration;         // a failed check is a result, not an error
  std::vector<FailoverResult> failovers;          // as ExperimentSetup::failovers
};

// Runs the experiments over `catalog` (the dataset of setup.spec, the one
// setup.trace was made from). Progress goes to stderr.
StatusOr<ExperimentsResult> RunReportExperiments(const ExperimentSetup& setup,
                                                 const DatasetCatalog& catalog);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_EXPERIMENTS_H_
