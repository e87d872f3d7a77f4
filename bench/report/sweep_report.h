// Reporters of `listbench sweep` (bench/drivers/sweep.h): sweep.json,
// sweep.csv, sweep.md with the gnuplot plots sweep_latency.png and
// sweep_size.png (plus the .gp scripts that drew them), and the terminal
// table.
//
// Thread safety: plain functions; WriteSweepOutputs writes only into
// config.out_dir.
#ifndef LISTBENCH_BENCH_REPORT_SWEEP_REPORT_H_
#define LISTBENCH_BENCH_REPORT_SWEEP_REPORT_H_

#include <nlohmann/json.hpp>

#include "bench/drivers/sweep.h"
#include "core/status.h"

namespace listbench {

// The sweep.json document.
nlohmann::json SweepJson(const SweepConfig& config, const SweepResult& result);

// Writes sweep.json, sweep.csv, sweep.md and the plots into config.out_dir.
Status WriteSweepOutputs(const SweepConfig& config, const SweepResult& result);

// Prints the per-engine, per-scale table and the fitted exponents to stdout.
void PrintSweepTable(const SweepConfig& config, const SweepResult& result);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_SWEEP_REPORT_H_
