// Drawing plots for result reports (`compare --report`, `sweep`) with
// gnuplot (Debian's gnuplot-nox), and writing the small text files they read.
// A missing gnuplot is never an error here: callers ask HaveGnuplot() and
// say in their report that plots were not drawn.
//
// Thread safety: the functions touch only the files they are given and run
// child processes through std::system; call them from one thread at a time
// per directory.
#ifndef LISTBENCH_BENCH_REPORT_PLOT_H_
#define LISTBENCH_BENCH_REPORT_PLOT_H_

#include <string>

#include "core/status.h"

namespace listbench {

// Writes `text` to `path`, replacing it. IOError names the path.
Status WriteTextFile(const std::string& path, const std::string& text);

// True when a `gnuplot` executable is on the PATH.
bool HaveGnuplot();

// Writes `script` to DIR/NAME.gp and runs gnuplot on it with DIR as the
// working directory (so the script's relative file names resolve there).
// Returns false if the script could not be written or gnuplot failed; its
// output is discarded.
bool RunGnuplot(const std::string& dir, const std::string& name, const std::string& script);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_PLOT_H_
