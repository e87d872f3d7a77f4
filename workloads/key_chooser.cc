#include "workloads/key_chooser.h"

#include <algorithm>
#include <cmath>

namespace listbench {
namespace {

// A prime larger than any key count: rank -> (rank * p) mod n is a bijection
// on [0, n) that scatters the popular ranks over the id space.
constexpr uint64_t kScramblePrime = 2305843009213693951ULL;  // 2^61 - 1

uint64_t Scramble(uint64_t rank, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rank + 1) * kScramblePrime) % n);
}

}  // namespace

KeyChooser::KeyChooser(const KeySpec& spec, uint64_t initial) : spec_(spec), initial_(initial) {
  if (spec.distribution == KeyDistribution::kZipfian ||
      spec.distribution == KeyDistribution::kLatest) {
    zipf_.emplace(initial, spec.theta);
  }
}

uint64_t KeyChooser::Pick(Random& rng, uint64_t current) const {
  switch (spec_.distribution) {
    case KeyDistribution::kUniform:
      return rng.Uniform(current);
    case KeyDistribution::kZipfian:
      // Keys added during the trace are not in the popularity table.
      return Scramble(zipf_->Sample(rng), std::min(initial_, current));
    case KeyDistribution::kLatest: {
      const uint64_t rank = zipf_->Sample(rng);
      return rank < current ? current - 1 - rank : 0;
    }
    case KeyDistribution::kHotspot: {
      const uint64_t hot = std::clamp<uint64_t>(
          static_cast<uint64_t>(std::ceil(spec_.hot_fraction * static_cast<double>(current))), 1,
          current);
      if (hot == current || rng.Bernoulli(spec_.hot_op_fraction)) return rng.Uniform(hot);
      return hot + rng.Uniform(current - hot);
    }
  }
  return 0;
}

}  // namespace listbench
