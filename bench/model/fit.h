// Growth fits for `listbench sweep`: how a measured quantity y grows with the
// dataset size N, as a power law y = a * N^b fitted by ordinary least squares
// on (log N, log y). b is the growth exponent (1 = linear, 0 = flat); r2 is
// the coefficient of determination of the fit in log-log space.
//
// Thread safety: pure functions of their arguments; safe from any thread.
#ifndef LISTBENCH_BENCH_MODEL_FIT_H_
#define LISTBENCH_BENCH_MODEL_FIT_H_

#include <span>

#include "core/status.h"

namespace listbench {

struct PowerFit {
  double a = 0;   // y at N = 1
  double b = 0;   // exponent: y grows as N^b
  double r2 = 0;  // R² in log-log space; 1 when every point lies on the line
                  // (including the case where all y are equal and b = 0)

  // a * x^b.
  double At(double x) const;
};

// Fits y = a * x^b to the points (x[i], y[i]).
// InvalidArgument if x and y differ in length, there are fewer than two
// points, a value is not finite or not positive, or all x are equal.
StatusOr<PowerFit> FitPowerLaw(std::span<const double> x, std::span<const double> y);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_MODEL_FIT_H_
