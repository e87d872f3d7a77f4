#include "migration/diff_tracker.h"

namespace listbench {

DiffTracker::DiffTracker(Store* legacy, Store* target, const MigrationOptions* options,
                         MigrationCounterSet* counters)
    : legacy_(legacy), target_(target), opt_(*options), counters_(*counters) {}

void DiffTracker::Restore(VerifierCheckpoint checkpoint, std::optional<VerifierReport> last_diff) {
  checkpoint_ = std::move(checkpoint);
  std::lock_guard<std::mutex> lock(last_mu_);
  last_diff_ = std::move(last_diff);
}

std::optional<VerifierReport> DiffTracker::last_diff() const {
  std::lock_guard<std::mutex> lock(last_mu_);
  return last_diff_;
}

Status DiffTracker::Step(bool* completed) {
  *completed = false;
  Verifier v(legacy_, target_);
  if (!v.Run(&checkpoint_, opt_.verifier_pages_per_step).ok()) {
    counters_.Add(&MigrationCounters::step_errors);  // the checkpoint keeps what was compared;
                                                     // retry next Step
    return Status::OK();
  }
  MigrationCrash(opt_, CrashSite::kVerifierPage);
  if (!checkpoint_.complete()) return Status::OK();
  {
    std::lock_guard<std::mutex> lock(last_mu_);
    last_diff_ = checkpoint_.report;
  }
  counters_.Add(&MigrationCounters::verify_passes);
  passes_in_phase_++;
  if (checkpoint_.report.differences() == 0) clean_passes_in_phase_++;
  checkpoint_ = VerifierCheckpoint{};
  *completed = true;
  return Status::OK();
}

StatusOr<VerifierReport> DiffTracker::DiffNow() {
  Verifier v(legacy_, target_);
  VerifierCheckpoint c;
  LB_RETURN_IF_ERROR(v.Run(&c));
  std::lock_guard<std::mutex> lock(last_mu_);
  last_diff_ = c.report;
  return c.report;
}

void DiffTracker::OnPhaseChange(MigrationPhase to) {
  if (to == MigrationPhase::kShadowVerify || to == MigrationPhase::kCutover) {
    checkpoint_ = VerifierCheckpoint{};
  }
  passes_in_phase_ = 0;
  clean_passes_in_phase_ = 0;
}

}  // namespace listbench
