// The migration's running verification: a resumable diff of the legacy and
// the new store (migration/verifier.h), advanced a few pages per Step
// (options.verifier_pages_per_step), with the last complete diff and the
// complete (and clean) passes of the current phase, which the phase changes
// and the canary gate read.
//
// Thread safety: Step, DiffNow, Restore, OnPhaseChange and the pass counts
// run on one thread at a time (the migration's own); last_diff() may be
// called from any thread (internal mutex). The diff reads both stores while
// requests write them: a page that a concurrent write changed between its
// two reads shows as a difference in that pass, and a later pass decides.
#ifndef LISTBENCH_MIGRATION_DIFF_TRACKER_H_
#define LISTBENCH_MIGRATION_DIFF_TRACKER_H_

#include <cstdint>
#include <mutex>
#include <optional>

#include "core/status.h"
#include "core/store.h"
#include "migration/migration_types.h"
#include "migration/verifier.h"

namespace listbench {

class DiffTracker {
 public:
  // REQUIRES: the stores, options and counters outlive the DiffTracker.
  DiffTracker(Store* legacy, Store* target, const MigrationOptions* options,
              MigrationCounterSet* counters);

  // Resumes from the state file.
  void Restore(VerifierCheckpoint checkpoint, std::optional<VerifierReport> last_diff);

  // Diffs a few more pages. `*completed` is set when a pass completed (it is
  // the last diff now, and a fresh pass begins): the caller makes it
  // durable. A failed page is counted and retried on the next Step (the
  // checkpoint keeps what was compared).
  Status Step(bool* completed);
  // A full diff now, outside the running pass; it becomes the last diff.
  StatusOr<VerifierReport> DiffNow();
  // A new phase: its passes start from zero; shadow_verify and cutover
  // start a fresh pass, all of it in the new phase.
  void OnPhaseChange(MigrationPhase to);

  const VerifierCheckpoint& checkpoint() const { return checkpoint_; }
  std::optional<VerifierReport> last_diff() const;
  uint64_t passes_in_phase() const { return passes_in_phase_; }
  uint64_t clean_passes_in_phase() const { return clean_passes_in_phase_; }

 private:
  Store* const legacy_;
  Store* const target_;
  const MigrationOptions& opt_;
  MigrationCounterSet& counters_;
  VerifierCheckpoint checkpoint_;
  mutable std::mutex last_mu_;  // guards last_diff_
  std::optional<VerifierReport> last_diff_;
  uint64_t passes_in_phase_ = 0;
  uint64_t clean_passes_in_phase_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_DIFF_TRACKER_H_
