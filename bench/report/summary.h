// Result files of `listbench run` and `listbench compare`: summary.json (the
// document `listbench check` compares), a per-op CSV and the per-second
// series CSV, plus the side-by-side terminal table.
//
// summary.json:
//   { "command", "seed", "listings", "threads", "arrivals" (open loop only),
//     "repeat",   // repetitions: timed replays of the trace per engine
//     "workload": {...},
//     "config": { "durable", "rocksdb_wal", "sqlite_schema", "cache_mb" | "cache_share",
//         "rocksdb": { "block_cache_bytes", "memtable_budget_bytes",
//                      "memtables_charged_to_cache", "write_buffer_bytes",
//                      "max_write_buffers", "cache_index_and_filter_blocks",
//                      "high_pri_pool_ratio", "pin_l0_filter_and_index_blocks",
//                      "partitioned_filters" },   // engine/rocks/memory_budget.h
//         "sqlite": { "page_cache_bytes", "wal_autocheckpoint", "checkpoint",
//                     "checkpoint_frames", "restart_checkpoint_frames",
//                     "restart_wait_ms", "mmap_size" } },  // sqlite_store.h
//                     // (each engine present in the run, with its own cache)
//     "build": {environment header},
//     "engines": { "<engine>": { "load": { "reused", "seconds", "disk_bytes" },
//         "cache_bytes",
//         // the median repetition (bench/drivers/compare.h EngineRun) as one run:
//         "disk_bytes_after", "seconds", "measured_ops", "throughput",
//         "open_loop", "target_rate", "trace_exhausted", "threads",
//         "arrivals" (open loop only), "lock_wait_share", "retries",
//         "ops": { "<op>": { "count", "errors": {"<code>": n}, "mean_us",
//                  "p50_us", "p90_us", "p99_us", "p999_us", "max_us",
//                  "lock_wait_share", "retries",
//                  "work": { "queries", "rows_read", "rows_written", "io_reads",
//                            "io_read_bytes", "io_writes", "io_write_bytes",
//                            "io_syncs" } } },   // work is per request
//         "all": { same as an op },
//         "background": { "flushes", "flush_ms", "flush_bytes", "compactions",
//                         "compaction_ms", "compaction_bytes", "checkpoints",
//                         "restart_checkpoints", "failed_checkpoints",
//                         "checkpoint_ms", "checkpoint_pages" },

//         // requests answered with IOError or Corruption over every
//         // repetition, and the first as text ("<request>: <status>") or null:
//         "storage_errors", "storage_error",
//         "median_repeat": i,   // which of "repeats" that is
//         // every repetition, in the order run, each a run as above:
//         "repeats": [ { "repeat", "position" (0: the engine ran first in it),
//                        "disk_bytes_after", "seconds", ..., "ops", "all",
//                        "storage_errors", "storage_error" (that repetition's) } ],
//         // over the repetitions; a spread is { "median", "min", "max", "n" }:
//         "spread": { "throughput": spread,
//                     "ops": { "<op>": { "mean_us", "p50_us", "p99_us": spread } },
//                     "all": { "mean_us", "p50_us", "p99_us": spread } } } },
//     // with both engines: per pattern, SQLite's mean latency over RocksDB's
//     // in each repetition, and the spread of those ratios:
//     "mean_ratio": { "ops": { "<op>": spread }, "all": spread },
//     "experiments": {...},    // compare --report (bench/report/experiments_report.h)
//     // the storage error that ended the run (compare.h storage_failure),
//     // the line the command printed, or null:
//     "storage_failure" }
//
// lock_wait_share is the requests' summed lock wait (SQLite: waiting for the
// database's write lock) over their summed latency; retries counts requests
// run again after losing a write conflict (core/io_stats.h Tally).
// background is the engine's work on its own threads completed during the
// measured run, which no request waited for (core/background_work.h).
//
// Thread safety: plain functions of their arguments.
#ifndef LISTBENCH_BENCH_REPORT_SUMMARY_H_
#define LISTBENCH_BENCH_REPORT_SUMMARY_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bench/drivers/compare.h"
#include "bench/harness/runner.h"
#include "core/status.h"
#include "workloads/workload_spec.h"

namespace listbench {

// A server engine's measured round trips in its median run: statements
// (transaction control included) per request, and the measured latency per
// round trip over the local socket, the server's work included -- what the
// modelled network profiles replace with their own rtt. None when the run
// sent no statement (an embedded engine).
struct MeasuredRoundTrips {
  double per_request = 0;
  double us_each = 0;
};
std::optional<MeasuredRoundTrips> MeasuredRoundTripsOf(const EngineRun& er);

nlohmann::json OpStatsJson(const OpStats& s);
nlohmann::json RunResultJson(const RunResult& r);
nlohmann::json BackgroundWorkJson(const BackgroundWork& b);
// One line: "3 flushes (45.2 ms, 24.1 MiB written), 2 checkpoints (...)",
// or "none".
std::string BackgroundWorkText(const BackgroundWork& b);
nlohmann::json WorkloadJson(const WorkloadSpec& w);

// The summary.json document of `listbench <command>` (run or compare).
nlohmann::json SummaryJson(const std::string& command, const CompareSetup& setup,
                           const CompareResult& result);

// Prints, per op, count, mean, p50, p99 and errors of each engine side by
// side -- apart: "contract" (not found, conflict, invalid argument) and
// "storage" (IOError, Corruption) -- and the SQLite/RocksDB ratio of the
// means when both engines are present; then a line per engine: measured
// ops, seconds, throughput, client threads (and the lock-wait share and
// retries when there were any), and a line per run a storage error ended. With
// more than one repetition every timing is "median [min–max]" over them
// (the ratio: of the per-repetition ratios); counts, errors, lock wait and
// retries are those of each engine's median repetition; then a line per
// engine of its background work during its median repetition.
void PrintComparison(const CompareResult& result);

// Writes DIR/ops.csv (engine, op, count, errors, mean/p50/p90/p99/p999/max
// in µs, counted work per request, lock_wait_share, retries) and
// DIR/series.csv (engine, second, ops, errors, mean_us, p99_us, max_us; a
// second holds every client's requests that completed in it), both of each
// engine's median repetition.
Status WriteCsvs(const std::string& dir, const CompareResult& result);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_SUMMARY_H_
