#include "migration/backfiller.h"

#include <algorithm>
#include <cmath>

#include "migration/entity_copy.h"

namespace listbench {
namespace {

using Clock = std::chrono::steady_clock;

double UsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

}  // namespace

Backfiller::Backfiller(Store* legacy, Store* target, const MigrationOptions* options,
                       MigrationCounterSet* counters, EnqueueFn enqueue)
    : legacy_(legacy),
      target_(target),
      opt_(*options),
      counters_(*counters),
      enqueue_(std::move(enqueue)) {
  recent_us_.reserve(opt_.p99_window);
  refill_ = MigrationNow(opt_);
}

void Backfiller::Restore(int kind, std::string last_key) {
  kind_ = kind;
  last_key_ = std::move(last_key);
}

void Backfiller::RecordForeground(double us) {
  std::lock_guard<std::mutex> lock(recent_mu_);
  if (recent_us_.size() < opt_.p99_window) {
    recent_us_.push_back(us);
  } else {
    recent_us_[recent_next_] = us;
    recent_next_ = (recent_next_ + 1) % opt_.p99_window;
  }
}

double Backfiller::RecentP99() const {
  std::vector<double> v;
  {
    std::lock_guard<std::mutex> lock(recent_mu_);
    v = recent_us_;
  }
  if (v.empty()) return 0;
  const size_t at = std::min(v.size() - 1, static_cast<size_t>(std::ceil(0.99 * v.size())) - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(at), v.end());
  return v[at];
}

bool Backfiller::BackOff() const {
  if (opt_.backoff_p99_us <= 0) return false;
  {
    std::lock_guard<std::mutex> lock(recent_mu_);
    if (recent_us_.size() < std::min<size_t>(100, opt_.p99_window)) return false;
  }
  return RecentP99() > opt_.backoff_p99_us;
}

bool Backfiller::RateWait() {
  if (opt_.backfill_rows_per_s <= 0) return false;
  const Clock::time_point now = MigrationNow(opt_);
  tokens_ = std::min(tokens_ + opt_.backfill_rows_per_s * UsBetween(refill_, now) / 1e6,
                     2.0 * static_cast<double>(opt_.chunk_rows));
  refill_ = now;
  if (tokens_ < static_cast<double>(opt_.chunk_rows)) return true;
  tokens_ -= static_cast<double>(opt_.chunk_rows);
  return false;
}

void Backfiller::ReadChunk() {
  if (!legacy_->ScanEntities(static_cast<EntityKind>(kind()), last_key_, opt_.chunk_rows, &chunk_)
           .ok()) {
    counters_.Add(&MigrationCounters::step_errors);  // retry next Step
    return;
  }
  counters_.Add(&MigrationCounters::backfill_rows, chunk_.size());
  chunk_ready_ = true;
  MigrationCrash(opt_, CrashSite::kChunkRead);
}

void Backfiller::WriteChunk() {
  // The chunk as one write (Store::PutEntities); if that fails (a parent the
  // new store lacks, an I/O error), entity by entity, each with its parents
  // and a failed copy enqueued.
  std::vector<Entity> entities;
  entities.reserve(chunk_.size());
  for (const EntityRow& row : chunk_) entities.push_back(row.entity);
  std::vector<uint8_t> applied;
  if (target_->PutEntities(entities, &applied).ok()) {
    counters_.Add(&MigrationCounters::backfill_applied,
                  static_cast<uint64_t>(std::count(applied.begin(), applied.end(), 1)));
  } else {
    counters_.Add(&MigrationCounters::backfill_chunk_fallbacks);
    WriteChunkOneByOne();
  }
  MigrationCrash(opt_, CrashSite::kChunkWritten);
  counters_.Add(&MigrationCounters::backfill_chunks);
  if (chunk_.size() < opt_.chunk_rows) {
    kind_.fetch_add(1, std::memory_order_relaxed);
    last_key_.clear();
  } else {
    last_key_ = chunk_.back().key;
  }
  chunk_.clear();
  chunk_ready_ = false;
}

void Backfiller::WriteChunkOneByOne() {
  for (const EntityRow& row : chunk_) {
    bool applied = false;
    Status s = PutWithParents(row.entity, legacy_, target_, 0, &applied);
    if (!s.ok()) {
      counters_.Add(&MigrationCounters::copy_failures);
      enqueue_(KindOf(row.entity), row.key);
    } else if (applied) {
      counters_.Add(&MigrationCounters::backfill_applied);
    }
  }
}

Status Backfiller::Step(bool* committed) {
  *committed = false;
  if (done()) return Status::OK();
  if (chunk_ready_) {
    WriteChunk();
    *committed = true;
    return Status::OK();
  }
  if (BackOff()) {
    counters_.Add(&MigrationCounters::backfill_backoff_steps);
    return Status::OK();
  }
  if (RateWait()) {
    counters_.Add(&MigrationCounters::backfill_rate_waits);
    return Status::OK();
  }
  ReadChunk();
  return Status::OK();
}

}  // namespace listbench
