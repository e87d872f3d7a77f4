#include "migration/migrating_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <mutex>
#include <shared_mutex>

#include "core/canonical.h"
#include "migration/entity_copy.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kQueueFile = "repair-queue.log";

std::string RepairPayload(EntityKind kind, const std::string& key) {
  return std::string(1, static_cast<char>(kind)) + key;
}

bool ParseRepairPayload(const std::string& payload, EntityKind* kind, std::string* key) {
  if (payload.empty() || static_cast<uint8_t>(payload[0]) >= kNumEntityKinds) return false;
  *kind = static_cast<EntityKind>(payload[0]);
  *key = payload.substr(1);
  return true;
}

double UsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

}  // namespace

// ---- Open, state -------------------------------------------------------------

MigratingStore::MigratingStore(Store* legacy, Store* target, std::string dir,
                               MigrationOptions options)
    : StoreWrapper(legacy),
      new_store_(target),
      dir_(std::move(dir)),
      opt_(std::move(options)),
      state_file_(dir_),
      backfill_(
          legacy, target, &opt_, &counters_,
          [this](EntityKind kind, const std::string& key) { Enqueue(kind, key); },
          [this] { return TakeRecorded(); }),
      shadow_(dir_, &opt_, &counters_),
      diff_(legacy, target, &opt_, &counters_),
      canary_(&opt_, &counters_) {}

MigratingStore::~MigratingStore() = default;

StatusOr<std::unique_ptr<MigratingStore>> MigratingStore::Open(Store* legacy, Store* target,
                                                               const std::string& dir,
                                                               MigrationOptions options) {
  LB_RETURN_IF_ERROR(ValidateMigrationOptions(options));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("{}: cannot create directory: {}", dir, ec.message()));
  std::unique_ptr<MigratingStore> m(new MigratingStore(legacy, target, dir, std::move(options)));
  bool found = false;
  LB_RETURN_IF_ERROR(m->LoadState(&found));
  StatusOr<std::unique_ptr<RepairQueue>> q =
      RepairQueue::Open((fs::path(dir) / kQueueFile).string());
  if (!q.ok()) return q.status();
  m->queue_ = std::move(*q);
  LB_RETURN_IF_ERROR(m->state_file_.OpenInflight());
  if (found) {
    m->counters_.Add(&MigrationCounters::resumes);
    LB_RETURN_IF_ERROR(m->RecoverInflight());
  }
  return m;
}

Status MigratingStore::SaveState() {
  MigrationState s;
  s.phase = phase_.load();
  s.canary_index = canary_.index();
  s.backfill_mode = opt_.backfill;
  s.backfill_kind = backfill_.checkpoint_kind();
  s.backfill_last_key = backfill_.checkpoint_key();
  s.verifier = diff_.checkpoint();
  s.last_diff = diff_.last_diff();
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.transitions = transitions_;
  }
  s.counters = counters_.Snapshot();
  return state_file_.Save(opt_.seed, s, [this] { Crash(CrashSite::kStateTempWritten); });
}

Status MigratingStore::CommitState() {
  LB_RETURN_IF_ERROR(SaveState());
  Crash(CrashSite::kStateCommitted);
  return Status::OK();
}

Status MigratingStore::LoadState(bool* found) {
  MigrationState s;
  LB_RETURN_IF_ERROR(state_file_.Load(opt_.canary_shares.size(), &s, found));
  if (!*found) return Status::OK();
  if (s.backfill_mode != opt_.backfill && s.phase <= MigrationPhase::kBackfill) {
    return Status::InvalidArgument(
        fmt::format("{}: the migration's backfill runs in mode {}; it cannot go on in mode {}",
                    dir_, BackfillModeName(s.backfill_mode), BackfillModeName(opt_.backfill)));
  }
  phase_.store(s.phase);
  canary_.Restore(s.canary_index);
  backfill_.Restore(s.backfill_kind, std::move(s.backfill_last_key));
  diff_.Restore(std::move(s.verifier), std::move(s.last_diff));
  transitions_ = std::move(s.transitions);
  counters_.Set(s.counters);
  if (s.phase == MigrationPhase::kBackfill) StartRecording();
  return Status::OK();
}

