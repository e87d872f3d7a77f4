#include "bench/drivers/experiments.h"

#include <cstdio>

#include "bench/drivers/onboarding.h"
#include "bench/drivers/schema_change_bench.h"
#include "bench/harness/store_setup.h"

namespace listbench {

StatusOr<nlohmann::json> RunReportExperiments(const ExperimentSetup& setup,
                                              const DatasetCatalog& catalog) {
  nlohmann::json out;
  OnboardingSpec spec;
  spec.seed = setup.spec.seed;
  for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
    const std::string name(EngineName(e));
    std::fprintf(stderr, "onboarding a tenant while %zu requests run on %s\n", setup.trace.size(),
                 name.c_str());
    StatusOr<std::unique_ptr<Store>> store = OpenRunClone(setup.work_dir, e, setup.options);
    if (!store.ok()) return store.status();
    StatusOr<OnboardingResult> r = RunOnboarding(**store, setup.trace, catalog, spec);
    if (!r.ok()) return r.status();
    out["onboarding"][name] = OnboardingJson(*r, spec);
  }
  SchemaChangeSuiteSpec sc;
  sc.dataset = setup.spec;
  sc.work_dir = setup.work_dir;
  sc.store_options = setup.options;
  sc.workload_path = setup.writes_workload;
  StatusOr<nlohmann::json> suite = RunSchemaChangeSuite(sc);
  if (!suite.ok()) return suite.status();
  out["schema_change"] = std::move(*suite);
  return out;
}

}  // namespace listbench
