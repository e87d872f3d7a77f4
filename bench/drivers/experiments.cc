#include "bench/drivers/experiments.h"

#include <cstdio>

#include "bench/harness/store_setup.h"

namespace listbench {

StatusOr<ExperimentsResult> RunReportExperiments(const ExperimentSetup& setup,
                                                 const DatasetCatalog& catalog) {
  ExperimentsResult out;
  OnboardingSpec& spec = out.onboarding_spec;
  spec.seed = setup.spec.seed;
  for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
    const std::string name(EngineName(e));
    std::fprintf(stderr, "onboarding a tenant while %zu requests run on %s\n", setup.trace.size(),
                 name.c_str());
    StatusOr<std::unique_ptr<Store>> store = OpenRunClone(setup.work_dir, e, setup.options);
    if (!store.ok()) return store.status();
    StatusOr<OnboardingResult> r = RunOnboarding(**store, setup.trace, catalog, spec);
    if (!r.ok()) return r.status();
    out.onboarding.emplace(name, std::move(*r));
  }
  SchemaChangeSuiteSpec sc;
  sc.dataset = setup.spec;
  sc.work_dir = setup.work_dir;
  sc.store_options = setup.options;
  sc.workload_path = setup.writes_workload;
  StatusOr<SchemaChangeSuiteResult> suite = RunSchemaChangeSuite(sc, &catalog);
  if (!suite.ok()) return suite.status();
  if (suite->storage_failure) return suite->storage_failure->ToStatus();
  out.schema_change = std::move(*suite);
  if (!setup.under_load.workloads.empty()) {
    UnderLoadSpec ul = setup.under_load;
    ul.work_dir = setup.work_dir;
    ul.dataset = setup.spec;
    ul.options = setup.options;
    StatusOr<UnderLoadResult> r = RunUnderLoad(ul, catalog);
    if (!r.ok()) return r.status();
    out.under_load = std::move(*r);
  }
  if (setup.migration) {
    std::fprintf(stderr, "migrating %llu listings live, %llu request workers\n",
                 static_cast<unsigned long long>(setup.migration->listings),
                 static_cast<unsigned long long>(setup.migration->threads));
    StatusOr<MigrateResult> m = RunMigrate(*setup.migration);
    if (!m.ok()) return m.status();
    out.migration_config = setup.migration;
    out.migration = std::move(*m);
  }
  for (const FailoverOptions& f : setup.failovers) {
    std::fprintf(stderr, "failover of %s, %s replication\n",
                 std::string(EngineName(f.engine)).c_str(),
                 f.replication == PgReplication::kSync ? "sync" : "async");
    StatusOr<FailoverResult> r = RunFailover(f, setup.failover_timeouts_ms, 1);
    if (!r.ok()) return r.status();
    out.failovers.push_back(std::move(*r));
  }
  return out;
}

}  // namespace listbench
