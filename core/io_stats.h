// Counters kept at each engine's storage seam (IoStats: the RocksDB
// FileSystemWrapper, the SQLite VFS shim) and by the engines themselves
// (WorkStats). Counted work is deterministic for a given seed and operation
// stream on a given build, which is what tests and regression checks pin.
//
// Per-thread attribution: with many clients on one store, a store-wide
// counter mixes every client's requests. So every count an engine makes
// (IoCounters, WorkCounters) is also added to the calling thread's tally
// (ThreadTally()), and a harness measures one request's work as the change
// of its own thread's tally around it: exact with any number of threads,
// and unchanged from the store-wide delta when one thread does everything.
// Work an engine does on its own background threads (RocksDB's flushes and
// compactions, SQLite's WAL checkpoints) lands in those threads' tallies,
// i.e. in the store-wide totals but in no request; the engine reports it
// apart (core/background_work.h).
//
// IoCounters and WorkCounters are safe for concurrent use (relaxed
// atomics); snapshots are plain values.
#ifndef LISTBENCH_CORE_IO_STATS_H_
#define LISTBENCH_CORE_IO_STATS_H_

#include <atomic>
#include <cstdint>

namespace listbench {

struct IoStats {
  uint64_t reads = 0;  // read calls that reached the seam
  uint64_t read_bytes = 0;
  uint64_t writes = 0;  // write/append calls
  uint64_t write_bytes = 0;
  uint64_t syncs = 0;  // fsync/fdatasync-equivalents, files and directories
  uint64_t opens = 0;  // files opened or created
  uint64_t deletes = 0;
  uint64_t renames = 0;

  IoStats operator+(const IoStats& o) const {
    return {reads + o.reads,     read_bytes + o.read_bytes,
            writes + o.writes,   write_bytes + o.write_bytes,
            syncs + o.syncs,     opens + o.opens,
            deletes + o.deletes, renames + o.renames};
  }
  IoStats operator-(const IoStats& o) const {
    return {reads - o.reads,     read_bytes - o.read_bytes,
            writes - o.writes,   write_bytes - o.write_bytes,
            syncs - o.syncs,     opens - o.opens,
            deletes - o.deletes, renames - o.renames};
  }
};

// What the calling thread has counted so far, over every store it used
// (defined below). Thread-local; only the owning thread reads or writes it.
struct Tally;
inline Tally& ThreadTally();

// Live counters behind an IoStats snapshot.
class IoCounters {
 public:
  void AddRead(uint64_t bytes);
  void AddWrite(uint64_t bytes);
  void AddSync();
  void AddOpen();
  void AddDelete();
  void AddRename();
  IoStats Snapshot() const {
    return {Get(reads_), Get(read_bytes_), Get(writes_),  Get(write_bytes_),
            Get(syncs_), Get(opens_),      Get(deletes_), Get(renames_)};
  }

 private:
  static void Add(std::atomic<uint64_t>& c, uint64_t n) {
    c.fetch_add(n, std::memory_order_relaxed);
  }
  static uint64_t Get(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }
  std::atomic<uint64_t> reads_{0}, read_bytes_{0}, writes_{0}, write_bytes_{0}, syncs_{0},
      opens_{0}, deletes_{0}, renames_{0};
};

// Work an engine does to answer requests.
struct WorkStats {
  // Requests sent to the database, i.e. round trips to a database server.
  // SQLite: SQL statements executed, each counted once when first stepped
  // (whether it returns rows, none, or fails), BEGIN, COMMIT and ROLLBACK
  // included when they run. RocksDB: point gets, iterator seeks and write
  // batches (a transaction's commit), each counted once when issued.
  // A request that validation (core/validate.h) rejects counts none.
  uint64_t queries = 0;
  // SQLite: result rows stepped. RocksDB: items (keys) returned by gets and
  // visited by iterators, including ones a filter then discarded.
  uint64_t rows_read = 0;
  // SQLite: rows inserted/updated/deleted. RocksDB: puts and deletes.
  uint64_t rows_written = 0;
  // Single-table design only (0 for SQLite): DynamoDB-style capacity units
  // from the real item sizes, by AWS's rounding rules (engine/rocks/README.md):
  // read units of 4 KB (a point get rounds its item up, a query sums the items
  // it read and then rounds up; at least 1 each), write units of 1 KB (each
  // item written rounds up the larger of its before and after image; index
  // items are items too). Consistency and transaction multipliers are left to
  // the cost model.
  uint64_t read_units = 0;
  uint64_t write_units = 0;

