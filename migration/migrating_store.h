// MigratingStore: the zero-downtime migration from the legacy store (the
// normalized SQLite baseline) to the new one (the single-table design), as a
// Store decorator, so the runner drives a migration exactly as it drives a
// plain engine. Requests go through the Store methods; the migration's own
// work -- backfill, repair, verification, the canary gate, phase changes --
// advances in Step(), which the caller runs between requests (the driver in
// bench/migrate_command.cc runs one Step after every request).
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
//                 one kind by kind in dependency order, a chunk of
//                 options.chunk_rows entities at a time in entity-key order:
//                 one Step reads a chunk, a later Step writes it (requests run
//                 in between, as against a real backfill job), then the
//                 checkpoint -- the last key copied -- is written durably.
//                 PutEntity's version check makes every order of copy and
//                 dual write end right: a stale copy never replaces a newer
//                 dual-written value. Rate-limited to options.backfill_rows_per_s
//                 and paused while the foreground p99 over the last
//                 options.p99_window requests is above options.backoff_p99_us.
//                 After a crash the backfill resumes at its checkpoint, so it
//                 redoes at most one chunk.
//   shadow_verify reads are served by the legacy store and run again on the new
//                 one after the response (shadow reads; compared by canonical
//                 outcome, mismatches logged with both results); the verifier
//                 (migration/verifier.h) diffs the two stores, a few pages per Step.
//                 Moves on when a full diff finds no difference, the repair
//                 queue is empty and the canary gate passes.
//   canary        a share of reads (options.canary_shares, e.g. 1, 5, 25, 50,
//                 100 percent) is served by the new store, shadowed on the
//                 legacy one. The share moves up when the gate passes (SPI >=
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
// Thread safety: not safe for concurrent use, like every Store; Step runs on
// the request thread.
#ifndef LISTBENCH_MIGRATION_MIGRATING_STORE_H_
#define LISTBENCH_MIGRATION_MIGRATING_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entity_scan.h"
#include "core/status.h"
#include "core/store.h"
#include "migration/repair_queue.h"
#include "migration/spi.h"
#include "migration/verifier.h"

