// The latency histogram: bucket arithmetic is exact and contiguous, and
// percentiles are within the documented 1/256 of the exact order statistic.
// The spread of repeated measurements: median, lowest, highest.
#include "bench/harness/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "bench/harness/spread.h"
#include "util/random.h"

namespace listbench {
namespace {

TEST(HistogramTest, BucketsAreContiguousAndCoverEveryValue) {
  for (int b = 0; b + 1 < Histogram::kNumBuckets; ++b) {
    ASSERT_EQ(Histogram::BucketLow(b) + Histogram::BucketWidth(b), Histogram::BucketLow(b + 1))
        << b;
  }
  for (uint64_t v : std::vector<uint64_t>{0, 1, 255, 256, 257, 1000, 123456789, UINT64_MAX}) {
    const int b = Histogram::BucketOf(v);
    ASSERT_GE(v, Histogram::BucketLow(b)) << v;
    ASSERT_LE(v - Histogram::BucketLow(b), Histogram::BucketWidth(b) - 1) << v;
  }
  EXPECT_EQ(Histogram::BucketOf(UINT64_MAX), Histogram::kNumBuckets - 1);
}

TEST(HistogramTest, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 1; v <= 200; ++v) h.Add(v);
  EXPECT_EQ(h.count(), 200u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 200u);
  EXPECT_DOUBLE_EQ(h.mean(), 100.5);
  EXPECT_EQ(h.Percentile(0.5), 100u);
  EXPECT_EQ(h.Percentile(0.99), 198u);
  EXPECT_EQ(h.Percentile(1.0), 200u);
}

// Log-normal latencies spanning microseconds to seconds: every reported
// percentile is within 1/256 of the exact one.
TEST(HistogramTest, PercentilesWithinDocumentedError) {
  Random rng(42);
  std::vector<uint64_t> values;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<uint64_t>(rng.LogNormal(std::log(20000.0), 1.5));
    values.push_back(v);
    h.Add(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999}) {
    const auto rank = static_cast<size_t>(std::ceil(q * values.size()));
    const double exact = static_cast<double>(values[rank - 1]);
    const double got = static_cast<double>(h.Percentile(q));
    EXPECT_LE(std::abs(got - exact) / exact, 1.0 / 256) << "q=" << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
}

TEST(HistogramTest, MergeEqualsAddingEverything) {
  Histogram a, b, all;
  for (uint64_t v = 0; v < 5000; ++v) {
    (v % 3 ? a : b).Add(v * 37);
    all.Add(v * 37);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.mean(), all.mean());
  for (double q : {0.0, 0.25, 0.5, 0.75, 0.99, 1.0}) EXPECT_EQ(a.Percentile(q), all.Percentile(q));
}

TEST(HistogramTest, EmptyIsZero) {
  Histogram h;
  EXPECT_EQ(h.Percentile(0.99), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(SpreadTest, MedianMinAndMaxOfUnsortedValues) {
  const std::vector<double> odd = {9, 1, 4};
  const Spread a = SpreadOf(odd);
  EXPECT_EQ(a.n, 3u);
  EXPECT_EQ(a.median, 4);
  EXPECT_EQ(a.min, 1);
  EXPECT_EQ(a.max, 9);
  const std::vector<double> even = {10, 2, 6, 3};
  const Spread b = SpreadOf(even);
  EXPECT_EQ(b.median, 4.5);  // (3 + 6) / 2
  EXPECT_EQ(b.min, 2);
  EXPECT_EQ(b.max, 10);
  const Spread none = SpreadOf({});
  EXPECT_EQ(none.n, 0u);
  EXPECT_EQ(none.median, 0);
}

}  // namespace
}  // namespace listbench