  WorkStats operator-(const WorkStats& o) const {
    return {queries - o.queries, rows_read - o.rows_read, rows_written - o.rows_written,
            read_units - o.read_units, write_units - o.write_units};
  }
  WorkStats operator+(const WorkStats& o) const {
    return {queries + o.queries, rows_read + o.rows_read, rows_written + o.rows_written,
            read_units + o.read_units, write_units + o.write_units};
  }
};

struct Tally {
  WorkStats work;
  IoStats io;
  // Nanoseconds this thread's requests spent waiting for a lock another
  // request held (SQLite: for the database's write lock, from BEGIN
  // IMMEDIATE until it was granted), apart from executing.
  uint64_t lock_wait_ns = 0;
  // Times a request was run again whole after losing a write conflict to a
  // concurrent one (RocksDB's optimistic transactions); the retried attempt
  // counts its work again.
  uint64_t retries = 0;
};

// Live counters behind a WorkStats snapshot; each Add also goes to the
// calling thread's tally.
class WorkCounters {
 public:
  void AddQueries(uint64_t n) { Add(queries_, n, &WorkStats::queries); }
  void AddRowsRead(uint64_t n) { Add(rows_read_, n, &WorkStats::rows_read); }
  void AddRowsWritten(uint64_t n) { Add(rows_written_, n, &WorkStats::rows_written); }
  void AddReadUnits(uint64_t n) { Add(read_units_, n, &WorkStats::read_units); }
  void AddWriteUnits(uint64_t n) { Add(write_units_, n, &WorkStats::write_units); }
  WorkStats Snapshot() const {
    return {Get(queries_), Get(rows_read_), Get(rows_written_), Get(read_units_),
            Get(write_units_)};
  }

 private:
  static void Add(std::atomic<uint64_t>& c, uint64_t n, uint64_t WorkStats::*field) {
    c.fetch_add(n, std::memory_order_relaxed);
    ThreadTally().work.*field += n;
  }
  static uint64_t Get(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }
  std::atomic<uint64_t> queries_{0}, rows_read_{0}, rows_written_{0}, read_units_{0},
      write_units_{0};
};

inline Tally& ThreadTally() {
  thread_local Tally tally;
  return tally;
}

inline void IoCounters::AddRead(uint64_t bytes) {
  Add(reads_, 1);
  Add(read_bytes_, bytes);
  ++ThreadTally().io.reads;
  ThreadTally().io.read_bytes += bytes;
}
inline void IoCounters::AddWrite(uint64_t bytes) {
  Add(writes_, 1);
  Add(write_bytes_, bytes);
  ++ThreadTally().io.writes;
  ThreadTally().io.write_bytes += bytes;
}
inline void IoCounters::AddSync() {
  Add(syncs_, 1);
  ++ThreadTally().io.syncs;
}
inline void IoCounters::AddOpen() {
  Add(opens_, 1);
  ++ThreadTally().io.opens;
}
inline void IoCounters::AddDelete() {
  Add(deletes_, 1);
  ++ThreadTally().io.deletes;
}
inline void IoCounters::AddRename() {
  Add(renames_, 1);
  ++ThreadTally().io.renames;
}

}  // namespace listbench

#endif  // LISTBENCH_CORE_IO_STATS_H_
