// Reporters of the experiments (bench/drivers/onboarding.h,
// bench/drivers/schema_change_bench.h, bench/drivers/experiments.h): their
// JSON documents and the schema-change console table.
//
// Onboarding: { "spec": {...}, "before"|"during"|"after": { "count",
//   "mean_us", "p50_us", "p99_us", "max_us", "errors", "storage_errors" },
//   "onboarding_requests", "onboarding_failures", "onboarding_seconds",
//   "longest_onboarding_request_us", "new_tenant_reads", "new_tenant_reads_ok",
//   "probe_requests", "probe_leaks", "leak_examples" }.
// Schema-change result: { "method", "engine", "completed", ..., "change",
//   "end_state", "writes": { ..., "storage_errors" (0 or 1: the first ends
//   the run), "storage_error" (its text or null),
//   "all"|"before"|"during"|"after"|"in_flight":
//   { "count", "failed", "mean_us", "p50_us", "p99_us", "max_us" } } }.
// Schema-change suite: { "command": "schema-change", "seed", "listings",
//   "rate", "batch", "batch_pause_ms", "before_s", "after_s",
//   "busy_timeout_ms", "verify_sample", "workload", "config", "build",
//   "methods": [SchemaChangeResultJson...], "storage_failure" (the line the
//   command printed for the storage error that ended it, or null) }.
//
// Thread safety: plain functions of their arguments.
#ifndef LISTBENCH_BENCH_REPORT_EXPERIMENTS_REPORT_H_
#define LISTBENCH_BENCH_REPORT_EXPERIMENTS_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "bench/drivers/experiments.h"
#include "bench/drivers/onboarding.h"
#include "bench/drivers/schema_change_bench.h"

namespace listbench {

nlohmann::json OnboardingJson(const OnboardingResult& r, const OnboardingSpec& spec);
nlohmann::json SchemaChangeResultJson(const SchemaChangeResult& r);
nlohmann::json SchemaChangeSuiteJson(const SchemaChangeSuiteResult& suite);
// { "onboarding": { "<engine>": OnboardingJson }, "schema_change": suite }.
nlohmann::json ExperimentsJson(const ExperimentsResult& r);
// The runs under load (bench/drivers/under_load.h): summary.json's
// "experiments"."under_load".
nlohmann::json UnderLoadJson(const UnderLoadResult& ul);

// The table of a suite: method, change duration, its longest step, listings
// the change rewrote, the longest stall of the writes in flight during it,
// longest write stall of the run (and completion gap, and the stall before
// the change as a baseline), p99 write latency during the change, failed
// writes, listings left without the field; with a legend, then
// SchemaChangeSplitText.
std::string SchemaChangeTable(const SchemaChangeSuiteResult& suite);

// Which part of the difference between the methods is the method and which
// the data model, in the figures of this suite only: first each
// backfilling method's gap to rocksdb-lazy in the longest stall of a write
// in flight during the change and in duration, split into two parts that
// add up to it; then the figures behind them: sqlite-blocking and
// sqlite-batched against sqlite-lazy (one data model, the methods), and
// sqlite-lazy against rocksdb-lazy (one method, the data models). Markdown that
// reads as plain text; a comparison is left out when the suite lacks one of
// its methods, and everything when it lacks sqlite-lazy.
std::string SchemaChangeSplitText(const SchemaChangeSuiteResult& suite);

// The figures the reports show of one schema-change method, in their units.
double LongestStallMs(const SchemaChangeResult& r);
double LongestGapMs(const SchemaChangeResult& r);
double LongestStepMs(const SchemaChangeResult& r);  // the change's longest step
// The longest latency of a write in flight during the change (0: none was).
double InFlightStallMs(const SchemaChangeResult& r);
double MaxUs(const Histogram& h);  // the largest latency in µs
double P99Us(const Histogram& h);  // the 99th percentile in µs

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_EXPERIMENTS_REPORT_H_
