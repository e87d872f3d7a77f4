#include "bench/drivers/saturate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "bench/harness/runner.h"
#include "workloads/trace.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

double Ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

// Whether step i of `steps` is degraded (see the header's knee).
bool Degraded(std::span<const SaturateStep> steps, size_t i) {
  const SaturateStep& s = steps[i];
  if (!KeptUp(s)) return true;
  if (i == 0) return false;
  if (s.p50_ms > steps[0].p99_ms) return true;
  return s.achieved < steps[i - 1].achieved * (1 + kPlateauEpsilon);
}

// A step's figures from the runner's result.
SaturateStep StepOf(double offered, const RunResult& r) {
  SaturateStep s;
  s.offered = offered;
  s.ops = r.measured;
  s.seconds = r.seconds;
  s.achieved = r.throughput;
  const Histogram& h = r.all.latency_ns;
  s.p50_ms = Ms(h.Percentile(0.50));
  s.p95_ms = Ms(h.Percentile(0.95));
  s.p99_ms = Ms(h.Percentile(0.99));
  s.max_ms = Ms(h.max());
  s.errors = r.all.errors();
  const double latency_ns = h.mean() * static_cast<double>(h.count());
  s.lock_wait_share = latency_ns > 0 ? static_cast<double>(r.all.lock_wait_ns) / latency_ns : 0.0;
  s.retries = r.all.retries;
  return s;
}

// Loads (or reuses) each engine's pristine store in WORK/base.
Status PrepareEngines(const SaturateSetup& s, SaturateResult* result) {
  const std::string base = (fs::path(s.work_dir) / "base").string();
  for (Engine e : s.engines) {
    StatusOr<LoadReport> rep =
        PrepareStore(e, base, s.spec, s.store_options, s.reuse, /*progress=*/true);
    if (!rep.ok()) return rep.status();
    SaturateEngineResult er;
    er.engine = e;
    er.load = std::move(*rep);
    result->engines.push_back(std::move(er));
  }
  return Status::OK();
}

// The trace of every step, after the warm-up, from the dataset's catalog.
StatusOr<std::vector<Op>> BuildTrace(const SaturateSetup& s) {
  DatasetCatalog catalog;
  StatusOr<DatasetCounts> counts = GenerateDataset(s.spec, nullptr, &catalog);
  if (!counts.ok()) return counts.status();
  const uint64_t length = SaturateTraceLength(s.options);
  std::fprintf(stderr, "saturate: generating %llu operations of trace\n",
               static_cast<unsigned long long>(length));
  return MakeTrace(catalog, TraceSpecFor(s.workload, length, s.spec.seed));
}

// OK, or the storage error that ended run `r` on `engine`'s run clone.
Status StorageFailureOf(const SaturateSetup& s, Engine engine, const RunResult& r) {
  if (!r.storage_error) return Status::OK();
  return RunCloneFailure(s.work_dir, engine, s.store_options.sqlite_schema, *r.storage_error)
      .ToStatus();
}

// Steps one engine on a fresh clone of its load.
Status RunEngine(const SaturateSetup& s, const std::vector<Op>& trace, SaturateEngineResult* er) {
  er->cache_bytes = s.store_options.cache_bytes;
  StatusOr<std::unique_ptr<Store>> store = OpenRunClone(s.work_dir, er->engine, s.store_options);
  if (!store.ok()) return store.status();
  const std::string engine(EngineName(er->engine));
  const SaturateOptions& o = s.options;
  std::span<const Op> rest(trace);
  if (o.warmup > 0) {
    std::fprintf(stderr, "saturate %s: %llu warm-up operations\n", engine.c_str(),
                 static_cast<unsigned long long>(o.warmup));
    RunOptions warm;
    warm.threads = o.threads;
    // Recorded, then discarded.
    LB_RETURN_IF_ERROR(
        StorageFailureOf(s, er->engine, RunTrace(**store, rest.first(o.warmup), warm)));
    rest = rest.subspan(o.warmup);
  }
  const StepRunner run_step = [&](int k, double offered) -> StatusOr<SaturateStep> {
    const uint64_t n = StepOps(o, k);
    if (n > rest.size()) return Status::Corruption("saturate: the trace ran out");
    RunOptions ro;
    ro.target_rate = offered;
    ro.threads = o.threads;
    const RunResult r = RunTrace(**store, rest.first(n), ro);
    LB_RETURN_IF_ERROR(StorageFailureOf(s, er->engine, r));
    rest = rest.subspan(n);
    const SaturateStep step = StepOf(offered, r);
    std::fprintf(stderr,
                 "saturate %s step %d: offered %.0f ops/s, achieved %.0f ops/s, p99 %.2f ms\n",
                 engine.c_str(), k + 1, step.offered, step.achieved, step.p99_ms);
    return step;
  };
  return RunSteps(o, run_step, er);
}

// "--flag V: must be a number above A", or OK.
Status CheckAbove(const char* flag, double v, double above) {
  if (std::isfinite(v) && v > above) return Status::OK();
  return Status::InvalidArgument(fmt::format("{} {}: must be a number above {}", flag, v, above));
}

}  // namespace