// Copies again whatever write a crash interrupted between its two legs.
Status MigratingStore::RecoverInflight() {
  StatusOr<std::optional<TouchedEntities>> touched = state_file_.ReadInflight();
  if (!touched.ok()) return touched.status();
  if (!touched->has_value()) return Status::OK();
  Store* from = Primary();
  Store* to = Secondary();
  for (const auto& [kind, key] : **touched) {
    if (from == nullptr || to == nullptr) continue;
    counters_.Add(&MigrationCounters::inflight_recovered);
    Status s = CopyEntity(kind, key, from, to, 0);
    if (!s.ok()) Enqueue(kind, key);
  }
  state_file_.ClearInflight();
  return Status::OK();
}

// ---- Routing -------------------------------------------------------------------

Store* MigratingStore::Primary() const {
  switch (phase_.load()) {
    case MigrationPhase::kCutover:
    case MigrationPhase::kFinalized:
      return new_store_;
    default:
      return target();
  }
}

Store* MigratingStore::Secondary() const {
  switch (phase_.load()) {
    case MigrationPhase::kDualWrite:
    case MigrationPhase::kBackfill:
    case MigrationPhase::kShadowVerify:
    case MigrationPhase::kCanary:
      return new_store_;
    case MigrationPhase::kCutover:
      return target();
    default:
      return nullptr;
  }
}

Store* MigratingStore::ReadPrimary() {
  if (phase_.load() != MigrationPhase::kCanary) return Primary();
  // The new store serves canary reads only while it is in step: a copy
  // waiting in the repair queue (or queued while degraded) would make it
  // answer from before a write the user saw acknowledged.
  if (Degraded() || RepairDepth() > 0) return target();
  return canary_.DrawNewStore() ? new_store_ : target();
}

void MigratingStore::RunPendingShadow() {
  std::optional<ShadowOutcome> o =
      shadow_.RunPending(phase_.load(), counters_.Get(&MigrationCounters::requests));
  if (o) canary_.RecordShadow(o->matched, o->new_store_us);
}

template <typename F>
auto MigratingStore::Read(F fn) -> decltype(fn(std::declval<Store&>())) {
  std::shared_lock<std::shared_mutex> route(route_mu_);
  RunPendingShadow();
  counters_.Add(&MigrationCounters::requests);
  const MigrationPhase phase = phase_.load();
  Store* primary = ReadPrimary();
  const bool shadowed = phase == MigrationPhase::kShadowVerify ||
                        phase == MigrationPhase::kCanary || phase == MigrationPhase::kCutover;
  if (primary == new_store_) counters_.Add(&MigrationCounters::new_store_reads);
  const uint64_t token = shadow_.ReadBegins();
  const Clock::time_point t0 = MigrationNow(opt_);
  auto r = fn(*primary);
  const double us = UsBetween(t0, MigrationNow(opt_));
  // During the canary the legacy store is still the source of truth: a read
  // the new store fails is answered by it instead (and counted).
  if (phase == MigrationPhase::kCanary && primary == new_store_ &&
      (r.status().code() == StatusCode::kIOError || r.status().code() == StatusCode::kCorruption)) {
    counters_.Add(&MigrationCounters::canary_fallbacks);
    canary_.RecordShadow(false, us);
    r = fn(*target());
    RecordForeground(UsBetween(t0, MigrationNow(opt_)));
    return r;
  }
  RecordForeground(us);
  if (shadowed) {
    shadow_.Arm([fn](Store& s) { return CanonicalOutcome(fn(s)); },
                primary == new_store_ ? target() : new_store_, CanonicalOutcome(r),
                primary == new_store_, us, token);
  }
  return r;
}

