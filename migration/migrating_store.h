// MigratingStore: the zero-downtime migration from the legacy store (the
// normalized SQLite baseline) to the new one (the single-table design), as a
// Store decorator, so the runner drives a migration exactly as it drives a
// plain engine. Requests go through the Store methods; the migration's own
// work -- backfill, repair, verification, the canary gate, phase changes --
// advances in Step(), which runs on a thread of its own beside the request
// threads (migration/migration_worker.h; the driver in
// bench/drivers/migrate_run.h runs at most one Step per `step_every`
// requests served), or between requests on the one thread a test drives.
//
// Phases, in order (MigrationPhase); Rollback() leaves any phase before
// finalized for rolled_back:
//   legacy        reads and writes on the legacy store only.
//   dual_write    writes go to both stores: the legacy store first (the source
//                 of truth), then each entity the write touched is copied from
//                 it to the new store (Store::GetEntity, Store::PutEntity,
//                 with the parents it needs). A copy that fails never fails
//                 the request: its (kind, key) goes into the durable repair
//                 queue (migration/repair_queue.h), which Step drains and re-checks;
//                 for options.degraded_steps Steps after a failed copy,
//                 writes queue their copies instead of making them, so that
//                 the failing store's recovery lands on the drain, not on
//                 requests.
//                 Lasts options.dual_write_steps Steps.
//   backfill      dual write goes on; Step copies the legacy store into the new
//                 one kind by kind in dependency order (migration/backfiller.h),
//                 in options.backfill's mode. Bulk (the default): the new store
//                 is emptied and loaded through its bulk loader, the copy its
//                 only writer -- until the load is finished, each dual write
//                 records the entities it touched instead of copying them, and
//                 the recorded entities are then copied with version checks; a
//                 crash or a failed load starts the copy again from an emptied
//                 store. Checked: a chunk of options.chunk_rows entities at a
//                 time in entity-key order, one Step reading a chunk and a
//                 later Step writing it (requests run beside it), then the
//                 checkpoint -- the last key copied -- written durably;
//                 PutEntity's version check makes every order of copy and dual
//                 write end right: a stale copy never replaces a newer
//                 dual-written value, and after a crash the backfill redoes at
//                 most one chunk. Either mode is rate-limited to
//                 options.backfill_rows_per_s and paused while the foreground
//                 p99 over the last options.p99_window requests is above
//                 options.backoff_p99_us.
//   shadow_verify reads are served by the legacy store and run again on the new
//                 one after the response (shadow reads; compared by canonical
//                 outcome, mismatches logged with both results); the verifier
//                 (migration/verifier.h) diffs the two stores, a few pages per Step.
//                 Moves on when a full diff finds no difference, the repair
//                 queue is empty and the canary gate passes.
//   canary        a share of reads (options.canary_shares, e.g. 1, 5, 25, 50,
//                 100 percent) is served by the new store, shadowed on the
//                 legacy one -- while no copy waits in the repair queue and
//                 the new store is not degraded (otherwise the legacy store
//                 serves the read). The share moves up when the gate passes (SPI >=
//                 threshold over enough reads at this share, empty repair
//                 queue, no difference in the last complete diff) and holds
//                 otherwise; a hold longer than options.max_hold_steps rolls
//                 back. Writes still go legacy first.
//   cutover       the new store is the source of truth: reads are served by
//                 it (shadowed on the legacy store), writes go to it first and
//                 are written back to the legacy store entity by entity, so a
//                 rollback leaves the legacy store complete. Lasts
//                 options.cutover_steps Steps, then a final full diff with no
//                 difference finalizes (or options.rollback_after_cutover
//                 rolls back).
//   finalized     the new store only; the legacy store is no longer written
//                 (the point of no return: Rollback is refused).
//   rolled_back   the legacy store only (reached from cutover after the repair
//                 queue is drained into the legacy store and a full diff finds
//                 no difference).
//
// Service Performance Index: migration/spi.h -- the share of the last
// options.spi.window shadowed reads whose results matched and whose latency
// on the new store was at most options.spi.target_latency_us. Reset at every
// canary step, so each share is judged on its own reads.
//
// Durability and crashes. The migration's state (phase, canary share,
// backfill checkpoint, verifier checkpoint, counters, transitions) lives in
// <dir>/migration-state.json, replaced atomically (temp file, fsync, rename,
// directory fsync) at every chunk commit and phase change; Open resumes from
// it. A file from another format is refused untouched. Each write records
// the entities it is about to touch in <dir>/inflight (written, not synced:
// it survives the process being killed, not the machine losing power) and
// clears it when both legs are done; Open copies whatever a crash left there
// again, so a write interrupted between its two legs is not lost on the new
// side. The options.crash_hook is called at every step a crash may hit
// (CrashSite); the crash drills kill the process there.
//
// The parts, each in its own header: the backfill (migration/backfiller.h),
// the shadow reads (migration/shadow_reader.h), the running diff
// (migration/diff_tracker.h), the canary share and its gate
// (migration/canary_controller.h), the state file and the in-flight record
// (migration/state_file.h), the copies of single entities
// (migration/entity_copy.h). MigratingStore routes requests, makes the dual
// writes, drains the repair queue and changes phases.
//
// A StoreWrapper whose target() is the legacy store; every Store method is
// routed by phase.
//
// Thread safety: safe for concurrent use by any number of request threads
// (every Store method) and the migration's own thread (Begin, Step,
// Rollback, DiffNow: serialized among themselves by a control mutex), with
// the guarantees of core/store.h's contract as far as the two stores give
// them. The routing (phase and canary share) is read under a shared lock
// that each request holds to its end, both legs of a dual write included;
// a phase change takes it exclusively, so no request straddles a phase
// change and the state file records the phase no request is still using.
// A dual write racing the backfill or a repair is settled by PutEntity's
// version check. The counters, the transitions, the repair queue, the
// in-flight record, the canary's draws and SPI, the shadow reads and the
// foreground p99 window are each guarded by their part (see their headers);
// status(), counters(), transitions() and last_diff() return snapshots and
// may be called from any thread without waiting for a Step. DiffNow with
// requests writing may report a difference a concurrent write made between
// its two reads; the driver holds requests off around it.
#ifndef LISTBENCH_MIGRATION_MIGRATING_STORE_H_
#define LISTBENCH_MIGRATION_MIGRATING_STORE_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entity_scan.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_wrapper.h"
#include "migration/backfiller.h"
#include "migration/canary_controller.h"
#include "migration/diff_tracker.h"
#include "migration/migration_types.h"
#include "migration/repair_queue.h"
#include "migration/shadow_reader.h"
#include "migration/state_file.h"
#include "migration/verifier.h"

