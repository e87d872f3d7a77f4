#include "bench/harness/histogram.h"

#include <algorithm>
#include <cmath>

namespace listbench {

uint64_t Histogram::BucketLow(int bucket) {
  if (bucket < static_cast<int>(kExactBelow)) return static_cast<uint64_t>(bucket);
  const int j = bucket - static_cast<int>(kExactBelow);
  const int k = j / (1 << kSubBucketBits) + kSubBucketBits + 1;
  const uint64_t sub = static_cast<uint64_t>(j % (1 << kSubBucketBits));
  return ((uint64_t{1} << kSubBucketBits) + sub) << (k - kSubBucketBits);
}

uint64_t Histogram::BucketWidth(int bucket) {
  if (bucket < static_cast<int>(kExactBelow)) return 1;
  const int j = bucket - static_cast<int>(kExactBelow);
  const int k = j / (1 << kSubBucketBits) + kSubBucketBits + 1;
  return uint64_t{1} << (k - kSubBucketBits);
}

void Histogram::Merge(const Histogram& other) {
  for (int i = 0; i < kNumBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const uint64_t rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_) - 1e-9)));
  uint64_t seen = 0;
  for (int i = 0; i < kNumBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const uint64_t mid = BucketLow(i) + BucketWidth(i) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

}  // namespace listbench
