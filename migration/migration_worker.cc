#include "migration/migration_worker.h"

#include <optional>

namespace listbench {
namespace {

bool IsFinal(MigrationPhase p) {
  return p == MigrationPhase::kFinalized || p == MigrationPhase::kRolledBack;
}

}  // namespace

MigrationWorker::MigrationWorker(MigratingStore* m, uint64_t requests_per_step,
                                 std::chrono::microseconds idle)
    : m_(m), requests_per_step_(requests_per_step), idle_(idle), thread_([this] { Run(); }) {}

MigrationWorker::~MigrationWorker() { Stop(); }

void MigrationWorker::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

Status MigrationWorker::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void MigrationWorker::Run() {
  // The pace counts from the first moment the migration is under way here
  // (the requests served before it, or by an earlier process, are not
  // caught up on).
  std::optional<MigrationCounters> base;
  while (!stop_.load()) {
    const MigrationPhase phase = m_->phase();
    if (IsFinal(phase)) break;
    const MigrationCounters c = m_->counters();
    if (phase != MigrationPhase::kLegacy && !base) base = c;
    if (!base || c.steps - base->steps >= (c.requests - base->requests) / requests_per_step_) {
      std::this_thread::sleep_for(idle_);
      continue;
    }
    Status s = m_->Step();
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      status_ = s;
      break;
    }
  }
  done_.store(true);
}

}  // namespace listbench
