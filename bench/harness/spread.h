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
#include <string>

namespace listbench {

struct Spread {
  size_t n = 0;       // measurements
  double median = 0;  // the middle one; with an even n, the mean of the two middle ones
  double min = 0;
  double max = 0;
};

// The spread of `values` (all zero when empty).
Spread SpreadOf(std::span<const double> values);

// "median [min–max]", each figure formatted by `fmt_one` (a callable from
// double to std::string); the median alone when there is at most one
// measurement.
template <typename F>
std::string SpreadText(const Spread& s, F fmt_one) {
  if (s.n <= 1) return fmt_one(s.median);
  return fmt_one(s.median) + " [" + fmt_one(s.min) + "–" + fmt_one(s.max) + "]";
}

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_SPREAD_H_
