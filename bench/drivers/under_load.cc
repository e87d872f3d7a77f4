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

namespace {

// Each design's throughput at the SLO for the first spec.saturate_workloads
// workloads.
Status RunSaturateRows(const UnderLoadSpec& spec, UnderLoadResult* out) {
  for (size_t i = 0; i < spec.workloads.size() && i < spec.saturate_workloads; ++i) {
    SaturateSetup s;
    s.spec = spec.dataset;
    s.workload = spec.workloads[i];
    s.store_options = spec.options;
    s.work_dir = spec.work_dir;
    s.cache_mb = spec.options.cache_bytes >> 20;
    s.engines = {Engine::kSqlite, Engine::kRocksDb};
    s.options = spec.saturate;
    LB_RETURN_IF_ERROR(CheckSaturateOptions(s.options));
    StatusOr<SaturateResult> r = RunSaturate(s);
    if (!r.ok()) return r.status();
    out->saturate.emplace_back(s.workload.name, std::move(*r));
  }
  return Status::OK();
}

}  // namespace

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
  LB_RETURN_IF_ERROR(RunSaturateRows(spec, &out));
  return out;
}

}  // namespace listbench
