#include "migration/canary_controller.h"

#include <fmt/format.h>

#include "util/random.h"

namespace listbench {

CanaryController::CanaryController(const MigrationOptions* options, MigrationCounterSet* counters)
    : opt_(*options), counters_(*counters), spi_(opt_.spi), gate_(opt_.gate_threshold) {}

bool CanaryController::DrawNewStore() {
  const uint64_t draw = MixBits(opt_.seed ^ MixBits(read_draws_.fetch_add(1)));
  const double u = static_cast<double>(draw >> 11) * 0x1.0p-53;
  return u < share();
}

void CanaryController::RecordShadow(bool matched, double latency_us) {
  std::lock_guard<std::mutex> lock(mu_);
  spi_.Record(matched, latency_us);
}

std::optional<double> CanaryController::SpiValue() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spi_.Value();
}

std::string CanaryController::last_gate() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_gate_;
}

void CanaryController::OnPhaseChange(MigrationPhase to) {
  std::lock_guard<std::mutex> lock(mu_);
  if (to == MigrationPhase::kCanary || to == MigrationPhase::kShadowVerify ||
      to == MigrationPhase::kCutover) {
    spi_ = ServicePerformanceIndex(opt_.spi);
  }
  hold_steps_ = 0;
}

CanaryDecision CanaryController::JudgeShadowVerify(uint64_t repair_depth,
                                                   const VerifierReport& last_diff,
                                                   bool clean_pass) {
  std::lock_guard<std::mutex> lock(mu_);
  GateDecision d = gate_.Evaluate(spi_, repair_depth, last_diff.differences());
  last_gate_ = d.reason;
  if (clean_pass && d.advance()) {
    return {CanaryDecision::Action::kNextPhase, fmt::format("full diff clean; canary at {:g}%: {}",
                                                            opt_.canary_shares[0] * 100, d.reason)};
  }
  if (spi_.has_enough_evidence() || last_diff.differences() > 0) {
    counters_.Add(&MigrationCounters::gate_holds);
    if (opt_.max_hold_steps > 0 && ++hold_steps_ > opt_.max_hold_steps) {
      return {CanaryDecision::Action::kRollback,
              fmt::format("shadow verify held for {} steps: {}", hold_steps_, d.reason)};
    }
  }
  return {};
}

CanaryDecision CanaryController::JudgeCanary(uint64_t repair_depth,
                                             const std::optional<VerifierReport>& last_diff) {
  std::lock_guard<std::mutex> lock(mu_);
  GateDecision d;
  if (!last_diff) {
    d.reason = "no complete diff yet";
  } else {
    d = gate_.Evaluate(spi_, repair_depth, last_diff->differences());
  }
  last_gate_ = d.reason;
  if (d.advance()) return NextShare(d);
  if (spi_.has_enough_evidence()) {
    counters_.Add(&MigrationCounters::gate_holds);
    hold_steps_++;
    if (opt_.max_hold_steps > 0 && hold_steps_ > opt_.max_hold_steps) {
      return {CanaryDecision::Action::kRollback,
              fmt::format("canary held for {} steps: {}", hold_steps_, d.reason)};
    }
  }
  return {};
}

CanaryDecision CanaryController::NextShare(const GateDecision& d) {
  const double from = share();
  if (index_ + 1 == opt_.canary_shares.size()) {
    return {CanaryDecision::Action::kNextPhase,
            fmt::format("canary at {:g}% passed: {}", from * 100, d.reason)};
  }
  index_.fetch_add(1);
  hold_steps_ = 0;
  spi_ = ServicePerformanceIndex(opt_.spi);
  return {CanaryDecision::Action::kNextShare,
          fmt::format("canary {:g}% -> {:g}%: {}", from * 100, share() * 100, d.reason)};
}

}  // namespace listbench
