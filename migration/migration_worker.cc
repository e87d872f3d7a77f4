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
  // A Step once requests_per_step requests were served since the last one
  // began (or since the migration was found under way here). No credit
  // builds up: while Steps are slower than the requests (a backfill) they
  // run back to back, and once they are faster again (a cutover's Steps)
  // they wait for the requests -- a phase that lasts N Steps sees at least
  // about N * requests_per_step requests.
  std::optional<uint64_t> last;  // requests served when the last Step began
  while (!stop_.load()) {
    const MigrationPhase phase = m_->phase();
    if (IsFinal(phase)) break;
    const uint64_t served = m_->counters().requests;
    if (phase != MigrationPhase::kLegacy && !last) last = served;
    if (!last || served - *last < requests_per_step_) {
      std::this_thread::sleep_for(idle_);
      continue;
    }
    last = served;
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