template <typename T, typename F>
auto MigratingStore::Write(T touched_fn, F fn) -> decltype(fn(std::declval<Store&>())) {
  std::shared_lock<std::shared_mutex> route(route_mu_);
  RunPendingShadow();
  counters_.Add(&MigrationCounters::requests);
  Store* primary = Primary();
  Store* secondary = Secondary();
  const Clock::time_point t0 = MigrationNow(opt_);
  shadow_.WriteBegins();
  if (secondary == nullptr) {
    auto r = fn(*primary);
    shadow_.WriteEnds();
    RecordForeground(UsBetween(t0, MigrationNow(opt_)));
    return r;
  }
  const TouchedEntities touched = touched_fn(primary);
  StatusOr<uint64_t> intent = state_file_.AddInflight(touched);
  auto r = fn(*primary);
  Crash(CrashSite::kDualWritePrimaryDone);
  const StatusCode code = [&] {
    if constexpr (std::is_same_v<decltype(r), Status>) {
      return r.code();
    } else {
      return r.status().code();
    }
  }();
  // A write the source of truth rejected changed nothing; one that failed
  // with IOError may have taken effect, so it is copied like a success.
  if (code == StatusCode::kOk || code == StatusCode::kIOError) {
    counters_.Add(&MigrationCounters::dual_writes);
    CopyTouched(touched, primary, secondary);
  }
  Crash(CrashSite::kDualWriteSecondaryDone);
  if (intent.ok()) state_file_.RemoveInflight(*intent);
  shadow_.WriteEnds();
  RecordForeground(UsBetween(t0, MigrationNow(opt_)));
  return r;
}

// The second leg of a dual write: each touched entity copied to the other
// store, or queued for the drain.
void MigratingStore::CopyTouched(const TouchedEntities& touched, Store* primary, Store* secondary) {
  for (const auto& [kind, key] : touched) {
    if (Recorded(kind, key)) continue;
    if (Degraded()) {
      // The other store failed lately: its recovery (an engine may reopen
      // itself) must not land on requests; the drain copies it later.
      counters_.Add(&MigrationCounters::deferred_copies);
      Enqueue(kind, key);
      continue;
    }
    Status s = CopyEntity(kind, key, primary, secondary, 0);
    if (!s.ok()) {
      counters_.Add(&MigrationCounters::copy_failures);
      DegradeFromNow();
      Enqueue(kind, key);
    }
  }
}

// ---- The bulk copy's record -------------------------------------------------------

void MigratingStore::StartRecording() {
  if (opt_.backfill != BackfillMode::kBulk || backfill_.done()) return;
  std::lock_guard<std::mutex> lock(bulk_mu_);
  recording_ = true;
}

bool MigratingStore::Recorded(EntityKind kind, const std::string& key) {
  // Outside a bulk copy (almost always) no lock: recording only starts with
  // no request in flight (a phase change, or Open), and a request that sees
  // it stopped copies into a finished load.
  if (!recording_.load(std::memory_order_acquire)) return false;
  std::lock_guard<std::mutex> lock(bulk_mu_);
  if (!recording_.load(std::memory_order_relaxed)) return false;
  recorded_.emplace(kind, key);
  counters_.Add(&MigrationCounters::bulk_recorded);
  return true;
}

TouchedEntities MigratingStore::TakeRecorded() {
  std::lock_guard<std::mutex> lock(bulk_mu_);
  recording_ = false;
  TouchedEntities out(recorded_.begin(), recorded_.end());
  recorded_.clear();
  return out;
}

// ---- Repairs ----------------------------------------------------------------------

void MigratingStore::DegradeFromNow() {
  degraded_until_step_.store(counters_.Get(&MigrationCounters::steps) + opt_.degraded_steps);
}

bool MigratingStore::Degraded() const {
  return counters_.Get(&MigrationCounters::steps) < degraded_until_step_.load();
}

uint64_t MigratingStore::RepairDepth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_->Depth() + unqueued_.size();
}

void MigratingStore::Enqueue(EntityKind kind, const std::string& key) {
  StatusOr<uint64_t> seq = queue_->Append(RepairPayload(kind, key));
  if (!seq.ok()) {
    counters_.Add(&MigrationCounters::repair_queue_failures);
    std::lock_guard<std::mutex> lock(mu_);
    unqueued_.emplace_back(kind, key);
    return;
  }
  Crash(CrashSite::kRepairEnqueued);
}

