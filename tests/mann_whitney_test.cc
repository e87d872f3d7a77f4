// The Mann-Whitney U test against p-values computed elsewhere: SciPy 1.10's
// scipy.stats.mannwhitneyu(a, b, alternative="two-sided", method="exact" or
// "asymptotic"), and, for small samples with ties, the exact conditional
// distribution enumerated by hand. The numbers are written here as
// literals.
#include "bench/harness/mann_whitney.h"

#include <gtest/gtest.h>

#include <vector>

namespace listbench {
namespace {

void ExpectU(const std::vector<double>& a, const std::vector<double>& b, double u, double p,
             bool exact) {
  const UTestResult r = MannWhitneyU(a, b);
  EXPECT_DOUBLE_EQ(r.u, u);
  EXPECT_NEAR(r.p, p, 1e-12 + 1e-9 * p);
  EXPECT_EQ(r.exact, exact);
}

TEST(MannWhitneyTest, ExactWithoutTiesMatchesScipy) {
  // Complete separation of 4 and 4: 2 of the C(8, 4) = 70 assignments.
  ExpectU({1, 2, 3, 4}, {5, 6, 7, 8}, 0, 0.02857142857142857, true);
  ExpectU({5, 6, 7, 8}, {1, 2, 3, 4}, 16, 0.02857142857142857, true);
  ExpectU({19, 22, 16, 29, 24}, {20, 11, 17, 12}, 17, 0.1111111111111111, true);
  ExpectU({1.1, 2.3, 3.5, 4.2, 5.9}, {2.0, 3.1, 4.4, 6.3, 7.0}, 8, 0.42063492063492064, true);
  // 5 repetitions each, the second twice as slow: 2 of C(10, 5) = 252.
  ExpectU({10.0, 10.4, 9.8, 10.1, 10.3}, {20.0, 20.8, 19.6, 20.2, 20.6}, 0, 0.007936507936507936,
          true);
  // 3 and 3 can never get below 2 / C(6, 3) = 0.1.
  ExpectU({1, 2, 3}, {4, 5, 6}, 0, 0.1, true);
}

TEST(MannWhitneyTest, ExactWithTiesIsConditionalOnTheTies) {
  // Pooled mid-ranks 1, 3, 3, 3, 5, 6; a holds 1, 3, 3: W = 7, U1 = 1, U2 = 8.
  // Of the 20 ways to pick 3 ranks, W <= 7 ({1, 3, 3}, 3 ways) or W >= 14
  // ({3, 5, 6}, 3 ways): 6 / 20.
  ExpectU({1, 2, 2}, {2, 3, 4}, 1, 0.3, true);
  // Enumerated: 6 of the 252 assignments are as extreme.
  ExpectU({5, 5, 6, 7, 7}, {7, 8, 8, 9, 9}, 1, 0.023809523809523808, true);
  // Every value equal: nothing to tell apart.
  ExpectU({3, 3, 3, 3}, {3, 3, 3, 3, 3}, 10, 1.0, true);
  ExpectU({7}, {7}, 0.5, 1.0, true);
}

TEST(MannWhitneyTest, NormalApproximationBeyondTheExactLimitMatchesScipy) {
  // scipy method="asymptotic": continuity correction, tie-corrected variance.
  std::vector<double> a, b;
  for (int i = 0; i < 60; ++i) a.push_back((i * 37) % 101 + 0.5);
  for (int j = 0; j < 55; ++j) b.push_back((j * 53) % 103 + 10.25);
  ExpectU(a, b, 1434, 0.22759841746147846, false);

  std::vector<double> c, d;
  for (int i = 0; i < 60; ++i) c.push_back(i % 7);
  for (int i = 0; i < 70; ++i) d.push_back(i % 9 + 1);
  ExpectU(c, d, 1188, 1.827058622830791e-05, false);
  ExpectU(std::vector<double>(60, 2.0), std::vector<double>(60, 2.0), 1800, 1.0, false);
}

}  // namespace
}  // namespace listbench