namespace listbench {

enum class MigrationPhase : int {
  kLegacy = 0,
  kDualWrite,
  kBackfill,
  kShadowVerify,
  kCanary,
  kCutover,
  kFinalized,
  kRolledBack,
};
std::string_view MigrationPhaseName(MigrationPhase p);  // "legacy", "dual_write", ...
std::optional<MigrationPhase> ParseMigrationPhase(std::string_view name);

// Where a crash may hit the migration (each is one call of the crash hook).
enum class CrashSite : int {
  kDualWritePrimaryDone = 0,  // the source of truth took a write; the copy has not run
  kDualWriteSecondaryDone,    // both legs done; the request is not answered yet
  kRepairEnqueued,            // a failed copy is in the repair queue
  kRepairCopied,              // a repair entry copied, not yet acknowledged
  kChunkRead,                 // a backfill chunk read from the legacy store
  kChunkWritten,              // a chunk written to the new store, checkpoint not yet
  kStateTempWritten,          // the new state file written, not yet renamed
  kStateCommitted,            // the new state file renamed into place
  kVerifierPage,              // a verifier step ran
  kPhaseChange,               // a phase change is committed, not yet acted on
};
inline constexpr int kNumCrashSites = 10;
std::string_view CrashSiteName(CrashSite s);

struct MigrationOptions {
  uint64_t seed = 1;                   // the canary's choice of reads
  uint64_t dual_write_steps = 1000;    // Steps of dual write before the backfill starts
  size_t chunk_rows = 1000;            // backfill chunk
  double backfill_rows_per_s = 0;      // 0 = no rate limit
  double backoff_p99_us = 0;           // 0 = never back off
  size_t p99_window = 1000;            // requests the foreground p99 looks back over
  size_t verifier_pages_per_step = 4;  // verifier pages per Step
  size_t repairs_per_step = 64;        // repair entries drained per Step
  // After a copy to the other store fails (in a request or in the drain),
  // this many Steps during which writes queue their copies for the drain
  // instead of making them in the request.
  uint64_t degraded_steps = 100;
  std::vector<double> canary_shares = {0.01, 0.05, 0.25, 0.50, 1.00};
  SpiOptions spi{.window = 1000, .target_latency_us = 2000, .min_samples = 200};
  double gate_threshold = 0.96;
  uint64_t max_hold_steps = 200000;  // a canary hold this long rolls back; 0 = never
  uint64_t cutover_steps = 1000;     // Steps in cutover before finalizing
  bool rollback_after_cutover = false;
  size_t mismatch_log_limit = 100;  // shadow mismatches written in full
  // Called at every CrashSite (nullptr: none).
  std::function<void(CrashSite)> crash_hook;
  // The clock behind the rate limit and the shadow latencies.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

// OK, or InvalidArgument naming the bad setting.
Status ValidateMigrationOptions(const MigrationOptions& o);

// A phase change, for the timeline.
struct PhaseChange {
  MigrationPhase to = MigrationPhase::kLegacy;
  uint64_t step = 0;      // Steps run so far
  uint64_t requests = 0;  // requests served so far
  std::string reason;
};

// Everything the migration counts; persisted with its state.
struct MigrationCounters {
  uint64_t steps = 0;
  uint64_t requests = 0;
  uint64_t dual_writes = 0;            // writes copied to the other store in the request
  uint64_t copy_failures = 0;          // copies that failed and went to the repair queue
  uint64_t repairs_done = 0;           // repair entries copied and acknowledged
  uint64_t repair_queue_failures = 0;  // repair entries that could not even be queued
  uint64_t backfill_rows = 0;          // entities the backfill read from the legacy store
  uint64_t backfill_applied = 0;       // of those, written (the rest were older or equal)
  uint64_t backfill_chunks = 0;
  uint64_t backfill_backoff_steps = 0;  // Steps the backfill paused for the foreground p99
  uint64_t backfill_rate_waits = 0;     // Steps the backfill waited for the rate limit
  uint64_t shadow_reads = 0;
  uint64_t shadow_mismatches = 0;
  uint64_t new_store_reads = 0;     // reads served by the new store
  uint64_t verify_passes = 0;       // complete diffs
  uint64_t gate_holds = 0;          // gate evaluations that held
  uint64_t inflight_recovered = 0;  // interrupted writes re-copied at Open
  uint64_t canary_fallbacks = 0;    // canary reads the new store failed, answered by the legacy one
  uint64_t step_errors = 0;         // backfill reads / verifier pages that failed and were retried
  uint64_t deferred_copies = 0;  // copies queued for the drain while the other store was degraded
  uint64_t resumes = 0;          // Opens that found a state to resume
};

// JSON forms (the state file, reports). from_json throws on malformed input,
// like every nlohmann from_json.
void to_json(nlohmann::json& j, const MigrationOptions& o);  // all but the hooks
void from_json(const nlohmann::json& j, MigrationOptions& o);
void to_json(nlohmann::json& j, const MigrationCounters& c);
void from_json(const nlohmann::json& j, MigrationCounters& c);
void to_json(nlohmann::json& j, const PhaseChange& c);
void from_json(const nlohmann::json& j, PhaseChange& c);

// A snapshot for the timeline, read after any request or Step.
struct MigrationStatus {
  MigrationPhase phase = MigrationPhase::kLegacy;
  double canary_share = 0;    // share of reads served by the new store
  std::optional<double> spi;  // nullopt: no shadowed reads in the window
  uint64_t repair_queue_depth = 0;
  int backfill_kind = 0;  // EntityKind being copied; kNumEntityKinds = done
  uint64_t backfill_rows = 0;
  std::optional<uint64_t> last_diff;  // differences of the last complete diff
  std::string last_gate;              // the last gate decision's reason
};

class MigratingStore : public Store {
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

  MigrationPhase phase() const { return phase_; }
  // The store that is the source of truth in the current phase (the legacy
  // store until cutover, the new one from then on; the legacy one again
  // after a rollback).
  Store* source_of_truth() const { return Primary(); }
  MigrationStatus status() const;
  const MigrationOptions& options() const { return opt_; }
  const MigrationCounters& counters() const { return counters_; }
  const std::vector<PhaseChange>& transitions() const { return transitions_; }
  // The last complete diff of the two stores (empty before the first).
  const std::optional<VerifierReport>& last_diff() const { return last_diff_; }
  // Runs a full diff of the two stores now (not a Step; for reports).
  StatusOr<VerifierReport> DiffNow();

