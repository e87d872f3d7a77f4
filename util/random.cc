#include "util/random.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace listbench {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t MixBits(uint64_t x) { return SplitMix64(x); }

Random::Random(uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
  for (uint64_t& s : s_) s = SplitMix64(x);
}

uint64_t Random::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Random::Uniform(uint64_t n) {
  assert(n > 0);
  // Lemire's multiply-shift with rejection: unbiased.
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = -n % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Random::Range(int64_t lo, int64_t hi) {
  assert(lo <= hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  if (span == 0) return static_cast<int64_t>(Next());  // the full 64-bit range
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + Uniform(span));
}

double Random::UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Random::Normal() {
  double u1 = UniformDouble();
  while (u1 <= 0.0) u1 = UniformDouble();
  const double u2 = UniformDouble();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Random::LogNormal(double mu, double sigma) { return std::exp(mu + sigma * Normal()); }

Discrete::Discrete(std::span<const double> weights) {
  cdf_.reserve(weights.size());
  double sum = 0;
  for (double w : weights) {
    sum += std::max(0.0, w);
    cdf_.push_back(sum);
  }
  assert(sum > 0);
  for (double& c : cdf_) c /= sum;
  cdf_.back() = 1.0;
}

size_t Discrete::Sample(Random& rng) const {
  const double u = rng.UniformDouble();
  return static_cast<size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
}

Zipf::Zipf(size_t n, double theta) : table_(Weights(n, theta)) {}

std::vector<double> Zipf::Weights(size_t n, double theta) {
  std::vector<double> w(n);
  for (size_t k = 0; k < n; ++k) w[k] = 1.0 / std::pow(static_cast<double>(k + 1), theta);
  return w;
}

}  // namespace listbench
