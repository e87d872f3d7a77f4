// Reporters of `listbench saturate` (bench/drivers/saturate.h): the
// terminal table, saturate.json, saturate.csv and, per engine, the gnuplot
// curve saturate-<engine>.png (p50 and p99 latency against achieved
// throughput, with the SLO line and the knee; the .gp script and .dat data
// beside it).
//
// saturate.json:
//   { "command": "saturate", "seed", "listings", "workload": {...},
//     "config": { "threads", "start_rate", "factor", "step_seconds", "max_steps",
//                 "slo_p99_ms", "warmup", "cache_mb", "durable", "kept_up_share",
//                 "plateau_epsilon", "knee_rule" },
//     "build": {environment header},
//     "engines": { "<engine>": { "load": { "reused", "seconds", "disk_bytes" },
//         "cache_bytes", "stop", "knee_reached", "knee": step | null,
//         "slo_rate": ops/s | null, "slo_step": step | null, "max_achieved",
//         "steps": [ { "step", "offered", "achieved", "ops", "seconds", "p50_ms",
//                      "p95_ms", "p99_ms", "max_ms", "errors", "lock_wait_share",
//                      "retries", "kept_up", "meets_slo" } ] } } }
// Steps are numbered from 1 in every output.
//
// Thread safety: plain functions; WriteSaturateOutputs writes only into
// `out_dir`.
#ifndef LISTBENCH_BENCH_REPORT_SATURATE_REPORT_H_
#define LISTBENCH_BENCH_REPORT_SATURATE_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "bench/drivers/saturate.h"
#include "core/status.h"

namespace listbench {

// The saturate.json document.
nlohmann::json SaturateJson(const SaturateSetup& setup, const SaturateResult& result);
// One engine's part of saturate.json ("engines".<name>).
nlohmann::json SaturateEngineJson(const SaturateEngineResult& er, double slo_p99_ms);

// The saturate.csv text: one row per engine and step.
std::string SaturateCsv(const SaturateSetup& setup, const SaturateResult& result);

// Writes saturate.json, saturate.csv and the plots into `out_dir` (which
// exists). Without gnuplot the plots are skipped with a note on stderr.
Status WriteSaturateOutputs(const std::string& out_dir, const SaturateSetup& setup,
                            const SaturateResult& result);

// Prints each engine's steps, its knee and its SLO point to stdout.
void PrintSaturateTable(const SaturateSetup& setup, const SaturateResult& result);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_SATURATE_REPORT_H_
