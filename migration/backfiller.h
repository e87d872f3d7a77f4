// The migration's backfill: copies the legacy store into the new one kind by
// kind in dependency order, a chunk of options.chunk_rows entities at a time
// in entity-key order, in one of two modes (options.backfill, BackfillMode).
//
// Checked: one Step reads a chunk, a later Step writes it as one write to
// the new store (Store::PutEntities; entity by entity, with parents, if that
// fails) -- requests run in between, as against a real backfill job; the
// caller then makes the checkpoint -- the last key copied -- durable.
//
// Bulk: the first Step empties the new store (StoreAdmin::Clear) and opens
// its bulk loader; each later Step reads a chunk (listings with their
// images, read alongside in the same key order) and hands it to the loader.
// An entity whose parent the loader has not received (it was written after
// the copy had passed its parent's place) is left out: the dual write that
// wrote it recorded it (take_recorded). When every kind is read, a Step
// finishes the loader; then take_recorded() stops the recording and returns
// the recorded entities, which the following Steps copy with CopyEntity, a
// batch at a time (a failed copy goes to the repair queue). Only then is the
// backfill done -- the one checkpoint of this mode. A failed read is retried
// by the next Step; a failed loader write or Finish drops the loader and the
// next Step starts the copy again from an emptied store, as does a resumed
// migration whose backfill was not done (Restore).
//
// Both: rate-limited to options.backfill_rows_per_s (a token bucket holding
// at most two chunks) and paused while the foreground p99 over the last
// options.p99_window requests is above options.backoff_p99_us.
//
// Thread safety: Step, Restore and the checkpoint accessors run on one
// thread at a time (the migration's own: MigratingStore::Step);
// RecordForeground may be called from any number of request threads at once
// (internal mutex), and kind() from any thread (atomic).
#ifndef LISTBENCH_MIGRATION_BACKFILLER_H_
#define LISTBENCH_MIGRATION_BACKFILLER_H_

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/entity_scan.h"
#include "core/status.h"
#include "core/store.h"
#include "migration/migration_types.h"

namespace listbench {

class Backfiller {
 public:
  // Called with an entity whose copy failed, for the repair queue.
  using EnqueueFn = std::function<void(EntityKind, const std::string&)>;
  // Bulk mode: stops the dual writes' recording and returns what they
  // recorded (each entity once).
  using TakeRecordedFn = std::function<std::vector<std::pair<EntityKind, std::string>>()>;

  // REQUIRES: legacy, target, options and counters outlive the Backfiller.
  Backfiller(Store* legacy, Store* target, const MigrationOptions* options,
             MigrationCounterSet* counters, EnqueueFn enqueue, TakeRecordedFn take_recorded);
  ~Backfiller();

  // Resumes at a checkpoint (from the state file). Bulk mode: a checkpoint
  // short of done starts the copy again.
  void Restore(int kind, std::string last_key);

  // One unit of backfill: waits (for the foreground p99 or the rate limit),
  // reads a chunk, or writes the chunk read. `*committed` is set when a
  // chunk was written and the checkpoint moved: the caller makes it
  // durable. A failed read is counted and retried on the next Step; a
  // failed copy is counted and enqueued.
  Status Step(bool* committed);

  // Adds one foreground request's latency to the p99 window.
  void RecordForeground(double us);

  bool done() const { return kind() >= kNumEntityKinds; }
  int kind() const { return kind_.load(std::memory_order_relaxed); }  // EntityKind being copied
  // The checkpoint to make durable: kind and last key copied. Bulk mode:
  // (0, "") until done.
  int checkpoint_kind() const;
  std::string checkpoint_key() const;
  // Bulk mode: the loader is open, so nothing else may write the new store.
  bool loading() const { return bulk_ == Bulk::kLoading; }

 private:
  enum class Bulk { kIdle, kLoading, kCopyingRecorded };
  bool BackOff() const;  // the foreground p99 is too high
  bool RateWait();       // the rate limit holds this Step back
  bool Paused();         // BackOff or RateWait, counted
  void ReadChunk();
  void WriteChunk();
  void WriteChunkOneByOne();  // WriteChunk's fallback
  double RecentP99() const;
  Status BulkStep(bool* committed);
  Status StartBulk();
  void AbandonBulk();  // a failed loader write: the next Step starts again
  // Reads the images of listings up to `through` (all when `last`) into
  // images_; false when a read failed.
  bool ReadImagesThrough(EntityId through, bool last);
  Status LoadChunk();  // hands chunk_ to the loader
  bool ParentsLoaded(const Entity& e) const;
  void CopyRecorded(bool* committed);

  Store* const legacy_;
  Store* const target_;
  const MigrationOptions& opt_;
  MigrationCounterSet& counters_;
  const EnqueueFn enqueue_;
  const TakeRecordedFn take_recorded_;

  std::atomic<int> kind_{0};
  std::string last_key_;
  std::vector<EntityRow> chunk_;  // read, not yet written
  bool chunk_ready_ = false;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refill_;

  // Bulk mode (the migration's thread only; bulk_ is atomic for loading()).
  std::atomic<Bulk> bulk_{Bulk::kIdle};
  bool bulk_started_ = false;  // a copy was started in this process
  bool all_read_ = false;      // every kind read and loaded; Finish next
  std::unique_ptr<BulkLoader> loader_;
  std::vector<EntityRow> images_;  // read ahead, in key order; images_next_ on not yet given
  size_t images_next_ = 0;
  std::string image_key_;  // the last image key read
  // Ids the loader received, by kind (the parents' kinds).
  std::array<std::unordered_set<uint64_t>, kNumEntityKinds> loaded_;
  std::vector<std::pair<EntityKind, std::string>> recorded_;  // to copy
  size_t recorded_next_ = 0;

  // Foreground latencies of the last p99_window requests (ring).
  mutable std::mutex recent_mu_;
  std::vector<double> recent_us_;
  size_t recent_next_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_BACKFILLER_H_
