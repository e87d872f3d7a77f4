// MigrationWorker: the migration's own thread. It runs
// MigratingStore::Step() -- backfill, verifier, repair drain, canary gate,
// phase changes -- beside the request threads, one Step once
// `requests_per_step` requests were served since the last Step began (no
// credit builds up while Steps are slow), sleeping `idle` while it waits.
// Nothing runs while the migration is in phase legacy (Begin is the caller's); the thread ends at
// a final phase (finalized, rolled_back), at Stop, or at the first Step
// that fails.
//
// Thread safety: Stop, done and status may be called from any thread.
#ifndef LISTBENCH_MIGRATION_MIGRATION_WORKER_H_
#define LISTBENCH_MIGRATION_MIGRATION_WORKER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/status.h"
#include "migration/migrating_store.h"

namespace listbench {

class MigrationWorker {
 public:
  // Starts the thread. REQUIRES: `m` outlives the worker; requests_per_step >= 1.
  MigrationWorker(MigratingStore* m, uint64_t requests_per_step,
                  std::chrono::microseconds idle = std::chrono::microseconds(500));
  ~MigrationWorker();  // Stop()
  MigrationWorker(const MigrationWorker&) = delete;
  MigrationWorker& operator=(const MigrationWorker&) = delete;

  // Asks the thread to end after its current Step and joins it.
  void Stop();
  // The thread has ended (final phase, Stop or a failed Step).
  bool done() const { return done_.load(); }
  // OK, or the status of the Step that failed.
  Status status() const;

 private:
  void Run();

  MigratingStore* const m_;
  const uint64_t requests_per_step_;
  const std::chrono::microseconds idle_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  mutable std::mutex mu_;  // guards status_
  Status status_;
  std::thread thread_;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_MIGRATION_WORKER_H_
