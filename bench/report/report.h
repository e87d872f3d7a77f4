// The report of `listbench compare --report`: DIR/report.md with PNG plots
// drawn by gnuplot (Debian's gnuplot-nox), reproducing the seed article's
// comparison table row by row with the figures of this run. Rows listbench
// does not measure yet say so; nothing in the report is a constant.
#ifndef LISTBENCH_BENCH_REPORT_REPORT_H_
#define LISTBENCH_BENCH_REPORT_REPORT_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/harness/runner.h"
#include "core/status.h"

namespace listbench {

// Writes DIR/report.md, DIR/cdf.csv, DIR/latency_by_op.dat and, when gnuplot
// is installed, DIR/latency_cdf.png and DIR/latency_by_op.png. `summary` is
// the run's summary.json document. A missing gnuplot is reported in the
// markdown (and on stderr), not an error.
Status WriteReport(const std::string& dir, const nlohmann::json& summary,
                   const std::map<std::string, RunResult>& by_engine);

// Markdown table rows (CPU, memory, compiler, build type, RocksDB, SQLite,
// listbench @ commit) from a result's "build" header (BuildInfoJson), shared
// by every generated report's environment section.
std::string BuildEnvironmentRows(const nlohmann::json& build);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_REPORT_H_
