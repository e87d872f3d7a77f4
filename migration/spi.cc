#include "migration/spi.h"

#include <fmt/format.h>

#include <cassert>

namespace listbench {

Status ValidateSpiOptions(const SpiOptions& o) {
  if (o.window < 1) return Status::InvalidArgument("spi window must be at least 1 read");
  if (!(o.target_latency_us > 0)) {
    return Status::InvalidArgument(
        fmt::format("spi target_latency_us must be positive, got {}", o.target_latency_us));
  }
  if (o.min_samples > o.window) {
    return Status::InvalidArgument(
        fmt::format("spi min_samples ({}) exceeds the window ({})", o.min_samples, o.window));
  }
  return Status::OK();
}

ServicePerformanceIndex::ServicePerformanceIndex(const SpiOptions& options)
    : options_(options), ring_(options.window, false) {
  assert(ValidateSpiOptions(options).ok());
}

void ServicePerformanceIndex::Record(bool matched, double latency_us) {
  const bool good = matched && latency_us <= options_.target_latency_us;
  if (count_ == options_.window) {
    if (ring_[next_]) --good_;  // the oldest read falls out
  } else {
    ++count_;
  }
  ring_[next_] = good;
  if (good) ++good_;
  next_ = (next_ + 1) % options_.window;
  ++total_;
}

std::optional<double> ServicePerformanceIndex::Value() const {
  if (count_ == 0) return std::nullopt;
  return static_cast<double>(good_) / static_cast<double>(count_);
}

bool ServicePerformanceIndex::has_enough_evidence() const {
  return count_ > 0 && count_ >= options_.min_samples;
}

GateDecision CanaryGate::Evaluate(const ServicePerformanceIndex& spi, uint64_t repair_queue_depth,
                                  uint64_t verifier_differences) const {
  std::string holds;
  auto hold = [&holds](const std::string& why) {
    if (!holds.empty()) holds += "; ";
    holds += why;
  };
  const std::optional<double> value = spi.Value();
  if (!value) {
    hold("no shadowed reads yet: no SPI");
  } else if (!spi.has_enough_evidence()) {
    hold(fmt::format("not enough evidence: {} shadowed reads, need {}", spi.window_size(),
                     spi.options().min_samples));
  } else if (*value < threshold_) {
    hold(fmt::format("SPI {:.4f} below threshold {:.4f} ({} of {} reads good)", *value, threshold_,
                     spi.good_in_window(), spi.window_size()));
  }
  if (repair_queue_depth > 0) {
    hold(fmt::format("repair queue not empty: {} entries pending", repair_queue_depth));
  }
  if (verifier_differences > 0) {
    hold(fmt::format("verifier reports {} differences", verifier_differences));
  }
  if (!holds.empty()) return {GateDecision::Action::kHold, holds};
  return {GateDecision::Action::kAdvance,
          fmt::format("SPI {:.4f} >= {:.4f} over {} reads; repair queue empty; verifier clean",
                      *value, threshold_, spi.window_size())};
}

}  // namespace listbench
