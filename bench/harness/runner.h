// The executor stage: replays a pre-generated operation trace against a
// store through MeasuredStore and collects per-pattern latency histograms,
// outcomes, counted work and a per-second time series.
//
// Closed loop (target_rate = 0): each request is issued when the previous one
// completes; latency is service time. Open loop (target_rate > 0): request i
// is due at start + i / rate; the runner waits until then, and latency is
// measured from the due time, so a stall shows up in every request queued
// behind it (YCSB's measurement.interval=both, "intended" latency).
//
// Thread safety: runs on the calling thread; the store is used by it alone.
#ifndef LISTBENCH_BENCH_HARNESS_RUNNER_H_
#define LISTBENCH_BENCH_HARNESS_RUNNER_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "bench/harness/histogram.h"
#include "bench/harness/measured_store.h"
#include "workloads/op.h"

namespace listbench {

struct RunOptions {
  uint64_t warmup = 0;     // leading trace ops run unrecorded
  double duration_s = 0;   // > 0: stop measuring after this long (or at trace end)
  double target_rate = 0;  // ops/s; > 0 means open loop
};

// One second of the measured run.
struct Second {
  uint64_t ops = 0;
  uint64_t errors = 0;  // non-ok outcomes
  double mean_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

struct RunResult {
  std::array<OpStats, kNumOpKinds> ops;  // measured requests by pattern
  OpStats all;                           // every measured request
  uint64_t measured = 0;
  double seconds = 0;     // wall time of the measured part
  double throughput = 0;  // measured / seconds
  bool open_loop = false;
  double target_rate = 0;
  bool trace_exhausted = false;  // duration mode ran out of trace first
  std::vector<Second> series;
};

// REQUIRES: trace.size() > options.warmup.
RunResult RunTrace(Store& store, std::span<const Op> trace, const RunOptions& options);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_RUNNER_H_