namespace listbench {

class MigratingStore : public StoreWrapper {
 public:
  // Opens (or resumes) the migration of `legacy` into `target`, keeping its
  // state in the directory `dir` (created when missing). A fresh migration
  // starts in phase legacy; a resumed one where its state file says, after
  // copying any interrupted write again (see above). InvalidArgument for bad
  // options, NotSupported for a state file of another format, Corruption for
  // a damaged one (both named; nothing is modified).
  // REQUIRES: both stores outlive the MigratingStore and are used only
  // through it while it is open.
  static StatusOr<std::unique_ptr<MigratingStore>> Open(Store* legacy, Store* target,
                                                        const std::string& dir,
                                                        MigrationOptions options);
  ~MigratingStore() override;

  // Leaves phase legacy for dual_write. InvalidArgument in any other phase.
  Status Begin();
  // One unit of the migration's own work (see the phase list). Returns the
  // status of anything that failed in a way the migration cannot absorb
  // (the state file could not be written); failed copies are absorbed by the
  // repair queue and retried.
  Status Step();
  // Rolls back to the legacy store (see above). InvalidArgument once
  // finalized. From cutover it first drains the repair queue into the legacy
  // store and diffs the stores; an error leaves the phase unchanged.
  Status Rollback(const std::string& reason);

  MigrationPhase phase() const { return phase_.load(); }
  // The store that is the source of truth in the current phase (the legacy
  // store until cutover, the new one from then on; the legacy one again
  // after a rollback).
  Store* source_of_truth() const { return Primary(); }
  MigrationStatus status() const;
  const MigrationOptions& options() const { return opt_; }
  MigrationCounters counters() const { return counters_.Snapshot(); }
  std::vector<PhaseChange> transitions() const;
  // The last complete diff of the two stores (empty before the first).
  std::optional<VerifierReport> last_diff() const { return diff_.last_diff(); }
  // Runs a full diff of the two stores now (not a Step; for reports).
  StatusOr<VerifierReport> DiffNow();

