// Result files of `listbench run` and `listbench compare`: summary.json (the
// document `listbench check` compares), a per-op CSV and the per-second
// series CSV, plus the side-by-side terminal table.
//
// summary.json:
//   { "command", "seed", "listings", "workload": {...}, "config": {...},
//     "build": {environment header},
//     "engines": { "<engine>": { "load": { "reused", "seconds", "disk_bytes" },
//         "cache_bytes", "disk_bytes_after", "seconds", "measured_ops", "throughput",
//         "open_loop", "target_rate", "trace_exhausted",
//         "ops": { "<op>": { "count", "errors": {"<code>": n}, "mean_us",
//                  "p50_us", "p90_us", "p99_us", "p999_us", "max_us",
//                  "work": { "queries", "rows_read", "rows_written", "io_reads",
//                            "io_read_bytes", "io_writes", "io_write_bytes",
//                            "io_syncs" } } },   // work is per request
//         "all": { same as an op } } },
//     "experiments": {...} }   // compare --report (bench/report/experiments_report.h)
//
// Thread safety: plain functions of their arguments.
#ifndef LISTBENCH_BENCH_REPORT_SUMMARY_H_
#define LISTBENCH_BENCH_REPORT_SUMMARY_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/drivers/compare.h"
#include "bench/harness/runner.h"
#include "core/status.h"
#include "workloads/workload_spec.h"

namespace listbench {

nlohmann::json OpStatsJson(const OpStats& s);
nlohmann::json RunResultJson(const RunResult& r);
nlohmann::json WorkloadJson(const WorkloadSpec& w);

// The summary.json document of `listbench <command>` (run or compare).
nlohmann::json SummaryJson(const std::string& command, const CompareSetup& setup,
                           const CompareResult& result);

// Prints, per op, count and latency percentiles of each engine side by side,
// and the SQLite/RocksDB ratio of the means when both engines are present.
void PrintComparison(const CompareResult& result);

// Writes DIR/ops.csv (engine, op, count, errors, mean/p50/p90/p99/p999/max
// in µs, counted work per request) and DIR/series.csv (engine, second, ops,
// errors, mean_us, p99_us, max_us).
Status WriteCsvs(const std::string& dir, const CompareResult& result);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_SUMMARY_H_
