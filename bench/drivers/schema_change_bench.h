// The schema-change downtime experiment: add a field to listings with a
// backfilled value (engine/schema_change.h) while a write workload runs, and
// measure what the writes see -- the longest stall, the latency around the
// change and the writes that failed.
//
// Two threads, really concurrent: a writer thread replays a write-only trace
// against the store OPEN LOOP at a fixed rate (request i is due at
// start + i / rate; latency runs from the due time, so a stall is charged to
// every write queued behind it, as in bench/harness/runner.h), while the calling
// thread waits `before_s`, runs the change step by step to completion, and
// lets the writes go on for `after_s`. Times are steady_clock. A write that
// fails with IOError or Corruption ends the run: the writer stops, and the
// change before its next step.
//
// Thread safety: RunSchemaChangeExperiment uses `store` from its writer
// thread only (and, after joining it, to verify); the caller must not use
// the store meanwhile. The other functions are plain.
#ifndef LISTBENCH_BENCH_DRIVERS_SCHEMA_CHANGE_BENCH_H_
#define LISTBENCH_BENCH_DRIVERS_SCHEMA_CHANGE_BENCH_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bench/harness/build_info.h"
#include "bench/harness/histogram.h"
#include "bench/harness/storage_error.h"
#include "bench/harness/store_setup.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"
#include "engine/schema_change.h"
#include "workloads/dataset.h"
#include "workloads/op.h"
#include "workloads/workload_spec.h"

namespace listbench {

struct SchemaChangeExperimentOptions {
  double before_s = 1.0;  // writes before the change starts
  double after_s = 1.0;   // writes after it completes
  SchemaChangeOptions change;
  // The change sleeps this long after each step that did not complete: the
  // throttle a batched backfill needs on SQLite, whose busy handler polls
  // (a waiting write sleeps 1, 2, 5, ... up to 100 ms between tries) rather
  // than queueing, so back-to-back batches can starve the writes. Only
  // kSqliteBatched takes more than one step.
  double step_pause_ms = 10;
  // A failed step (e.g. the store held the lock past busy_timeout_ms) is
  // retried up to this many times in a row before the change is abandoned.
  int max_step_retries = 3;
  uint64_t verify_sample = 1000;  // listings read back one by one afterwards
};

// Writes whose due time fell in one phase of the run.
struct WritePhase {
  Histogram latency_ns;  // from the due time
  uint64_t failed = 0;   // IOError and other storage failures
};

struct SchemaChangeResult {
  SchemaChangeMethod method = SchemaChangeMethod::kSqliteBlocking;
  bool completed = false;
  std::string change_error;  // the last failed step's status, if any
  uint64_t step_failures = 0;
  double change_seconds = 0;  // first step start to last step end
  double change_start_s = 0;  // after the writer's start
  SchemaChangeStats change;
  SchemaChangeCheck check;  // only when completed

  double rate = 0;               // writes per second asked for
  double writer_seconds = 0;     // first due time to last completion
  bool trace_exhausted = false;  // the trace ran out before after_s was over
  uint64_t attempted = 0;
  uint64_t failed = 0;  // storage failures (IOError, Corruption, ...)
  // Contract outcomes (NotFound, Conflict, InvalidArgument): not failures.
  // With a trace whose writes are aimed to succeed, these are knock-on
  // effects of earlier failed writes (e.g. paying an application whose
  // approval failed).
  uint64_t contract_outcomes = 0;
  std::array<uint64_t, 7> outcomes{};                                 // by StatusCode
  std::array<std::array<uint64_t, 7>, kNumOpKinds> outcomes_by_op{};  // [OpKind][StatusCode]
  std::string first_failure;
  // The write that failed with IOError or Corruption: it ended the run (the
  // writer stopped, and the change stopped before its next step, so
  // `completed` is false unless it had finished).
  std::optional<StorageError> storage_error;
  WritePhase all, before, during, after;
  // The writes in flight at some moment of the change: due before it ended
  // and completed after it began (so they overlap the phases above). These
  // are the writes the change can delay; the largest latency among them is
  // the stall the change caused, apart from stalls elsewhere in the run.
  WritePhase in_flight;
  // Longest stall: the largest latency from a write's due time, and the
  // longest time between two consecutive write completions (a completion
  // gap; at rate r the gap is normally about 1/r). before.latency_ns.max()
  // is the same run's stall without a change (the baseline).
  uint64_t longest_stall_ns = 0;
  uint64_t longest_gap_ns = 0;
};

// Runs `method` on `store` (files in `dir`; the store itself, not a
// decorator) while replaying `write_trace` at `write_rate_per_s`.
// Returns non-OK only if the experiment could not run (the change could not
// be prepared, the trace is empty, the rate is not positive); a change that
// failed while running is reported in the result.
// REQUIRES: write_trace holds only writes (W1-W5), and enough of them for
// the whole run (the result says when it ran out).
StatusOr<SchemaChangeResult> RunSchemaChangeExperiment(
    Store& store, const std::string& dir, SchemaChangeMethod method,
    std::span<const Op> write_trace, double write_rate_per_s,
    const SchemaChangeExperimentOptions& options);

// Everything `listbench schema-change` does, for the command and for the
// report generator.
struct SchemaChangeSuiteSpec {
  DatasetSpec dataset;
  std::string work_dir = "work";                 // pristine loads in WORK/base, runs in WORK/run
  LoadReuse reuse{ExistingLoad::kReplaceOther};  // of the pristine loads in WORK/base
  std::string workload_path = "workloads/writes.toml";
  double rate = 2000;
  double max_seconds = 120;  // trace length = rate x max_seconds writes
  StoreOptions store_options;
  SchemaChangeExperimentOptions experiment;
  // Every method by default (the report's suite runs them all).
  std::vector<SchemaChangeMethod> methods{kAllSchemaChangeMethods.begin(),
                                          kAllSchemaChangeMethods.end()};
  bool progress = true;  // to stderr
};

// What a suite measured: one result per method, in the spec's order.
struct SchemaChangeSuiteResult {
  SchemaChangeSuiteSpec spec;  // as run
  WorkloadSpec workload;       // the writer's workload file, parsed
  BuildInfo build;
  std::vector<SchemaChangeResult> methods;
  // A storage error ended a method's run (its result is the last of
  // `methods`) and the suite there: the store and the error.
  std::optional<StoreFailure> storage_failure;
};

// Loads (or reuses) the pristine stores, makes the write trace from the seed
// over `catalog` (the dataset of spec.dataset; generated here when null) and
// runs each method on a fresh clone of its engine's load. InvalidArgument for
// bad knobs or a workload that weights reads.
StatusOr<SchemaChangeSuiteResult> RunSchemaChangeSuite(const SchemaChangeSuiteSpec& spec,
                                                       const DatasetCatalog* catalog = nullptr);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_DRIVERS_SCHEMA_CHANGE_BENCH_H_
