#include "bench/harness/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace listbench {
namespace {

// The pooled values' mid-ranks, doubled so that they are integers: the
// values of `a` first, then those of `b`; and the tie term sum(t^3 - t)
// over the groups of t equal values.
struct PooledRanks {
  std::vector<int64_t> doubled;
  double tie_term = 0;
};

PooledRanks DoubledMidRanks(std::span<const double> a, std::span<const double> b) {
  const size_t n = a.size() + b.size();
  std::vector<std::pair<double, size_t>> sorted;
  sorted.reserve(n);
  for (size_t i = 0; i < a.size(); ++i) sorted.emplace_back(a[i], i);
  for (size_t i = 0; i < b.size(); ++i) sorted.emplace_back(b[i], a.size() + i);
  std::sort(sorted.begin(), sorted.end());
  PooledRanks r;
  r.doubled.resize(n);
  for (size_t i = 0, j = 0; i < n; i = j) {
    while (j < n && sorted[j].first == sorted[i].first) ++j;
    // Ranks i + 1 ... j (1-based) share their mean, (i + 1 + j) / 2.
    for (size_t k = i; k < j; ++k) r.doubled[sorted[k].second] = static_cast<int64_t>(i + 1 + j);
    const double t = static_cast<double>(j - i);
    r.tie_term += t * t * t - t;
  }
  return r;
}

// Over every assignment of n1 of the pooled ranks to the first sample, each
// equally likely: the share whose doubled U is <= lo2 or >= hi2.
double ExactTails(const std::vector<int64_t>& doubled, size_t n1, int64_t lo2, int64_t hi2) {
  int64_t max_sum = 0;
  for (int64_t r : doubled) max_sum += r;
  // ways[k][s]: assignments of k of the ranks seen so far whose doubled
  // rank sum is s. Only additions, so the counts stay exact enough in
  // doubles (C(100, 50) ~ 1e29).
  std::vector<std::vector<double>> ways(n1 + 1,
                                        std::vector<double>(static_cast<size_t>(max_sum) + 1, 0));
  ways[0][0] = 1;
  int64_t seen_sum = 0;
  for (size_t i = 0; i < doubled.size(); ++i) {
    const int64_t r = doubled[i];
    seen_sum += r;
    for (size_t k = std::min(n1, i + 1); k >= 1; --k) {
      std::vector<double>& to = ways[k];
      const std::vector<double>& from = ways[k - 1];
      for (int64_t s = seen_sum; s >= r; --s) to[s] += from[s - r];
    }
  }
  // 2 U1 = 2 W1 - n1 (n1 + 1), W1 the first sample's rank sum.
  const int64_t offset = static_cast<int64_t>(n1 * (n1 + 1));
  double total = 0, tails = 0;
  for (int64_t s = 0; s <= max_sum; ++s) {
    const double w = ways[n1][s];
    if (w == 0) continue;
    total += w;
    const int64_t u2 = s - offset;
    if (u2 <= lo2 || u2 >= hi2) tails += w;
  }
  return std::min(1.0, tails / total);
}

}  // namespace

UTestResult MannWhitneyU(std::span<const double> a, std::span<const double> b) {
  const PooledRanks ranks = DoubledMidRanks(a, b);
  const size_t n1 = a.size(), n2 = b.size(), n = n1 + n2;
  int64_t w1 = 0;
  for (size_t i = 0; i < n1; ++i) w1 += ranks.doubled[i];
  const int64_t u1_2 = w1 - static_cast<int64_t>(n1 * (n1 + 1));  // 2 U1
  const int64_t u2_2 = static_cast<int64_t>(2 * n1 * n2) - u1_2;  // 2 U2
  UTestResult out;
  out.u = static_cast<double>(u1_2) / 2;
  if (n1 <= kUTestExactLimit && n2 <= kUTestExactLimit) {
    out.p = ExactTails(ranks.doubled, n1, std::min(u1_2, u2_2), std::max(u1_2, u2_2));
    return out;
  }
  out.exact = false;
  const double nn = static_cast<double>(n);
  const double mean = static_cast<double>(n1 * n2) / 2;
  const double var =
      static_cast<double>(n1 * n2) / 12 * ((nn + 1) - ranks.tie_term / (nn * (nn - 1)));
  if (!(var > 0)) return out;  // every value equal: p = 1
  const double z = (static_cast<double>(std::max(u1_2, u2_2)) / 2 - mean - 0.5) / std::sqrt(var);
  out.p = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return out;
}

}  // namespace listbench