Status MigratingStore::DrainRepairs(size_t max) {
  Store* from = Primary();
  Store* to = Secondary();
  if (from == nullptr || to == nullptr) return Status::OK();
  if (backfill_.loading()) return Status::OK();  // the bulk loader is the new store's one writer
  if (!DrainUnqueued(from, to, &max).ok()) return Status::OK();  // retry later
  if (queue_->Depth() == 0) return Status::OK();
  return DrainQueued(from, to, max);
}

// Copies that could not even be queued, newest first. A failed copy leaves
// the rest for later (and is returned, so that the drain stops there).
Status MigratingStore::DrainUnqueued(Store* from, Store* to, size_t* max) {
  while (*max > 0) {
    std::pair<EntityKind, std::string> item;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (unqueued_.empty()) break;
      item = std::move(unqueued_.back());
      unqueued_.pop_back();
    }
    Status s = CopyEntity(item.first, item.second, from, to, 0);
    if (!s.ok()) {
      DegradeFromNow();
      std::lock_guard<std::mutex> lock(mu_);
      unqueued_.push_back(std::move(item));
      return s;
    }
    counters_.Add(&MigrationCounters::repairs_done);
    --*max;
  }
  return Status::OK();
}

// Queued entries in order: copied, re-checked on both sides, acknowledged.
Status MigratingStore::DrainQueued(Store* from, Store* to, size_t max) {
  for (const RepairEntry& e : queue_->Pending()) {
    if (max-- == 0) break;
    EntityKind kind;
    std::string key;
    if (!ParseRepairPayload(e.payload, &kind, &key)) {
      return Status::Corruption(fmt::format("repair queue entry {} names no entity", e.seq));
    }
    if (!CopyEntity(kind, key, from, to, 0).ok()) {
      DegradeFromNow();
      return Status::OK();  // retry later
    }
    // Re-check: both sides must now hold the same.
    StatusOr<Entity> a = from->GetEntity(kind, key);
    StatusOr<Entity> b = to->GetEntity(kind, key);
    if (a.ok() != b.ok() || (a.ok() && CanonicalEntity(*a) != CanonicalEntity(*b))) {
      return Status::OK();  // not yet in step; retry later
    }
    Crash(CrashSite::kRepairCopied);
    LB_RETURN_IF_ERROR(queue_->Acknowledge(e.seq));
    counters_.Add(&MigrationCounters::repairs_done);
  }
  return Status::OK();
}

// ---- Phases -----------------------------------------------------------------------

Status MigratingStore::Begin() {
  std::lock_guard<std::mutex> control(control_mu_);
  if (phase_.load() != MigrationPhase::kLegacy) {
    return Status::InvalidArgument(
        fmt::format("migration: Begin in phase {}, not legacy", MigrationPhaseName(phase_.load())));
  }
  return Transition(MigrationPhase::kDualWrite, "begin");
}

void MigratingStore::AddTransition(MigrationPhase to, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  transitions_.push_back({to, counters_.Get(&MigrationCounters::steps),
                          counters_.Get(&MigrationCounters::requests), reason});
}

// No request is in flight across a phase change: the route lock is held
// exclusively while the phase changes and the state file records it.
Status MigratingStore::Transition(MigrationPhase to, const std::string& reason) {
  std::unique_lock<std::shared_mutex> route(route_mu_);
  return TransitionLocked(to, reason);
}

Status MigratingStore::TransitionLocked(MigrationPhase to, const std::string& reason) {
  diff_.OnPhaseChange(to);
  canary_.OnPhaseChange(to);
  // No request is in flight (route_mu_ is ours): from the first request of
  // the backfill, a bulk copy's dual writes record instead of copying.
  if (to == MigrationPhase::kBackfill) StartRecording();
  phase_.store(to);
  phase_steps_ = 0;
  AddTransition(to, reason);
  LB_RETURN_IF_ERROR(CommitState());
  Crash(CrashSite::kPhaseChange);
  if (opt_.on_final_diff &&
      (to == MigrationPhase::kFinalized || to == MigrationPhase::kRolledBack)) {
    const Clock::time_point t0 = Clock::now();
    StatusOr<VerifierReport> d = diff_.DiffNow();  // requests are held off: route_mu_ is ours
    opt_.on_final_diff(d, Clock::now() - t0);
  }
  return Status::OK();
}