  // ---- Store ----------------------------------------------------------------
  std::string_view Name() const override { return "migration"; }
  std::unique_ptr<BulkLoader> NewBulkLoader() override { return nullptr; }
  Status Clear() override {
    return Status::NotSupported("migration: a migrating store is not cleared");
  }
  StatusOr<ListingDetail> GetListingDetail(TenantId tenant, EntityId listing) override;
  StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId tenant, EntityId landlord) override;
  StatusOr<SearchResult> Search(const SearchQuery& q) override;
  StatusOr<ApplicantProfile> GetApplicantProfile(TenantId tenant, EntityId applicant) override;
  StatusOr<ListingApplications> GetListingApplications(TenantId tenant, EntityId listing) override;
  Status SubmitApplication(const Application& a) override;
  Status RecordPayment(const Payment& p) override;
  StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) override;
  Status AddListing(const Listing& l, std::span<const Image> images) override;
  Status DecideApplication(TenantId tenant, EntityId application, bool approve,
                           int64_t now) override;
  Status AddTenant(const Tenant& t) override;
  Status AddLandlord(const Landlord& l) override;
  // Of the store that is the source of truth in the current phase.
  Status CheckInvariants(std::vector<std::string>* violations) override;
  Status ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                      std::vector<EntityRow>* out) override;
  StatusOr<Entity> GetEntity(EntityKind kind, std::string_view key) override;
  Status PutEntity(const Entity& e, bool* applied) override;
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override;
  StatusOr<uint64_t> DiskBytes() override;          // both stores
  IoStats io_stats() const override;                // both stores
  WorkStats work_stats() const override;            // both stores
  BackgroundWork background_work() const override;  // both stores

 private:
  MigratingStore(Store* legacy, Store* target, std::string dir, MigrationOptions options);

  // Routing in the current phase: the store that serves (and, for writes, is
  // the source of truth) and the other one that is kept in step (nullptr:
  // none).
  Store* Primary() const;
  Store* Secondary() const;
  Store* ReadPrimary();  // draws the canary share
  void Crash(CrashSite site) const { MigrationCrash(opt_, site); }

  template <typename F>
  auto Read(F fn) -> decltype(fn(std::declval<Store&>()));
  // `touched_fn(primary)` names the entities the write touches.
  template <typename T, typename F>
  auto Write(T touched_fn, F fn) -> decltype(fn(std::declval<Store&>()));
  void CopyTouched(const TouchedEntities& touched, Store* primary, Store* secondary);
  void RunPendingShadow();
  void RecordForeground(double us) { backfill_.RecordForeground(us); }

  // Bulk backfill (BackfillMode::kBulk): from the start of the backfill
  // phase until the load is finished, a dual write records the entities it
  // touched (Recorded returns true) instead of copying them.
  void StartRecording();
  bool Recorded(EntityKind kind, const std::string& key);
  TouchedEntities TakeRecorded();  // the backfill's take_recorded: stops recording

  void Enqueue(EntityKind kind, const std::string& key);
  Status DrainRepairs(size_t max);
  Status DrainUnqueued(Store* from, Store* to, size_t* max);
  Status DrainQueued(Store* from, Store* to, size_t max);
  Status DrainForRollback();
  Status ActOn(const CanaryDecision& d, MigrationPhase next);
  Status BackfillStep(uint64_t depth);
  Status ShadowVerifyStep(uint64_t depth);
  Status CanaryStep();
  Status CutoverStep(uint64_t depth);
  Status VerifyStep();
  Status Transition(MigrationPhase to, const std::string& reason);
  // REQUIRES: route_mu_ held exclusively.
  Status TransitionLocked(MigrationPhase to, const std::string& reason);
  Status RollbackLocked(const std::string& reason);  // REQUIRES: control_mu_ held
  void AddTransition(MigrationPhase to, const std::string& reason);
  void DegradeFromNow();
  Status SaveState();
  Status CommitState();  // SaveState, then the kStateCommitted crash site
  Status LoadState(bool* found);
  Status RecoverInflight();
  uint64_t RepairDepth() const;
  bool Degraded() const;

  // The legacy store is target() (StoreWrapper).
  Store* const new_store_;
  const std::string dir_;
  const MigrationOptions opt_;

  // Serializes Begin, Step, Rollback and DiffNow (the migration's own work).
  std::mutex control_mu_;
  // The routing: requests hold it shared, phase changes exclusively.
  mutable std::shared_mutex route_mu_;
  // Written with control_mu_ and route_mu_ (exclusively) held.
  std::atomic<MigrationPhase> phase_{MigrationPhase::kLegacy};
  uint64_t phase_steps_ = 0;  // Steps since the last phase change (not persisted; control_mu_)
  MigrationCounterSet counters_;

  mutable std::mutex mu_;                 // guards transitions_ and unqueued_
  std::vector<PhaseChange> transitions_;  // mu_
  MigrationStateFile state_file_;
  std::unique_ptr<RepairQueue> queue_;
  // Copies that failed and could not be queued either: drained like entries (mu_).
  TouchedEntities unqueued_;
  // Until which Step writes queue their copies (options.degraded_steps).
  std::atomic<uint64_t> degraded_until_step_{0};

  std::mutex bulk_mu_;  // guards recorded_ and changes to recording_
  std::atomic<bool> recording_{false};
  std::set<std::pair<EntityKind, std::string>> recorded_;

  Backfiller backfill_;
  ShadowReader shadow_;
  DiffTracker diff_;
  CanaryController canary_;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_MIGRATING_STORE_H_
