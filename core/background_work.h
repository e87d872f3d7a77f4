// BackgroundWork: what an engine did on its own threads, which no request
// waited for -- RocksDB's memtable flushes and compactions, SQLite's WAL
// checkpoints (engine/sqlite/checkpointer.h). A request's latency leaves it
// out; a run reports it beside its latency (bench/harness/runner.h
// RunResult::background), so that work an engine defers is not mistaken for
// work it never does.
//
// Each job is counted when it ends (a flush or compaction completed, a
// checkpoint attempted); one still running when a snapshot is taken shows up
// in the next one. Its I/O passes the engine's seam like any other
// (core/io_stats.h): counted in the store-wide totals, on the background
// thread's tally, in no request's.
//
// BackgroundCounters is safe for concurrent use (relaxed atomics): the
// engine's background threads add, anyone reads. Snapshots are plain values.
#ifndef LISTBENCH_CORE_BACKGROUND_WORK_H_
#define LISTBENCH_CORE_BACKGROUND_WORK_H_

#include <atomic>
#include <cstdint>

namespace listbench {

struct BackgroundWork {
  // RocksDB: memtable flushes completed, their time (begin to completion)
  // and the table bytes they wrote.
  uint64_t flushes = 0;
  uint64_t flush_ns = 0;
  uint64_t flush_bytes = 0;
  // RocksDB: compactions completed, their time (RocksDB's elapsed time of
  // the job) and the bytes they wrote.
  uint64_t compactions = 0;
  uint64_t compaction_ns = 0;
  uint64_t compaction_bytes = 0;
  // SQLite: WAL checkpoints attempted by the store's checkpointer (of which
  // `restart_checkpoints` in RESTART mode, which holds writers back and
  // waits for readers, and `failed_checkpoints` ended with an error or
  // busy), their time, and the database pages they wrote.
  uint64_t checkpoints = 0;
  uint64_t restart_checkpoints = 0;
  uint64_t failed_checkpoints = 0;
  uint64_t checkpoint_ns = 0;
  uint64_t checkpoint_pages = 0;

  BackgroundWork operator-(const BackgroundWork& o) const {
    return {flushes - o.flushes,
            flush_ns - o.flush_ns,
            flush_bytes - o.flush_bytes,
            compactions - o.compactions,
            compaction_ns - o.compaction_ns,
            compaction_bytes - o.compaction_bytes,
            checkpoints - o.checkpoints,
            restart_checkpoints - o.restart_checkpoints,
            failed_checkpoints - o.failed_checkpoints,
            checkpoint_ns - o.checkpoint_ns,
            checkpoint_pages - o.checkpoint_pages};
  }
  BackgroundWork operator+(const BackgroundWork& o) const {
    return {flushes + o.flushes,
            flush_ns + o.flush_ns,
            flush_bytes + o.flush_bytes,
            compactions + o.compactions,
            compaction_ns + o.compaction_ns,
            compaction_bytes + o.compaction_bytes,
            checkpoints + o.checkpoints,
            restart_checkpoints + o.restart_checkpoints,
            failed_checkpoints + o.failed_checkpoints,
            checkpoint_ns + o.checkpoint_ns,
            checkpoint_pages + o.checkpoint_pages};
  }
};

// Live counters behind a BackgroundWork snapshot.
class BackgroundCounters {
 public:
  void AddFlush(uint64_t ns, uint64_t bytes) {
    Add(flushes_, 1);
    Add(flush_ns_, ns);
    Add(flush_bytes_, bytes);
  }
  void AddCompaction(uint64_t ns, uint64_t bytes) {
    Add(compactions_, 1);
    Add(compaction_ns_, ns);
    Add(compaction_bytes_, bytes);
  }
  // One checkpoint attempt: `restart` when in RESTART mode, `ok` when it
  // ended without an error or SQLITE_BUSY, `pages` database pages written.
  void AddCheckpoint(uint64_t ns, uint64_t pages, bool restart, bool ok) {
    Add(checkpoints_, 1);
    Add(restart_checkpoints_, restart ? 1 : 0);
    Add(failed_checkpoints_, ok ? 0 : 1);
    Add(checkpoint_ns_, ns);
    Add(checkpoint_pages_, pages);
  }
  BackgroundWork Snapshot() const {
    return {Get(flushes_),
            Get(flush_ns_),
            Get(flush_bytes_),
            Get(compactions_),
            Get(compaction_ns_),
            Get(compaction_bytes_),
            Get(checkpoints_),
            Get(restart_checkpoints_),
            Get(failed_checkpoints_),
            Get(checkpoint_ns_),
            Get(checkpoint_pages_)};
  }

 private:
  static void Add(std::atomic<uint64_t>& c, uint64_t n) {
    c.fetch_add(n, std::memory_order_relaxed);
  }
  static uint64_t Get(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }
  std::atomic<uint64_t> flushes_{0}, flush_ns_{0}, flush_bytes_{0}, compactions_{0},
      compaction_ns_{0}, compaction_bytes_{0}, checkpoints_{0}, restart_checkpoints_{0},
      failed_checkpoints_{0}, checkpoint_ns_{0}, checkpoint_pages_{0};
};

}  // namespace listbench

#endif  // LISTBENCH_CORE_BACKGROUND_WORK_H_
