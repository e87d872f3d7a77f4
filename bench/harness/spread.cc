#include "bench/harness/spread.h"

#include <algorithm>
#include <vector>

namespace listbench {

Spread SpreadOf(std::span<const double> values) {
  Spread s;
  s.n = values.size();
  if (values.empty()) return s;
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  const size_t mid = v.size() / 2;
  s.median = v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return s;
}

}  // namespace listbench
