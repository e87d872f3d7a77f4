// The migration's backfill: copies the legacy store into the new one kind by
// kind in dependency order, a chunk of options.chunk_rows entities at a time
// in entity-key order. One Step reads a chunk, a later Step writes it as one
// write to the new store (Store::PutEntities; entity by entity, with
// parents, if that fails) -- requests run in between, as against a real
// backfill job; the caller then
// makes the checkpoint -- the last key copied -- durable. Rate-limited to
// options.backfill_rows_per_s (a token bucket holding at most two chunks)
// and paused while the foreground p99 over the last options.p99_window
// requests is above options.backoff_p99_us.
//
// Thread safety: Step, Restore and the checkpoint accessors run on one
// thread at a time (the migration's own: MigratingStore::Step);
// RecordForeground may be called from any number of request threads at once
// (internal mutex), and kind() from any thread (atomic).
#ifndef LISTBENCH_MIGRATION_BACKFILLER_H_
#define LISTBENCH_MIGRATION_BACKFILLER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
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

  // REQUIRES: legacy, target, options and counters outlive the Backfiller.
  Backfiller(Store* legacy, Store* target, const MigrationOptions* options,
             MigrationCounterSet* counters, EnqueueFn enqueue);

  // Resumes at a checkpoint (from the state file).
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
  const std::string& last_key() const { return last_key_; }           // the checkpoint

 private:
  bool BackOff() const;  // the foreground p99 is too high
  bool RateWait();       // the rate limit holds this Step back
  void ReadChunk();
  void WriteChunk();
  void WriteChunkOneByOne();  // WriteChunk's fallback
  double RecentP99() const;

  Store* const legacy_;
  Store* const target_;
  const MigrationOptions& opt_;
  MigrationCounterSet& counters_;
  const EnqueueFn enqueue_;

  std::atomic<int> kind_{0};
  std::string last_key_;
  std::vector<EntityRow> chunk_;  // read, not yet written
  bool chunk_ready_ = false;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refill_;

  // Foreground latencies of the last p99_window requests (ring).
  mutable std::mutex recent_mu_;
  std::vector<double> recent_us_;
  size_t recent_next_ = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_BACKFILLER_H_