// Carries out what the canary controller decided; `next` is the phase a
// kNextPhase decision leads to.
Status MigratingStore::ActOn(const CanaryDecision& d, MigrationPhase next) {
  switch (d.action) {
    case CanaryDecision::Action::kStay:
      return Status::OK();
    case CanaryDecision::Action::kNextPhase:
      return Transition(next, d.reason);
    case CanaryDecision::Action::kRollback:
      return RollbackLocked(d.reason);
    case CanaryDecision::Action::kNextShare:
      AddTransition(MigrationPhase::kCanary, d.reason);
      LB_RETURN_IF_ERROR(CommitState());
      Crash(CrashSite::kPhaseChange);
      return Status::OK();
  }
  return Status::OK();
}

Status MigratingStore::BackfillStep(uint64_t depth) {
  bool committed = false;
  LB_RETURN_IF_ERROR(backfill_.Step(&committed));
  if (committed) LB_RETURN_IF_ERROR(CommitState());
  if (backfill_.done() && depth == 0) {
    return Transition(MigrationPhase::kShadowVerify,
                      fmt::format("backfill done: {} entities read, {} written",
                                  counters_.Get(&MigrationCounters::backfill_rows),
                                  counters_.Get(&MigrationCounters::backfill_applied)));
  }
  return Status::OK();
}

Status MigratingStore::VerifyStep() {
  bool completed = false;
  LB_RETURN_IF_ERROR(diff_.Step(&completed));
  if (completed) LB_RETURN_IF_ERROR(CommitState());
  return Status::OK();
}

Status MigratingStore::ShadowVerifyStep(uint64_t depth) {
  LB_RETURN_IF_ERROR(VerifyStep());
  if (diff_.passes_in_phase() == 0) return Status::OK();
  return ActOn(
      canary_.JudgeShadowVerify(depth, *diff_.last_diff(), diff_.clean_passes_in_phase() > 0),
      MigrationPhase::kCanary);
}

Status MigratingStore::CanaryStep() {
  LB_RETURN_IF_ERROR(VerifyStep());
  return ActOn(canary_.JudgeCanary(RepairDepth(), diff_.last_diff()), MigrationPhase::kCutover);
}

Status MigratingStore::CutoverStep(uint64_t depth) {
  if (phase_steps_ < opt_.cutover_steps) return Status::OK();
  if (opt_.rollback_after_cutover) return RollbackLocked("asked to roll back after cutover");
  LB_RETURN_IF_ERROR(VerifyStep());
  if (diff_.clean_passes_in_phase() > 0 && depth == 0) {
    return Transition(MigrationPhase::kFinalized,
                      fmt::format("{} steps in cutover; final diff clean", phase_steps_));
  }
  return Status::OK();
}

Status MigratingStore::Step() {
  std::lock_guard<std::mutex> control(control_mu_);
  RunPendingShadow();
  counters_.Add(&MigrationCounters::steps);
  phase_steps_++;
  LB_RETURN_IF_ERROR(DrainRepairs(opt_.repairs_per_step));
  const uint64_t depth = RepairDepth();
  switch (phase_.load()) {
    case MigrationPhase::kLegacy:
    case MigrationPhase::kFinalized:
    case MigrationPhase::kRolledBack:
      return Status::OK();
    case MigrationPhase::kDualWrite:
      if (phase_steps_ >= opt_.dual_write_steps) {
        return Transition(MigrationPhase::kBackfill,
                          fmt::format("{} steps of dual write", phase_steps_));
      }
      return Status::OK();
    case MigrationPhase::kBackfill:
      return BackfillStep(depth);
    case MigrationPhase::kShadowVerify:
      return ShadowVerifyStep(depth);
    case MigrationPhase::kCanary:
      return CanaryStep();
    case MigrationPhase::kCutover:
      return CutoverStep(depth);
  }
  return Status::OK();
}

