// `listbench saturate`, the capacity-planning answer: how many requests per
// second can a design serve at p99 <= the SLO, and where is the knee?
//
// For each engine, on a fresh clone of its pristine load (WORK/base/<engine>
// -> WORK/run/<engine>, as `run` and `compare` do), N client threads replay
// the workload's trace open loop (bench/harness/runner.h) at an offered rate
// that grows in geometric steps: step k (from 0) offers start_rate *
// factor^k ops/s for ceil(rate * step_seconds) operations, and latency runs
// from each request's intended start, so queueing shows. The trace is
// generated once from the seed before any timing, long enough for the
// warm-up and every possible step; the steps continue through it one after
// the other on the same store, so a step runs on a store that has grown by
// the writes of the steps before it. The workload's warm-up operations run
// first, closed loop, unrecorded. A request answered with IOError or
// Corruption (warm-up or step) ends the run: RunSaturate fails with that
// error, naming the run clone and the request.
//
// Definitions (a step "kept up" when achieved >= kKeptUpShare x offered):
// * Stopping: after each step, in this order, stop when
//     slo        its p99 > slo_p99_ms;
//     saturated  it did not keep up;
//     plateau    it is not the first step and achieved < the previous
//                step's achieved x (1 + kPlateauEpsilon);
//     max_steps  it was step max_steps;
//   otherwise the next step runs. The step that stopped the run is kept.
// * The knee: the last step before the first "degraded" step, where a step
//   is degraded when it did not keep up, or its p50 exceeds the first
//   step's p99 (queueing: the typical request now waits longer than the
//   least-loaded step's tail; unlike a p99 threshold, a median is steady on
//   a shared machine), or it plateaued (as above). No degraded step: the
//   knee was not reached. The first step degraded: no knee (start lower).
// * The SLO point: the highest offered rate among steps that kept up and
//   had p99 <= slo_p99_ms; none when no step did.
//
// Thread safety: RunSaturate runs on the calling thread and uses the store
// from options.threads client threads (core/store.h's concurrency contract);
// progress goes to stderr. The other functions are pure.
#ifndef LISTBENCH_BENCH_DRIVERS_SATURATE_H_
#define LISTBENCH_BENCH_DRIVERS_SATURATE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/harness/build_info.h"
#include "bench/harness/store_setup.h"
#include "core/status.h"
#include "core/store_options.h"
#include "engine/store_dir.h"
#include "workloads/dataset.h"
#include "workloads/workload_spec.h"

namespace listbench {

inline constexpr double kKeptUpShare = 0.9;      // achieved / offered of a step that kept up
inline constexpr double kPlateauEpsilon = 0.05;  // least rise of achieved over the previous step

// How the offered rate is stepped and when to stop.
struct SaturateOptions {
  int threads = 2;          // client threads (>= 1)
  double start_rate = 250;  // ops/s of the first step (> 0)
  double factor = 1.5;      // rate of step k+1 / step k (> 1)
  double step_seconds = 5;  // offered duration of one step (> 0)
  int max_steps = 12;       // >= 1
  double slo_p99_ms = 5;    // > 0
  uint64_t warmup = 0;      // closed-loop operations before the first step
};

struct SaturateSetup {
  DatasetSpec spec;
  WorkloadSpec workload;  // its mix and keys (its rate, threads and length do not apply)
  StoreOptions store_options;
  std::string work_dir;
  LoadReuse reuse{ExistingLoad::kReplaceOther};  // of the pristine loads in WORK/base
  uint64_t cache_mb = 64;
  std::vector<Engine> engines;
  SaturateOptions options;
};

// One step as measured.
struct SaturateStep {
  double offered = 0;   // ops/s asked for
  double achieved = 0;  // ops/s served: operations / wall time of the step
  uint64_t ops = 0;
  double seconds = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;  // from the intended start
  uint64_t errors = 0;         // non-ok outcomes (the workload's own must-fail requests too)
  double lock_wait_share = 0;  // lock-wait time / latency, summed over the step's requests
  uint64_t retries = 0;
};

enum class SaturateStop { kContinue, kSlo, kSaturated, kPlateau, kMaxSteps };
std::string_view SaturateStopName(
    SaturateStop s);  // "", "slo", "saturated", "plateau", "max_steps"

// One engine's answer.
struct SaturateEngineResult {
  Engine engine = Engine::kSqlite;
  LoadReport load;
  uint64_t cache_bytes = 0;
  std::vector<SaturateStep> steps;
  SaturateStop stop = SaturateStop::kContinue;  // why the steps ended
  std::optional<size_t> knee;                   // index into steps
  bool knee_reached = false;                    // a degraded step was seen
  std::optional<size_t> slo_step;               // index of the SLO point
};

struct SaturateResult {
  BuildInfo build;
  std::vector<SaturateEngineResult> engines;
};

// ---- the pure logic ---------------------------------------------------------

// The most operations of trace the steps may need (the trace is held in
// memory before timing).
inline constexpr uint64_t kMaxSaturateTraceOps = 5'000'000;
inline constexpr int kMaxSaturateThreads = 256;

// InvalidArgument naming the flag (--threads, --start-rate, --factor,
// --step-seconds, --max-steps, --slo-p99-ms) of the first bad option:
// threads 1..256, start_rate > 0, factor > 1, step_seconds > 0, max_steps
// 1..100, slo_p99_ms > 0, and a trace of at most kMaxSaturateTraceOps.
Status CheckSaturateOptions(const SaturateOptions& o);

// The offered rate of step k: start_rate * factor^k.
double StepRate(const SaturateOptions& o, int k);
// Operations of step k: ceil(StepRate * step_seconds), at least 1.
uint64_t StepOps(const SaturateOptions& o, int k);
// Warm-up plus the operations of every possible step: the trace's length.
uint64_t SaturateTraceLength(const SaturateOptions& o);

// Whether a step kept up with its offered rate.
bool KeptUp(const SaturateStep& s);
// Whether to stop after the last of `steps` (REQUIRES: not empty).
SaturateStop StopAfter(const SaturateOptions& o, std::span<const SaturateStep> steps);
// The knee of `steps`; `*reached` says whether a degraded step was seen.
std::optional<size_t> KneeOf(std::span<const SaturateStep> steps, bool* reached);
// The index of the SLO point of `steps`, or nullopt.
std::optional<size_t> SloPointOf(std::span<const SaturateStep> steps, double slo_p99_ms);

// Runs steps 0, 1, ... through `run_step(k, offered_rate)` until StopAfter
// says stop, then fills result->steps, stop, knee and slo_step. A step's
// error ends the run and is returned.
using StepRunner = std::function<StatusOr<SaturateStep>(int k, double offered)>;
Status RunSteps(const SaturateOptions& o, const StepRunner& run_step, SaturateEngineResult* result);

// ---- the run ----------------------------------------------------------------

// Loads (or reuses) the engines' pristine stores in WORK/base, makes the
// trace, and steps each engine on a fresh clone.
// REQUIRES: the setup was validated (saturate_command.cc).
StatusOr<SaturateResult> RunSaturate(const SaturateSetup& setup);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_SATURATE_H_
