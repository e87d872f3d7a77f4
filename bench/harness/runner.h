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
// Many clients (threads > 1): the trace is generated before timing and dealt
// round-robin -- measured op i (counting from the end of the warm-up) goes to
// client i % threads, and so does warm-up op i -- so the same seed gives every
// client the same operations in the same order on every run. Each client has
// its own MeasuredStore; their histograms and per-second series are merged.
// Closed loop: each client issues its next op when its previous one
// completes. Open loop: the run's arrival schedule (uniform: op i due at
// i / rate; Poisson: exponential gaps of mean 1 / rate drawn from
// arrival_seed) is fixed before timing; each client waits for its ops' due
// times and latency runs from them.
// Every client finishes its share of the warm-up before the measured start,
// which they all share; in duration mode every client stops at the same
// deadline. A second of the series holds the requests of every client that
// completed in it (their histograms merged, so its p99 is the p99 of all of
// them). Client 0 runs on the calling thread, so a one-client run is the
// single-threaded runner exactly.
//
// Background work: the store's BackgroundWork (core/background_work.h) is
// read when the measured part starts (after every client's warm-up) and
// after the last client ends; the difference -- flushes, compactions,
// checkpoints completed in between, which no request waited for -- is
// reported beside the latency.
//
// Storage errors: a request the store answers with IOError or Corruption
// (Status::IsStorageError) is not a result. Unless the run plans faults
// (RunOptions::stop_on_storage_error false), the first one, in the warm-up
// or measured, is kept in RunResult::storage_error and every client stops
// before its next request (an open-loop client waiting for a due time
// within a few milliseconds); the run's figures then cover the requests
// made until then. NotFound, Conflict and InvalidArgument are outcomes of
// the store's contract and never stop a run.
//
// Thread safety: RunTrace blocks its caller; with threads > 1 it uses the
// store from that many threads at once (core/store.h's concurrency
// contract).
#ifndef LISTBENCH_BENCH_HARNESS_RUNNER_H_
#define LISTBENCH_BENCH_HARNESS_RUNNER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bench/harness/histogram.h"
#include "bench/harness/measured_store.h"
#include "bench/harness/storage_error.h"
#include "core/background_work.h"
#include "workloads/op.h"
#include "workloads/workload_spec.h"  // Arrivals

namespace listbench {

struct RunOptions {
  uint64_t warmup = 0;                     // leading trace ops run unrecorded
  double duration_s = 0;                   // > 0: stop measuring after this long (or at trace end)
  double target_rate = 0;                  // ops/s over all clients; > 0 means open loop
  int threads = 1;                         // client threads (>= 1)
  Arrivals arrivals = Arrivals::kUniform;  // open loop only
  uint64_t arrival_seed = 1;               // Poisson gaps
  // A storage error ends the run (above); false only for a run under a
  // fault plan, which expects them and counts them as outcomes.
  bool stop_on_storage_error = true;
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
  int threads = 1;
  Arrivals arrivals = Arrivals::kUniform;
  bool trace_exhausted = false;  // duration mode: a client ran out of trace first
  std::vector<Second> series;
  // Requests answered with IOError or Corruption, warm-up included (with
  // stop_on_storage_error, usually one: clients already in a request when
  // the first came back may add theirs), and the first of them.
  // The first is kept only with stop_on_storage_error.
  uint64_t storage_errors = 0;
  std::optional<StorageError> storage_error;
  // The store's background work completed during the measured part.
  BackgroundWork background;
};

// When measured op i of an open-loop run is due, in nanoseconds after the
// measured start, for i in [0, n): uniform, i * 1e9 / rate; Poisson, the sum
// of i exponential gaps of mean 1e9 / rate drawn from `seed` (op 0 is due at
// 0). Non-decreasing; the same arguments give the same schedule.
// REQUIRES: rate > 0.
std::vector<int64_t> ArrivalSchedule(size_t n, double rate, Arrivals arrivals, uint64_t seed);

// REQUIRES: trace.size() > options.warmup, options.threads >= 1.
RunResult RunTrace(Store& store, std::span<const Op> trace, const RunOptions& options);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_RUNNER_H_
