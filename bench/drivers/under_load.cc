#include "bench/drivers/under_load.h"

#include <cstdio>
#include <thread>

#include "bench/harness/store_setup.h"
#include "workloads/trace.h"

namespace listbench {

double LockWaitShare(const RunResult& r) {
  const double total = r.all.latency_ns.mean() * static_cast<double>(r.all.count());
  return total > 0 ? static_cast<double>(r.all.lock_wait_ns) / total : 0;
}

StatusOr<UnderLoadResult> RunUnderLoad(const UnderLoadSpec& spec, const DatasetCatalog& catalog) {
  UnderLoadResult out;
  out.spec = spec;
  out.hardware_threads = std::thread::hardware_concurrency();
  for (const WorkloadSpec& w : spec.workloads) {
    const std::vector<Op> trace =
        MakeTrace(catalog, TraceSpecFor(w, spec.warmup + spec.ops, spec.dataset.seed));
    for (int clients : spec.clients) {
      for (Engine e : {Engine::kSqlite, Engine::kRocksDb}) {
        const std::string engine(EngineName(e));
        std::fprintf(stderr, "under load: %s on %s with %d client(s)\n", w.name.c_str(),
                     engine.c_str(), clients);
        StatusOr<std::unique_ptr<Store>> store = OpenRunClone(spec.work_dir, e, spec.options);
        if (!store.ok()) return store.status();
        RunOptions ro;
        ro.warmup = spec.warmup;
        ro.threads = clients;
        out.runs.push_back({w.name, engine, clients, RunTrace(**store, trace, ro)});
      }
    }
  }
  return out;
}

}  // namespace listbench
