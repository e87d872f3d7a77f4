// The Mann-Whitney U test (the Wilcoxon rank-sum test) of two independent
// samples, two-sided: does one sample tend to hold larger values than the
// other? It assumes nothing about the distribution, only that within each
// sample the values are independent draws, which is why `listbench check`
// gives it one summary figure per repeated run rather than every request's
// latency (requests of one run are not independent). Google Benchmark's
// tools/compare.py and Go's benchstat decide the same way.
//
// U counts the pairs (a, b) with a > b, a tie counting one half. The
// two-sided p-value is the probability, when both samples come from one
// distribution, of a U at least as far from its mean n1 * n2 / 2 as the one
// observed: P(U <= min(U1, U2)) + P(U >= max(U1, U2)), at most 1.
// * Exact when both samples have at most kUTestExactLimit values: the
//   distribution of U over every equally likely assignment of the pooled
//   values to the two samples, conditional on the ties (ties take their
//   mid-rank), as benchstat does for small samples. Without ties this is the
//   classic exact distribution (SciPy's method="exact").
// * Otherwise the normal approximation with the tie correction of the
//   variance and a continuity correction of 1/2 (SciPy's
//   method="asymptotic").
// With 3 values on each side the smallest two-sided p the test can give is
// 2 / C(6, 3) = 0.1; with 4 and 4 it is 2 / C(8, 4) = 0.029.
//
// Thread safety: a plain function of its arguments.
#ifndef LISTBENCH_BENCH_HARNESS_MANN_WHITNEY_H_
#define LISTBENCH_BENCH_HARNESS_MANN_WHITNEY_H_

#include <cstddef>
#include <span>

namespace listbench {

// Samples larger than this (on either side) use the normal approximation.
inline constexpr size_t kUTestExactLimit = 50;

struct UTestResult {
  double u = 0;       // U of the first sample
  double p = 1;       // two-sided p-value
  bool exact = true;  // false: normal approximation
};

// The two-sided U test of `a` against `b`.
// REQUIRES: both non-empty; no NaN.
UTestResult MannWhitneyU(std::span<const double> a, std::span<const double> b);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_MANN_WHITNEY_H_
