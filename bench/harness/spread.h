// The spread of a few repeated measurements: their median with the lowest
// and highest, as the reports print them ("median [min-max]"). Timings on a
// shared machine vary from run to run; a figure measured several times is
// reported this way rather than as one run.
//
// Thread safety: a value type.
#ifndef LISTBENCH_BENCH_HARNESS_SPREAD_H_
#define LISTBENCH_BENCH_HARNESS_SPREAD_H_

#include <cstddef>
#include <span>

namespace listbench {

struct Spread {
  size_t n = 0;       // measurements
  double median = 0;  // the middle one; with an even n, the mean of the two middle ones
  double min = 0;
  double max = 0;
};

// The spread of `values` (all zero when empty).
Spread SpreadOf(std::span<const double> values);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_SPREAD_H_