// The legacy store must be complete before it serves again.
Status MigratingStore::DrainForRollback() {
  while (RepairDepth() > 0) {
    const uint64_t before = RepairDepth();
    LB_RETURN_IF_ERROR(DrainRepairs(before));
    if (RepairDepth() == before) {
      return Status::IOError(fmt::format(
          "migration: rollback: {} repairs cannot be copied to the legacy store", before));
    }
  }
  StatusOr<VerifierReport> d = diff_.DiffNow();
  if (!d.ok()) return d.status();
  if (d->differences() != 0) {
    return Status::Corruption(
        fmt::format("migration: rollback refused: the legacy store differs from the new one in {} "
                    "entities ({} missing, {} extra, {} mismatched)",
                    d->differences(), d->missing(), d->extra(), d->mismatched()));
  }
  return Status::OK();
}

Status MigratingStore::Rollback(const std::string& reason) {
  std::lock_guard<std::mutex> control(control_mu_);
  RunPendingShadow();
  return RollbackLocked(reason);
}

// From cutover the drain and the diff run with requests held off (the route
// lock held exclusively): the legacy store must be complete and equal to the
// new one at the moment it becomes the source of truth again.
Status MigratingStore::RollbackLocked(const std::string& reason) {
  const MigrationPhase phase = phase_.load();
  if (phase == MigrationPhase::kFinalized) {
    return Status::InvalidArgument("migration: finalized; the legacy store is no longer written");
  }
  if (phase == MigrationPhase::kRolledBack) return Status::OK();
  if (phase != MigrationPhase::kCutover) return Transition(MigrationPhase::kRolledBack, reason);
  std::unique_lock<std::shared_mutex> route(route_mu_);
  LB_RETURN_IF_ERROR(DrainForRollback());
  return TransitionLocked(MigrationPhase::kRolledBack, reason);
}

StatusOr<VerifierReport> MigratingStore::DiffNow() {
  std::lock_guard<std::mutex> control(control_mu_);
  RunPendingShadow();
  return diff_.DiffNow();
}

MigrationStatus MigratingStore::status() const {
  MigrationStatus s;
  s.phase = phase_.load();
  if (s.phase == MigrationPhase::kCanary) s.canary_share = canary_.share();
  if (s.phase == MigrationPhase::kCutover || s.phase == MigrationPhase::kFinalized) {
    s.canary_share = 1;
  }
  s.spi = canary_.SpiValue();
  s.repair_queue_depth = RepairDepth();
  s.backfill_kind = backfill_.kind();
  s.backfill_rows = counters_.Get(&MigrationCounters::backfill_rows);
  if (std::optional<VerifierReport> d = diff_.last_diff()) s.last_diff = d->differences();
  s.last_gate = canary_.last_gate();
  return s;
}

std::vector<PhaseChange> MigratingStore::transitions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return transitions_;
}

// ---- Store ------------------------------------------------------------------------

StatusOr<ListingDetail> MigratingStore::GetListingDetail(TenantId tenant, EntityId listing) {
  return Read([=](Store& s) { return s.GetListingDetail(tenant, listing); });
}
StatusOr<LandlordPortfolio> MigratingStore::GetLandlordPortfolio(TenantId tenant,
                                                                 EntityId landlord) {
  return Read([=](Store& s) { return s.GetLandlordPortfolio(tenant, landlord); });
}
StatusOr<SearchResult> MigratingStore::Search(const SearchQuery& q) {
  return Read([q](Store& s) { return s.Search(q); });
}
StatusOr<ApplicantProfile> MigratingStore::GetApplicantProfile(TenantId tenant,
                                                               EntityId applicant) {
  return Read([=](Store& s) { return s.GetApplicantProfile(tenant, applicant); });
}
StatusOr<ListingApplications> MigratingStore::GetListingApplications(TenantId tenant,
                                                                     EntityId listing) {
  return Read([=](Store& s) { return s.GetListingApplications(tenant, listing); });
}