  // ---- Store ----------------------------------------------------------------
  std::string_view Name() const override { return "migration"; }
  std::unique_ptr<BulkLoader> NewBulkLoader() override { return nullptr; }
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
  StatusOr<uint64_t> DiskBytes() override;  // both stores
  IoStats io_stats() const override;        // both stores
  WorkStats work_stats() const override;    // both stores

 private:
  MigratingStore(Store* legacy, Store* target, std::string dir, MigrationOptions options);

  // Routing in the current phase: the store that serves (and, for writes, is
  // the source of truth) and the other one that is kept in step (nullptr:
  // none).
  Store* Primary() const;
  Store* Secondary() const;
  Store* ReadPrimary();  // draws the canary share
  std::chrono::steady_clock::time_point Now() const;
  void Crash(CrashSite site);

  template <typename F>
  auto Read(F fn) -> decltype(fn(std::declval<Store&>()));
  template <typename F>
  auto Write(std::vector<std::pair<EntityKind, std::string>> touched, F fn)
      -> decltype(fn(std::declval<Store&>()));
  void RunPendingShadow();
  void RecordForeground(double us);
  double RecentP99() const;

  Status CopyEntity(EntityKind kind, const std::string& key, Store* from, Store* to, int depth);
  Status PutWithParents(const Entity& e, Store* from, Store* to, int depth, bool* applied);
  void Enqueue(EntityKind kind, const std::string& key);
  Status DrainRepairs(size_t max);
  Status BackfillStep();
  Status VerifyStep();
  Status EvaluateCanary();
  Status Transition(MigrationPhase to, const std::string& reason);
  Status SaveState();
  Status LoadState(bool* found);
  Status WriteInflight(const std::vector<std::pair<EntityKind, std::string>>& touched);
  void ClearInflight();
  Status RecoverInflight();
  uint64_t UnqueuedDepth() const { return unqueued_.size(); }
  bool Degraded() const { return counters_.steps < degraded_until_step_; }

  Store* const legacy_;
  Store* const target_;
  const std::string dir_;
  MigrationOptions opt_;
  std::unique_ptr<RepairQueue> queue_;
  int inflight_fd_ = -1;

  MigrationPhase phase_ = MigrationPhase::kLegacy;
  uint64_t phase_steps_ = 0;  // Steps since the last phase change (not persisted)
  size_t canary_index_ = 0;
  uint64_t hold_steps_ = 0;
  MigrationCounters counters_;
  std::vector<PhaseChange> transitions_;

  // Backfill: the kind being copied, the last key copied (the checkpoint)
  // and a chunk read but not yet written.
  int bf_kind_ = 0;
  std::string bf_last_key_;
  std::vector<EntityRow> bf_chunk_;
  bool bf_chunk_ready_ = false;
  double bf_tokens_ = 0;
  std::chrono::steady_clock::time_point bf_refill_;

  // Verification: the running pass and the last complete one.
  VerifierCheckpoint vck_;
  std::optional<VerifierReport> last_diff_;
  uint64_t passes_in_phase_ = 0;
  uint64_t clean_passes_in_phase_ = 0;

  ServicePerformanceIndex spi_;
  CanaryGate gate_;
  std::string last_gate_;
  uint64_t read_draws_ = 0;

  // A shadow read waiting to run (after the response, before anything else).
  struct PendingShadow {
    std::function<std::string(Store&)> run;
    Store* other = nullptr;
    std::string primary_outcome;
    bool primary_is_new = false;
    double primary_us = 0;
  };
  std::optional<PendingShadow> shadow_;
  uint64_t mismatches_logged_ = 0;

  // Until which Step writes queue their copies (options.degraded_steps).
  uint64_t degraded_until_step_ = 0;

  // Copies that failed and could not be queued either: drained like entries.
  std::vector<std::pair<EntityKind, std::string>> unqueued_;

  // Foreground latencies of the last p99_window requests (ring).
  std::vector<double> recent_us_;
  size_t recent_next_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_MIGRATING_STORE_H_