Status CheckSaturateOptions(const SaturateOptions& o) {
  if (o.threads < 1 || o.threads > kMaxSaturateThreads) {
    return Status::InvalidArgument(
        fmt::format("--threads {}: must be 1..{}", o.threads, kMaxSaturateThreads));
  }
  LB_RETURN_IF_ERROR(CheckAbove("--start-rate", o.start_rate, 0));
  LB_RETURN_IF_ERROR(CheckAbove("--factor", o.factor, 1));
  LB_RETURN_IF_ERROR(CheckAbove("--step-seconds", o.step_seconds, 0));
  if (o.max_steps < 1 || o.max_steps > 100) {
    return Status::InvalidArgument(fmt::format("--max-steps {}: must be 1..100", o.max_steps));
  }
  LB_RETURN_IF_ERROR(CheckAbove("--slo-p99-ms", o.slo_p99_ms, 0));
  const double last_ops = StepRate(o, o.max_steps - 1) * o.step_seconds;
  if (!(last_ops < static_cast<double>(kMaxSaturateTraceOps)) ||
      SaturateTraceLength(o) > kMaxSaturateTraceOps) {
    return Status::InvalidArgument(
        fmt::format("--max-steps {}: the steps would need more than {} operations of trace; "
                    "lower --max-steps, --factor, --start-rate or --step-seconds",
                    o.max_steps, kMaxSaturateTraceOps));
  }
  return Status::OK();
}

std::string_view SaturateStopName(SaturateStop s) {
  switch (s) {
    case SaturateStop::kContinue:
      return "";
    case SaturateStop::kSlo:
      return "slo";
    case SaturateStop::kSaturated:
      return "saturated";
    case SaturateStop::kPlateau:
      return "plateau";
    case SaturateStop::kMaxSteps:
      return "max_steps";
  }
  return "";
}

double StepRate(const SaturateOptions& o, int k) { return o.start_rate * std::pow(o.factor, k); }

uint64_t StepOps(const SaturateOptions& o, int k) {
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(StepRate(o, k) * o.step_seconds)));
}

uint64_t SaturateTraceLength(const SaturateOptions& o) {
  uint64_t n = o.warmup;
  for (int k = 0; k < o.max_steps; ++k) n += StepOps(o, k);
  return n;
}

bool KeptUp(const SaturateStep& s) { return s.achieved >= kKeptUpShare * s.offered; }

SaturateStop StopAfter(const SaturateOptions& o, std::span<const SaturateStep> steps) {
  const SaturateStep& last = steps.back();
  if (last.p99_ms > o.slo_p99_ms) return SaturateStop::kSlo;
  if (!KeptUp(last)) return SaturateStop::kSaturated;
  if (steps.size() >= 2 &&
      last.achieved < steps[steps.size() - 2].achieved * (1 + kPlateauEpsilon)) {
    return SaturateStop::kPlateau;
  }
  if (steps.size() >= static_cast<size_t>(o.max_steps)) return SaturateStop::kMaxSteps;
  return SaturateStop::kContinue;
}

std::optional<size_t> KneeOf(std::span<const SaturateStep> steps, bool* reached) {
  *reached = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!Degraded(steps, i)) continue;
    *reached = true;
    if (i == 0) return std::nullopt;
    return i - 1;
  }
  return std::nullopt;
}

std::optional<size_t> SloPointOf(std::span<const SaturateStep> steps, double slo_p99_ms) {
  std::optional<size_t> best;
  for (size_t i = 0; i < steps.size(); ++i) {
    const SaturateStep& s = steps[i];
    if (!KeptUp(s) || s.p99_ms > slo_p99_ms) continue;
    if (!best || s.offered > steps[*best].offered) best = i;
  }
  return best;
}

Status RunSteps(const SaturateOptions& o, const StepRunner& run_step,
                SaturateEngineResult* result) {
  result->steps.clear();
  SaturateStop stop = SaturateStop::kContinue;
  for (int k = 0; stop == SaturateStop::kContinue; ++k) {
    StatusOr<SaturateStep> step = run_step(k, StepRate(o, k));
    if (!step.ok()) return step.status();
    result->steps.push_back(*step);
    stop = StopAfter(o, result->steps);
  }
  result->stop = stop;
  result->knee = KneeOf(result->steps, &result->knee_reached);
  result->slo_step = SloPointOf(result->steps, o.slo_p99_ms);
  return Status::OK();
}

StatusOr<SaturateResult> RunSaturate(const SaturateSetup& s) {
  SaturateResult result;
  result.build = CurrentBuildInfo();
  LB_RETURN_IF_ERROR(PrepareEngines(s, &result));
  StatusOr<std::vector<Op>> trace = BuildTrace(s);
  if (!trace.ok()) return trace.status();
  for (SaturateEngineResult& er : result.engines) {
    LB_RETURN_IF_ERROR(RunEngine(s, *trace, &er));
  }
  return result;
}

}  // namespace listbench
