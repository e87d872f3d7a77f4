// Histogram: a log-linear latency histogram in the manner of HdrHistogram
// (Debian 12 packages none for C++). Values are non-negative integers
// (listbench records nanoseconds). Values below 256 are kept exactly; above,
// each power-of-two range [2^k, 2^(k+1)) is split into 128 equal buckets, so a
// reported percentile is within 1/256 (0.4%) of a value that was recorded at
// that rank. Count, sum, min and max are exact.
//
// Fixed size (~60 KB), no allocation after construction, Add() is a few
// instructions. Not thread-safe: keep one per thread and Merge().
#ifndef LISTBENCH_BENCH_HARNESS_HISTOGRAM_H_
#define LISTBENCH_BENCH_HARNESS_HISTOGRAM_H_

#include <array>
#include <cstdint>

namespace listbench {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;  // 128 buckets per power of two
  static constexpr uint64_t kExactBelow = uint64_t{1} << (kSubBucketBits + 1);  // 256
  static constexpr int kNumBuckets =
      static_cast<int>(kExactBelow) + (64 - kSubBucketBits - 1) * (1 << kSubBucketBits);

  void Add(uint64_t value) {
    ++buckets_[BucketOf(value)];
    ++count_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }
  void Merge(const Histogram& other);
  void Clear() { *this = Histogram(); }

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The value at quantile q in [0, 1] (q=0.99 is p99): the midpoint of the
  // bucket holding the ceil(q * count)-th smallest value, clamped to
  // [min, max]. 0 when empty.
  uint64_t Percentile(double q) const;

  // Bucket arithmetic, exposed for tests.
  static int BucketOf(uint64_t value) {
    if (value < kExactBelow) return static_cast<int>(value);
    const int k = 63 - __builtin_clzll(value);  // floor(log2(value)) >= 8
    const int shift = k - kSubBucketBits;
    return static_cast<int>(kExactBelow) + (k - kSubBucketBits - 1) * (1 << kSubBucketBits) +
           static_cast<int>((value >> shift) - (uint64_t{1} << kSubBucketBits));
  }
  static uint64_t BucketLow(int bucket);
  static uint64_t BucketWidth(int bucket);

 private:
  std::array<uint64_t, kNumBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_BENCH_HARNESS_HISTOGRAM_H_
