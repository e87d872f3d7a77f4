#include "bench/drivers/under_load.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
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

std::vector<UnderLoadCell> UnderLoadCells(const UnderLoadResult& r) {
  struct Samples {
    std::vector<double> throughput, p50, p99, wait, scaling;
  };
  std::vector<UnderLoadCell> cells;
  std::vector<Samples> samples;
  auto find = [&](const UnderLoadRun& run) -> size_t {
    for (size_t i = 0; i < cells.size(); ++i) {
      const UnderLoadCell& c = cells[i];
      if (c.workload == run.workload && c.engine == run.engine && c.clients == run.clients) {
        return i;
      }
    }
    UnderLoadCell c;
    c.workload = run.workload;
    c.engine = run.engine;
    c.clients = run.clients;
    c.warm = run.warm;
    c.cache_bytes = run.cache_bytes;
    cells.push_back(std::move(c));
    samples.emplace_back();
    return cells.size() - 1;
  };
  for (const UnderLoadRun& run : r.runs) {
    const size_t i = find(run);
    const Histogram& h = run.run.all.latency_ns;
    Samples& s = samples[i];
    s.throughput.push_back(run.run.throughput);
    s.p50.push_back(static_cast<double>(h.Percentile(0.5)) / 1000.0);
    s.p99.push_back(static_cast<double>(h.Percentile(0.99)) / 1000.0);
    s.wait.push_back(LockWaitShare(run.run));
    cells[i].retries += run.run.all.retries;
    cells[i].errors += run.run.all.errors();
    for (const UnderLoadRun& one : r.runs) {
      if (one.workload == run.workload && one.engine == run.engine && one.clients == 1 &&
          one.repeat == run.repeat && one.run.throughput > 0) {
        s.scaling.push_back(run.run.throughput / one.run.throughput);
      }
    }
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    cells[i].throughput = SpreadOf(samples[i].throughput);
    cells[i].p50_us = SpreadOf(samples[i].p50);
    cells[i].p99_us = SpreadOf(samples[i].p99);
    cells[i].lock_wait_share = SpreadOf(samples[i].wait);
    cells[i].scaling = SpreadOf(samples[i].scaling);
  }
  return cells;
}

bool IsReadOnly(const WorkloadSpec& w) {
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (IsWrite(static_cast<OpKind>(k)) && w.mix[k] > 0) return false;
  }
  return true;
}

namespace {

constexpr Engine kDesigns[] = {Engine::kSqlite, Engine::kRocksDb};

// A clone of `e`'s load whose cache holds all of it (spec.warm_cache_factor
// times its size on disk, never less than the configured cache), warmed by
// one pass of `warm` operations on 2 clients.
StatusOr<std::unique_ptr<Store>> OpenWarm(const UnderLoadSpec& spec, Engine e,
                                          std::span<const Op> warm, size_t* cache_bytes) {
  StatusOr<std::unique_ptr<Store>> store = OpenRunClone(spec.work_dir, e, spec.options);
  if (!store.ok()) return store.status();
  StatusOr<uint64_t> disk = (*store)->DiskBytes();
  if (!disk.ok()) return disk.status();
  StoreOptions o = spec.options;
  o.cache_bytes = std::max(
      o.cache_bytes, static_cast<size_t>(spec.warm_cache_factor * static_cast<double>(*disk)));
  *cache_bytes = o.cache_bytes;
  store->reset();
  store = ReopenRunClone(spec.work_dir, e, o);
  if (!store.ok()) return store.status();
  std::fprintf(stderr, "under load: warming %s (%zu MiB cache) with %zu reads\n",
               std::string(EngineName(e)).c_str(), o.cache_bytes >> 20, warm.size());
  RunOptions ro;
  ro.threads = 2;
  ro.warmup = warm.size() - 1;  // all but one: RunTrace measures at least one
  const RunResult r = RunTrace(**store, warm, ro);
  if (r.storage_error) {
    return RunCloneFailure(spec.work_dir, e, spec.options.sqlite_schema, *r.storage_error)
        .ToStatus();
  }
  return store;
}

}  // namespace

StatusOr<UnderLoadResult> RunUnderLoad(const UnderLoadSpec& spec, const DatasetCatalog& catalog) {
  UnderLoadResult out;
  out.spec = spec;
  out.hardware_threads = std::thread::hardware_concurrency();
  for (const WorkloadSpec& w : spec.workloads) {
    UnderLoadWorkload how;
    how.name = w.name;
    how.warm = IsReadOnly(w);
    if (how.warm) {
      how.warm_ops = spec.warm_ops > 0 ? spec.warm_ops
                                       : std::max<uint64_t>(spec.warmup, spec.dataset.listings);
    }
    out.workloads.push_back(how);
    // Warm: the warm-up pass, then the measured operations every run replays.
    const std::vector<Op> trace = MakeTrace(
        catalog,
        TraceSpecFor(w, (how.warm ? how.warm_ops : spec.warmup) + spec.ops, spec.dataset.seed));
    std::map<Engine, std::unique_ptr<Store>> warm;
    std::map<Engine, size_t> warm_cache;
    if (how.warm) {
      const std::span<const Op> pass(trace.data(), how.warm_ops + 1);
      for (Engine e : kDesigns) {
        StatusOr<std::unique_ptr<Store>> s = OpenWarm(spec, e, pass, &warm_cache[e]);
        if (!s.ok()) return s.status();
        warm[e] = std::move(*s);
      }
    }
    for (int rep = 0; rep < spec.repeats; ++rep) {
      for (int clients : spec.clients) {
        for (Engine e : kDesigns) {
          const std::string engine(EngineName(e));
          std::fprintf(stderr, "under load: %s on %s with %d client(s), run %d of %d%s\n",
                       w.name.c_str(), engine.c_str(), clients, rep + 1, spec.repeats,
                       how.warm ? " (warm)" : "");
          UnderLoadRun run;
          run.workload = w.name;
          run.engine = engine;
          run.clients = clients;
          run.repeat = rep;
          run.warm = how.warm;
          run.cache_bytes = spec.options.cache_bytes;
          RunOptions ro;
          ro.threads = clients;
          if (how.warm) {
            run.cache_bytes = warm_cache[e];
            ro.warmup = 0;
            run.run = RunTrace(*warm[e], std::span<const Op>(trace).subspan(how.warm_ops), ro);
          } else {
            StatusOr<std::unique_ptr<Store>> store = OpenRunClone(spec.work_dir, e, spec.options);
            if (!store.ok()) return store.status();
            ro.warmup = spec.warmup;
            run.run = RunTrace(**store, trace, ro);
          }
          if (run.run.storage_error) {
            return RunCloneFailure(spec.work_dir, e, spec.options.sqlite_schema,
                                   *run.run.storage_error)
                .ToStatus();
          }
          out.runs.push_back(std::move(run));
        }
      }
    }
  }
  LB_RETURN_IF_ERROR(RunSaturateRows(spec, &out));
  return out;
}

}  // namespace listbench
