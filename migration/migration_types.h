// The vocabulary of the zero-downtime migration (migration/migrating_store.h):
// its phases, the sites a crash may hit, its options, counters, phase
// changes and status snapshot, with their JSON forms.
//
// Thread safety: plain values; the functions are pure and safe to call from
// any thread. MigrationCounterSet is safe for concurrent use (internal
// mutex).
#ifndef LISTBENCH_MIGRATION_MIGRATION_TYPES_H_
#define LISTBENCH_MIGRATION_MIGRATION_TYPES_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "migration/spi.h"

namespace listbench {

struct VerifierReport;  // migration/verifier.h

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

// How the backfill copies the legacy store into the new one
// (migration/backfiller.h):
//   kChecked  chunk by chunk with Store::PutEntities, whose version checks
//             settle every race with the dual writes running beside it.
//   kBulk     through the new store's bulk loader (StoreAdmin::NewBulkLoader)
//             into an emptied store: no version checks, derived items
//             computed in memory. While it runs, dual writes record the
//             entities they touched instead of copying them (the loader is
//             the new store's only writer); the recorded entities are copied
//             with the usual checked copies once the load is finished. A copy
//             interrupted (a crash, a failed write) starts again from an
//             emptied store.
enum class BackfillMode : int { kChecked = 0, kBulk };
std::string_view BackfillModeName(BackfillMode m);  // "checked", "bulk"
std::optional<BackfillMode> ParseBackfillMode(std::string_view name);

struct MigrationOptions {
  uint64_t seed = 1;                 // the canary's choice of reads
  uint64_t dual_write_steps = 1000;  // Steps of dual write before the backfill starts
  BackfillMode backfill = BackfillMode::kBulk;
  size_t chunk_rows = 1000;            // backfill chunk (entities read per Step)
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
  // When set, a change to a final phase (finalized, rolled_back) also diffs
  // the two stores in full with requests held off, and passes the report
  // here with the time it took: the state the migration ended in, untouched
  // by later writes.
  std::function<void(const StatusOr<VerifierReport>&, std::chrono::steady_clock::duration)>
      on_final_diff;
  // The clock behind the rate limit and the shadow latencies.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

// The options' clock (steady_clock::now when none is set).
std::chrono::steady_clock::time_point MigrationNow(const MigrationOptions& o);
// Calls the options' crash hook at `site` (nothing when none is set).
void MigrationCrash(const MigrationOptions& o, CrashSite site);

// OK, or InvalidArgument naming the bad setting.
Status ValidateMigrationOptions(const MigrationOptions& o);

// A phase change, for the timeline.
struct PhaseChange {
  MigrationPhase to = MigrationPhase::kLegacy;
  uint64_t step = 0;      // Steps run so far
  uint64_t requests = 0;  // requests served so far
  std::string reason;
  bool operator==(const PhaseChange&) const = default;
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
  uint64_t backfill_chunk_fallbacks = 0;  // chunks whose one write failed, copied one by one
  uint64_t backfill_backoff_steps = 0;    // Steps the backfill paused for the foreground p99
  uint64_t backfill_rate_waits = 0;       // Steps the backfill waited for the rate limit
  uint64_t backfill_restarts = 0;         // bulk copies started again from an emptied store
  // Entities the bulk copy left out because their parent came after the copy
  // had passed it: each was written by a recorded dual write, copied after.
  uint64_t bulk_skipped = 0;
  uint64_t bulk_recorded = 0;  // entities dual writes recorded during a bulk copy
  uint64_t bulk_copied = 0;    // recorded entities copied once the bulk load finished
  uint64_t shadow_reads = 0;
  uint64_t shadow_mismatches = 0;
  uint64_t shadow_skipped = 0;   // shadows not compared: a write overlapped the read or its shadow
  uint64_t new_store_reads = 0;  // reads served by the new store
  uint64_t verify_passes = 0;    // complete diffs
  uint64_t gate_holds = 0;       // gate evaluations that held
  uint64_t inflight_recovered = 0;  // interrupted writes re-copied at Open
  uint64_t canary_fallbacks = 0;    // canary reads the new store failed, answered by the legacy one
  uint64_t step_errors = 0;         // backfill reads / verifier pages that failed and were retried
  uint64_t deferred_copies = 0;  // copies queued for the drain while the other store was degraded
  uint64_t resumes = 0;          // Opens that found a state to resume
  bool operator==(const MigrationCounters&) const = default;
};

// The live counters of one migration, shared by request workers and the
// migration's own thread: each part adds to them, reports read snapshots.
class MigrationCounterSet {
 public:
  using Field = uint64_t MigrationCounters::*;
  void Add(Field f, uint64_t n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    c_.*f += n;
  }
  uint64_t Get(Field f) const {
    std::lock_guard<std::mutex> lock(mu_);
    return c_.*f;
  }
  MigrationCounters Snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return c_;
  }
  void Set(const MigrationCounters& c) {
    std::lock_guard<std::mutex> lock(mu_);
    c_ = c;
  }

 private:
  mutable std::mutex mu_;
  MigrationCounters c_;
};

// JSON forms (the state file, reports). from_json throws on malformed input,
// like every nlohmann from_json.
void to_json(nlohmann::json& j, const MigrationOptions& o);  // all but the hooks
void from_json(const nlohmann::json& j, MigrationOptions& o);
void to_json(nlohmann::json& j, const MigrationCounters& c);
void from_json(const nlohmann::json& j, MigrationCounters& c);
void to_json(nlohmann::json& j, const PhaseChange& c);
void from_json(const nlohmann::json& j, PhaseChange& c);
// j.at(key) as a count, for from_json: a non-negative JSON integer, else
// std::invalid_argument naming `key` (a float or a negative number is never
// converted).
uint64_t JsonCount(const nlohmann::json& j, const char* key);

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

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_MIGRATION_TYPES_H_
