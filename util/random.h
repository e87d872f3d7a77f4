// Seeded randomness for generators and operation traces: one PRNG and the few
// distributions listbench needs, implemented here rather than taken from
// <random>, whose distributions differ between standard libraries. The same
// seed gives the same sequence on every build.
//
// Not thread-safe: give each thread or each generator stage its own Random.
#ifndef LISTBENCH_UTIL_RANDOM_H_
#define LISTBENCH_UTIL_RANDOM_H_

#include <cstdint>
#include <span>
#include <vector>

namespace listbench {

// The splitmix64 step as a pure function: a well-mixed 64-bit hash of `x`
// (seeded choices that must not depend on a stream's position: fault rules,
// kill points, canary draws).
uint64_t MixBits(uint64_t x);

// xoshiro256** (Blackman and Vigna), seeded through splitmix64.
class Random {
 public:
  // `stream` separates independent sequences derived from one seed, so that
  // changing how one stage draws does not shift another stage's numbers.
  explicit Random(uint64_t seed, uint64_t stream = 0);

  uint64_t Next();
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n);
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Range(int64_t lo, int64_t hi);
  // Uniform in [0, 1).
  double UniformDouble();
  // True with probability p.
  bool Bernoulli(double p) { return UniformDouble() < p; }
  // Standard normal (Box-Muller; one value per call).
  double Normal();
  // exp(mu + sigma * Normal()).
  double LogNormal(double mu, double sigma);

 private:
  uint64_t s_[4];
};

// Draws indexes 0..n-1 with given non-negative weights (cumulative table and
// binary search). REQUIRES: at least one positive weight.
class Discrete {
 public:
  explicit Discrete(std::span<const double> weights);
  size_t Sample(Random& rng) const;
  size_t size() const { return cdf_.size(); }

 private:
  std::vector<double> cdf_;
};

// Zipf over ranks 0..n-1: P(k) proportional to 1 / (k + 1)^theta. Exact
// (table based); n up to a few million is fine.
class Zipf {
 public:
  Zipf(size_t n, double theta);
  size_t Sample(Random& rng) const { return table_.Sample(rng); }
  size_t size() const { return table_.size(); }

 private:
  static std::vector<double> Weights(size_t n, double theta);
  Discrete table_;
};

}  // namespace listbench

#endif  // LISTBENCH_UTIL_RANDOM_H_
