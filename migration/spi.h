// The Service Performance Index (SPI) and the canary gate that reads it.
//
// Definition. Over a sliding window of the last W shadowed reads (W =
// SpiOptions::window), a read is *good* when its shadow result matched the
// primary's canonically AND its latency on the side being evaluated was at
// most the target (SpiOptions::target_latency_us). Then
//
//     SPI = good reads in the window / reads in the window.
//
// With no reads in the window there is no value (std::nullopt): a gate must
// not open on no evidence. Fewer than SpiOptions::min_samples reads is "not
// enough evidence" for the gate either.
//
// Deterministic: no clocks inside. Callers measure latencies and pass them in.
//
// Thread safety: ServicePerformanceIndex is not synchronized; the caller
// serializes Record with everything else. CanaryGate is immutable.
#ifndef LISTBENCH_MIGRATION_SPI_H_
#define LISTBENCH_MIGRATION_SPI_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace listbench {

struct SpiOptions {
  uint64_t window = 1000;            // W, the reads the index looks back over; >= 1
  double target_latency_us = 10000;  // a read slower than this is bad; > 0
  uint64_t min_samples = 100;        // fewer reads than this: not enough evidence; <= window
};

// OK, or InvalidArgument naming the bad setting.
Status ValidateSpiOptions(const SpiOptions& options);

class ServicePerformanceIndex {
 public:
  // REQUIRES: ValidateSpiOptions(options).ok()
  explicit ServicePerformanceIndex(const SpiOptions& options = {});

  // Adds one shadowed read; once the window is full the oldest one falls out.
  void Record(bool matched, double latency_us);

  // good / reads over the window; nullopt when the window is empty.
  std::optional<double> Value() const;
  // Reads in the window (<= options().window).
  uint64_t window_size() const { return count_; }
  // Good reads in the window.
  uint64_t good_in_window() const { return good_; }
  // Reads ever recorded.
  uint64_t total_recorded() const { return total_; }
  // window_size() >= min_samples (and the window is not empty).
  bool has_enough_evidence() const;

  const SpiOptions& options() const { return options_; }

 private:
  SpiOptions options_;
  std::vector<bool> ring_;  // good flags, ring buffer of options_.window slots
  uint64_t next_ = 0;       // slot the next Record writes
  uint64_t count_ = 0;
  uint64_t good_ = 0;
  uint64_t total_ = 0;
};

struct GateDecision {
  enum class Action { kAdvance, kHold };
  Action action = Action::kHold;
  // Why, in words: every reason to hold joined by "; ", or the evidence for
  // advancing.
  std::string reason;
  bool advance() const { return action == Action::kAdvance; }
};

// The canary gate: the read share may move up only while SPI >= threshold
// over at least min_samples reads, the repair queue is empty and the
// verifier reports no differences. Otherwise hold.
class CanaryGate {
 public:
  // REQUIRES: 0 < threshold <= 1
  explicit CanaryGate(double threshold = 0.96) : threshold_(threshold) {}

  GateDecision Evaluate(const ServicePerformanceIndex& spi, uint64_t repair_queue_depth,
                        uint64_t verifier_differences) const;

  double threshold() const { return threshold_; }

 private:
  double threshold_;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_SPI_H_