namespace {

// The entities of a write, fixed before it runs.
auto Touching(TouchedEntities touched) {
  return [touched = std::move(touched)](Store*) { return touched; };
}

}  // namespace

Status MigratingStore::SubmitApplication(const Application& a) {
  return Write(Touching({{EntityKind::kApplication, EntityKey(a.id)}}),
               [&](Store& s) { return s.SubmitApplication(a); });
}

Status MigratingStore::RecordPayment(const Payment& p) {
  auto touched = [&p](Store* primary) {
    TouchedEntities t = {{EntityKind::kApplication, EntityKey(p.application)}};
    // The payment's key names its applicant, which only the application knows.
    StatusOr<Entity> app = primary->GetEntity(EntityKind::kApplication, EntityKey(p.application));
    if (app.ok()) {
      t.emplace_back(EntityKind::kPayment,
                     PaymentEntityKey(std::get<Application>(*app).applicant, p.id));
    }
    return t;
  };
  return Write(touched, [&](Store& s) { return s.RecordPayment(p); });
}

StatusOr<uint64_t> MigratingStore::UpdateListing(const ListingUpdate& u) {
  return Write(Touching({{EntityKind::kListing, EntityKey(u.listing)}}),
               [&](Store& s) { return s.UpdateListing(u); });
}

Status MigratingStore::AddListing(const Listing& l, std::span<const Image> images) {
  return Write(Touching({{EntityKind::kListing, EntityKey(l.id)}}),
               [&](Store& s) { return s.AddListing(l, images); });
}

Status MigratingStore::DecideApplication(TenantId tenant, EntityId application, bool approve,
                                         int64_t now) {
  return Write(Touching({{EntityKind::kApplication, EntityKey(application)}}),
               [&](Store& s) { return s.DecideApplication(tenant, application, approve, now); });
}

Status MigratingStore::AddTenant(const Tenant& t) {
  return Write(Touching({{EntityKind::kTenant, EntityKey(t.id)}}),
               [&](Store& s) { return s.AddTenant(t); });
}

Status MigratingStore::AddLandlord(const Landlord& l) {
  return Write(Touching({{EntityKind::kLandlord, EntityKey(l.id)}}),
               [&](Store& s) { return s.AddLandlord(l); });
}

Status MigratingStore::CheckInvariants(std::vector<std::string>* violations) {
  std::shared_lock<std::shared_mutex> route(route_mu_);
  RunPendingShadow();
  return Primary()->CheckInvariants(violations);
}

Status MigratingStore::ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                                    std::vector<EntityRow>* out) {
  std::shared_lock<std::shared_mutex> route(route_mu_);
  RunPendingShadow();
  return Primary()->ScanEntities(kind, after, limit, out);
}

StatusOr<Entity> MigratingStore::GetEntity(EntityKind kind, std::string_view key) {
  std::shared_lock<std::shared_mutex> route(route_mu_);
  RunPendingShadow();
  return Primary()->GetEntity(kind, key);
}

Status MigratingStore::PutEntity(const Entity& e, bool* applied) {
  std::shared_lock<std::shared_mutex> route(route_mu_);
  RunPendingShadow();
  return Primary()->PutEntity(e, applied);
}

Status MigratingStore::PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) {
  std::shared_lock<std::shared_mutex> route(route_mu_);
  RunPendingShadow();
  return Primary()->PutEntities(es, applied);
}

StatusOr<uint64_t> MigratingStore::DiskBytes() {
  StatusOr<uint64_t> a = target()->DiskBytes();
  if (!a.ok()) return a;
  StatusOr<uint64_t> b = new_store_->DiskBytes();
  if (!b.ok()) return b;
  return *a + *b;
}

IoStats MigratingStore::io_stats() const { return target()->io_stats() + new_store_->io_stats(); }

WorkStats MigratingStore::work_stats() const {
  return target()->work_stats() + new_store_->work_stats();
}

BackgroundWork MigratingStore::background_work() const {
  return target()->background_work() + new_store_->background_work();
}

}  // namespace listbench
