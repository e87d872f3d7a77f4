#include "migration/backfiller.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <unordered_set>

#include "migration/entity_copy.h"

namespace listbench {
namespace {

using Clock = std::chrono::steady_clock;

double UsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

}  // namespace

Backfiller::Backfiller(Store* legacy, Store* target, const MigrationOptions* options,
                       MigrationCounterSet* counters, EnqueueFn enqueue,
                       TakeRecordedFn take_recorded)
    : legacy_(legacy),
      target_(target),
      opt_(*options),
      counters_(*counters),
      enqueue_(std::move(enqueue)),
      take_recorded_(std::move(take_recorded)) {
  recent_us_.reserve(opt_.p99_window);
  refill_ = MigrationNow(opt_);
}

Backfiller::~Backfiller() = default;

void Backfiller::Restore(int kind, std::string last_key) {
  if (opt_.backfill == BackfillMode::kBulk && kind < kNumEntityKinds) {
    kind_ = 0;  // a bulk copy that was not done starts again
    last_key_.clear();
    return;
  }
  kind_ = kind;
  last_key_ = std::move(last_key);
}

int Backfiller::checkpoint_kind() const {
  if (opt_.backfill == BackfillMode::kBulk && !done()) return 0;
  return kind();
}

std::string Backfiller::checkpoint_key() const {
  if (opt_.backfill == BackfillMode::kBulk) return std::string();
  return last_key_;
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

bool Backfiller::Paused() {
  if (BackOff()) {
    counters_.Add(&MigrationCounters::backfill_backoff_steps);
    return true;
  }
  if (RateWait()) {
    counters_.Add(&MigrationCounters::backfill_rate_waits);
    return true;
  }
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
  if (opt_.backfill == BackfillMode::kBulk) return BulkStep(committed);
  if (chunk_ready_) {
    WriteChunk();
    *committed = true;
    return Status::OK();
  }
  if (Paused()) return Status::OK();
  ReadChunk();
  return Status::OK();
}

// ---- Bulk mode -----------------------------------------------------------------

Status Backfiller::StartBulk() {
  if (!target_->Clear().ok()) {
    counters_.Add(&MigrationCounters::step_errors);  // retry next Step
    return Status::OK();
  }
  loader_ = target_->NewBulkLoader();
  if (loader_ == nullptr) {
    return Status::NotSupported(fmt::format(
        "migration: the {} store has no bulk loader; use the checked backfill", target_->Name()));
  }
  if (bulk_started_) counters_.Add(&MigrationCounters::backfill_restarts);
  bulk_started_ = true;
  kind_ = 0;
  last_key_.clear();
  chunk_.clear();
  images_.clear();
  images_next_ = 0;
  image_key_.clear();
  all_read_ = false;
  for (auto& ids : loaded_) ids.clear();
  bulk_ = Bulk::kLoading;
  return Status::OK();
}

void Backfiller::AbandonBulk() {
  counters_.Add(&MigrationCounters::step_errors);
  loader_.reset();
  bulk_ = Bulk::kIdle;
}

bool Backfiller::ReadImagesThrough(EntityId through, bool last) {
  // Drop what earlier chunks consumed.
  images_.erase(images_.begin(), images_.begin() + static_cast<long>(images_next_));
  images_next_ = 0;
  const size_t limit = 4 * opt_.chunk_rows;
  while (last || images_.empty() || std::get<Image>(images_.back().entity).listing <= through) {
    std::vector<EntityRow> more;
    if (!legacy_->ScanEntities(EntityKind::kImage, image_key_, limit, &more).ok()) return false;
    counters_.Add(&MigrationCounters::backfill_rows, more.size());
    if (!more.empty()) image_key_ = more.back().key;
    const bool end = more.size() < limit;
    images_.insert(images_.end(), std::make_move_iterator(more.begin()),
                   std::make_move_iterator(more.end()));
    if (end) break;  // none further for now (a later chunk looks again)
  }
  return true;
}

bool Backfiller::ParentsLoaded(const Entity& e) const {
  auto has = [&](EntityKind k, uint64_t id) { return loaded_[static_cast<int>(k)].count(id) > 0; };
  switch (KindOf(e)) {
    case EntityKind::kTenant:
      return true;
    case EntityKind::kLandlord:
      return has(EntityKind::kTenant, std::get<Landlord>(e).tenant);
    case EntityKind::kListing:
      return has(EntityKind::kTenant, std::get<Listing>(e).tenant) &&
             has(EntityKind::kLandlord, std::get<Listing>(e).landlord);
    case EntityKind::kImage:
      return has(EntityKind::kListing, std::get<Image>(e).listing);
    case EntityKind::kApplicant:
      return has(EntityKind::kTenant, std::get<Applicant>(e).tenant);
    case EntityKind::kApplication:
      return has(EntityKind::kListing, std::get<Application>(e).listing) &&
             has(EntityKind::kApplicant, std::get<Application>(e).applicant);
    case EntityKind::kPayment:
      return has(EntityKind::kApplication, std::get<Payment>(e).application);
  }
  return false;
}

Status Backfiller::LoadChunk() {
  uint64_t applied = 0, skipped = 0;
  std::vector<Image> images;
  for (EntityRow& row : chunk_) {
    const Entity& e = row.entity;
    if (!ParentsLoaded(e)) {
      ++skipped;
      continue;
    }
    Status s;
    uint64_t id = 0;
    switch (KindOf(e)) {
      case EntityKind::kTenant:
        id = std::get<Tenant>(e).id;
        s = loader_->AddTenant(std::get<Tenant>(e));
        break;
      case EntityKind::kLandlord:
        id = std::get<Landlord>(e).id;
        s = loader_->AddLandlord(std::get<Landlord>(e));
        break;
      case EntityKind::kListing: {
        const Listing& l = std::get<Listing>(e);
        id = l.id;
        // Its images, read in the same key order; any before it belong to a
        // listing the copy did not see (recorded by its dual write).
        images.clear();
        while (images_next_ < images_.size()) {
          const Image& img = std::get<Image>(images_[images_next_].entity);
          if (img.listing > l.id) break;
          if (img.listing == l.id) {
            images.push_back(img);
          } else {
            ++skipped;
          }
          ++images_next_;
        }
        s = loader_->AddListing(l, images);
        applied += images.size();
        break;
      }
      case EntityKind::kImage:
        break;  // with their listings
      case EntityKind::kApplicant:
        id = std::get<Applicant>(e).id;
        s = loader_->AddApplicant(std::get<Applicant>(e));
        break;
      case EntityKind::kApplication:
        id = std::get<Application>(e).id;
        s = loader_->AddApplication(std::get<Application>(e));
        break;
      case EntityKind::kPayment:
        s = loader_->AddPayment(std::get<Payment>(e));
        break;
    }
    LB_RETURN_IF_ERROR(s);
    ++applied;
    if (KindOf(e) != EntityKind::kPayment) loaded_[static_cast<int>(KindOf(e))].insert(id);
  }
  counters_.Add(&MigrationCounters::backfill_applied, applied);
  counters_.Add(&MigrationCounters::bulk_skipped, skipped);
  return Status::OK();
}

void Backfiller::CopyRecorded(bool* committed) {
  const size_t end = std::min(recorded_.size(), recorded_next_ + 4 * opt_.repairs_per_step);
  for (; recorded_next_ < end; ++recorded_next_) {
    const auto& [kind, key] = recorded_[recorded_next_];
    if (!CopyEntity(kind, key, legacy_, target_, 0).ok()) {
      counters_.Add(&MigrationCounters::copy_failures);
      enqueue_(kind, key);
    } else {
      counters_.Add(&MigrationCounters::bulk_copied);
    }
  }
  if (recorded_next_ < recorded_.size()) return;
  recorded_.clear();
  recorded_.shrink_to_fit();
  kind_ = kNumEntityKinds;  // done: the one checkpoint of this mode
  *committed = true;
}

Status Backfiller::BulkStep(bool* committed) {
  if (bulk_ == Bulk::kCopyingRecorded) {
    CopyRecorded(committed);
    return Status::OK();
  }
  if (bulk_ == Bulk::kIdle) return StartBulk();
  if (kind() == static_cast<int>(EntityKind::kImage)) kind_ = kind() + 1;  // with the listings
  if (all_read_) {
    // Every kind read: finish the load, then copy what the dual writes
    // recorded meanwhile.
    Status s = loader_->Finish();
    loader_.reset();
    if (!s.ok()) {
      AbandonBulk();
      return Status::OK();
    }
    for (auto& ids : loaded_) std::unordered_set<uint64_t>().swap(ids);
    std::vector<EntityRow>().swap(images_);
    recorded_ = take_recorded_();
    recorded_next_ = 0;
    bulk_ = Bulk::kCopyingRecorded;
    return Status::OK();
  }
  if (Paused()) return Status::OK();
  const EntityKind k = static_cast<EntityKind>(kind());
  if (!legacy_->ScanEntities(k, last_key_, opt_.chunk_rows, &chunk_).ok()) {
    counters_.Add(&MigrationCounters::step_errors);  // retry next Step
    return Status::OK();
  }
  const bool last = chunk_.size() < opt_.chunk_rows;
  if (k == EntityKind::kListing &&
      !ReadImagesThrough(chunk_.empty() ? 0 : std::get<Listing>(chunk_.back().entity).id, last)) {
    counters_.Add(&MigrationCounters::step_errors);  // retry next Step
    return Status::OK();
  }
  counters_.Add(&MigrationCounters::backfill_rows, chunk_.size());
  MigrationCrash(opt_, CrashSite::kChunkRead);
  if (!LoadChunk().ok()) {
    AbandonBulk();
    return Status::OK();
  }
  MigrationCrash(opt_, CrashSite::kChunkWritten);
  counters_.Add(&MigrationCounters::backfill_chunks);
  if (!last) {
    last_key_ = chunk_.back().key;
  } else if (kind() + 1 < kNumEntityKinds) {
    kind_.fetch_add(1, std::memory_order_relaxed);
    last_key_.clear();
  } else {
    all_read_ = true;  // not done until the load is finished and the recorded copied
  }
  chunk_.clear();
  return Status::OK();
}

}  // namespace listbench
