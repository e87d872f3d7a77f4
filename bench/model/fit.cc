#include "bench/model/fit.h"

#include <cmath>
#include <string>
#include <vector>

namespace listbench {

double PowerFit::At(double x) const { return a * std::pow(x, b); }

StatusOr<PowerFit> FitPowerLaw(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) {
    return Status::InvalidArgument("power-law fit: " + std::to_string(x.size()) + " x values but " +
                                   std::to_string(y.size()) + " y values");
  }
  if (x.size() < 2) {
    return Status::InvalidArgument("power-law fit: needs at least 2 points, got " +
                                   std::to_string(x.size()));
  }
  const size_t n = x.size();
  std::vector<double> lx(n), ly(n);
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || x[i] <= 0 || y[i] <= 0) {
      return Status::InvalidArgument("power-law fit: point " + std::to_string(i) +
                                     " is not positive and finite");
    }
    lx[i] = std::log(x[i]);
    ly[i] = std::log(y[i]);
  }
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += lx[i];
    my += ly[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxx += (lx[i] - mx) * (lx[i] - mx);
    sxy += (lx[i] - mx) * (ly[i] - my);
    syy += (ly[i] - my) * (ly[i] - my);
  }
  if (sxx <= 0) return Status::InvalidArgument("power-law fit: all x values are equal");
  PowerFit fit;
  fit.b = sxy / sxx;
  const double intercept = my - fit.b * mx;
  fit.a = std::exp(intercept);
  double ss_res = 0;
  for (size_t i = 0; i < n; ++i) {
    const double r = ly[i] - (intercept + fit.b * lx[i]);
    ss_res += r * r;
  }
  // Constant y: the fit (b = 0) is exact; call it R² = 1 rather than 0/0.
  fit.r2 = syy > 0 ? 1.0 - ss_res / syy : 1.0;
  return fit;
}

}  // namespace listbench
