// The report of `listbench compare --report`: DIR/report.md with PNG plots
// drawn by gnuplot (Debian's gnuplot-nox), reproducing the seed article's
// comparison table row by row with the figures of this run. Rows listbench
// does not measure yet say so; nothing in the report is a constant.
//
// Thread safety: plain functions; WriteReport writes only into its directory.
#ifndef LISTBENCH_BENCH_REPORT_REPORT_H_
#define LISTBENCH_BENCH_REPORT_REPORT_H_

#include <string>

#include "bench/drivers/compare.h"
#include "bench/harness/build_info.h"
#include "core/status.h"

namespace listbench {

// Writes DIR/report.md, DIR/cdf.csv, DIR/latency_by_op.dat and, when gnuplot
// is installed, DIR/latency_cdf.png and DIR/latency_by_op.png, from the run
// `setup` made and what it measured (both engines needed; the experiments'
// sections say so when `result` has none). A missing gnuplot is reported in
// the markdown (and on stderr), not an error.
Status WriteReport(const std::string& dir, const CompareSetup& setup, const CompareResult& result);

// Markdown table rows (CPU, memory, compiler, build type, RocksDB, SQLite,
// listbench @ commit) of a result's build, shared by every generated
// report's environment section.
std::string BuildEnvironmentRows(const BuildInfo& build);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_REPORT_H_
