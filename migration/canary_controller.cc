#include "migration/canary_controller.h"

#include <fmt/format.h>

#include "util/random.h"

namespace listbench {

CanaryController::CanaryController(const MigrationOptions* options, MigrationCounters* counters)
    : opt_(*options), counters_(*counters), spi_(opt_.spi), gate_(opt_.gate_threshold) {}

bool CanaryController::DrawNewStore() {
  const uint64_t draw = MixBits(opt_.seed ^ MixBits(read_draws_++));
  const double u = static_cast<double>(draw >> 11) * 0x1.0p-53;
  return u < share();
}

void CanaryController::OnPhaseChange(MigrationPhase to) {
  if (to == MigrationPhase::kCanary || to == MigrationPhase::kShadowVerify ||
      to == MigrationPhase::kCutover) {
    spi_ = ServicePerformanceIndex(opt_.spi);
  }
  hold_steps_ = 0;
}

CanaryDecision CanaryController::JudgeShadowVerify(uint64_t repair_depth,
                                                   const VerifierReport& last_diff,
                                                   bool clean_pass) {
  GateDecision d = gate_.Evaluate(spi_, repair_depth, last_diff.differences());
  last_gate_ = d.reason;
  if (clean_pass && d.advance()) {
    return {CanaryDecision::Action::kNextPhase, fmt::format("full diff clean; canary at {:g}%: {}",
                                                            opt_.canary_shares[0] * 100, d.reason)};
  }
  if (spi_.has_enough_evidence() || last_diff.differences() > 0) {
    counters_.gate_holds++;
    if (opt_.max_hold_steps > 0 && ++hold_steps_ > opt_.max_hold_steps) {
      return {CanaryDecision::Action::kRollback,
              fmt::format("shadow verify held for {} steps: {}", hold_steps_, d.reason)};
    }
  }
  return {};
}

CanaryDecision CanaryController::JudgeCanary(uint64_t repair_depth,
                                             const std::optional<VerifierReport>& last_diff) {
  GateDecision d;
  if (!last_diff) {
    d.reason = "no complete diff yet";
  } else {
    d = gate_.Evaluate(spi_, repair_depth, last_diff->differences());
  }
  last_gate_ = d.reason;
  if (d.advance()) return NextShare(d);
  if (spi_.has_enough_evidence()) {
    counters_.gate_holds++;
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
  index_++;
  hold_steps_ = 0;
  spi_ = ServicePerformanceIndex(opt_.spi);
  return {CanaryDecision::Action::kNextShare,
          fmt::format("canary {:g}% -> {:g}%: {}", from * 100, share() * 100, d.reason)};
}

}  // namespace listbench
