// The migration's canary: which share of reads the new store serves
// (options.canary_shares, one step at a time), the gate that lets the share
// move up (migration/spi.h CanaryGate: SPI >= options.gate_threshold over
// enough shadowed reads at this share, an empty repair queue, no difference
// in the last complete diff), and the decisions to hold, to move on or --
// after a hold longer than options.max_hold_steps -- to roll back. It owns
// the Service Performance Index the shadow reads feed; each share is judged
// on its own reads.
//
// The controller decides; the MigratingStore carries the decision out (phase
// changes, the state file, rollback).
//
// Thread safety: safe for concurrent use (internal mutex; the draws and the
// share index are atomic): request threads draw and record shadowed reads
// while the migration's own thread judges the gate.
#ifndef LISTBENCH_MIGRATION_CANARY_CONTROLLER_H_
#define LISTBENCH_MIGRATION_CANARY_CONTROLLER_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "migration/migration_types.h"
#include "migration/spi.h"
#include "migration/verifier.h"

namespace listbench {

struct CanaryDecision {
  enum class Action {
    kStay,       // nothing to do (holding or waiting for evidence)
    kNextShare,  // the share moved up (already applied to the controller)
    kNextPhase,  // leave the phase for the next one
    kRollback,   // held too long
  };
  Action action = Action::kStay;
  std::string reason;  // for the phase change or the rollback
};

class CanaryController {
 public:
  // REQUIRES: options and counters outlive the CanaryController.
  CanaryController(const MigrationOptions* options, MigrationCounterSet* counters);

  // Resumes at a canary step (from the state file).
  void Restore(size_t canary_index) { index_.store(canary_index); }

  // Draws whether a canary read goes to the new store (seeded by
  // options.seed and the number of reads drawn so far).
  bool DrawNewStore();
  // A new phase: holds restart; canary, shadow_verify and cutover start a
  // fresh index.
  void OnPhaseChange(MigrationPhase to);

  // In shadow_verify after a complete pass: on to canary when a pass was
  // clean and the gate passes; holds (counted) while there is evidence
  // against it.
  CanaryDecision JudgeShadowVerify(uint64_t repair_depth, const VerifierReport& last_diff,
                                   bool clean_pass);
  // In canary: the next share, or cutover after the last one, when the gate
  // passes; holds (counted) once the index has enough evidence.
  CanaryDecision JudgeCanary(uint64_t repair_depth, const std::optional<VerifierReport>& last_diff);

  size_t index() const { return index_.load(); }
  double share() const { return opt_.canary_shares[index()]; }
  // One shadowed read for the Service Performance Index.
  void RecordShadow(bool matched, double latency_us);
  std::optional<double> SpiValue() const;
  std::string last_gate() const;

 private:
  CanaryDecision NextShare(const GateDecision& d);  // REQUIRES: mu_ held

  const MigrationOptions& opt_;
  MigrationCounterSet& counters_;
  std::atomic<size_t> index_{0};
  std::atomic<uint64_t> read_draws_{0};
  mutable std::mutex mu_;  // guards the members below
  uint64_t hold_steps_ = 0;
  ServicePerformanceIndex spi_;
  CanaryGate gate_;
  std::string last_gate_;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_CANARY_CONTROLLER_H_
