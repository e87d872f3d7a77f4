// Table: the one ordered key space of the single-table design, i.e. a
// rocksdb::DB plus the work counters (core/io_stats.h WorkStats) that every
// access through it moves. The store, its bulk loader and its invariant check
// all read and write through a Table, so counted work is uniform:
//   queries      += 1 per point Get, iterator seek (Scan) and write batch;
//   rows_read    += 1 per item a Get found and per item a Scan visited;
//   rows_written += 1 per put or delete in a written batch.
// Between BeginRequest and EndRequest (one Store request) it also counts
// DynamoDB-style capacity units from the real item sizes (capacity_units.h;
// item size = key bytes + value bytes):
//   read_units   += ReadUnitsForGet(size) per Get (found or not, at least 1),
//                   ReadUnitsForQuery(sum of visited sizes) per Scan;
//   write_units  += WriteUnitsForItem(before, after) per put or delete in a
//                   written batch, index items, markers and copies included.
// Outside a request (bulk load, invariant check) no units are counted.
//
// Before images: Table never reads to learn them (that would distort the
// measured I/O and latency). It remembers the size of every item a Get or
// Scan read during the current request (a Get that found nothing remembers
// 0). A put's before image is the remembered size of its key, or 0 if the
// key was not read in this request (a new item, or a blind overwrite of a
// copy whose old and new images differ by a few bytes, so the rounded units
// agree); a delete's before image is the remembered size, else 0 (still one
// unit). Within a request, written items update the remembered sizes (a put
// to its after image, a delete to 0), in batch order.
//
// FromRocks is the one place a rocksdb::Status becomes a listbench Status.
//
// Stopped stores: RocksDB answers a failed WAL write or sync, flush or
// MANIFEST write with a "background error", after which it refuses every
// write (reads go on). Once a write through the table failed with an I/O
// error (rocksdb IOError, NoSpace included), the next write first recovers
// (ResumeAfterWriteError), so that the store serves again, without the
// caller reopening it, once the fault has cleared: DB::Resume() where
// RocksDB allows it (a "hard" error: no space), else the table closes and
// reopens its DB in place -- a fatal error (in 7.8 any plain, non-retryable
// IOError on a WAL, table or MANIFEST write) is cleared only by a reopen, and
// so is a failed WAL append or sync while the memtable was empty (Resume
// then keeps the failed WAL, which librocksdb 7.8 asserts it never writes to
// again). Reads need no recovery, except after a reopen that failed (the
// fault still there), which leaves the DB closed until one succeeds.
//
// Thread safety: not safe for concurrent use (as Store), except that
// PutFromAnyThread may run on another thread while requests run on one.
#ifndef LISTBENCH_ENGINE_ROCKS_TABLE_H_
#define LISTBENCH_ENGINE_ROCKS_TABLE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/io_stats.h"
#include "core/status.h"

namespace listbench::rocks {

// Converts a RocksDB status. rocksdb NotFound (never expected: a missing key is
// reported by Get's `found`) becomes Corruption; Busy/TimedOut/Aborted and
// other transient failures become IOError.
Status FromRocks(const rocksdb::Status& s);

class Table {
 public:
  // Opens the DB again in place (same directory, options and file system),
  // for recovery; sets *db on success.
  using Reopener = std::function<rocksdb::Status(std::unique_ptr<rocksdb::DB>* db)>;

  // `db` must not be null. Without `reopen`, recovery is DB::Resume() only.
  Table(std::unique_ptr<rocksdb::DB> db, const rocksdb::WriteOptions& write_options,
        Reopener reopen = nullptr);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // Point read of `key`. On OK, *found says whether the item exists and, if
  // so, *value holds it.
  Status Get(std::string_view key, std::string* value, bool* found);

  // Visits the items in [lower, upper) in key order (upper "" = unbounded),
  // calling fn(key, value) until it returns false. One seek.
  Status Scan(std::string_view lower, std::string_view upper,
              const std::function<bool(std::string_view, std::string_view)>& fn);

  // A forward iterator over the items in [lower, upper) (upper "" =
  // unbounded), for scans that interleave several ranges (a merge). Counted
  // as a Scan: one query for its seek, one row per item it lands on, and
  // (inside a request) the read units of the visited bytes when it is
  // destroyed. REQUIRES: destroyed before the table, and before any write
  // through it (a write's recovery may reopen the DB).
  class Cursor {
   public:
    ~Cursor();
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    // True while positioned on an item; false at the end or on an error.
    bool Valid() const { return it_->Valid(); }
    // REQUIRES: Valid(). Valid until the next Next().
    std::string_view key() const { return {it_->key().data(), it_->key().size()}; }
    std::string_view value() const { return {it_->value().data(), it_->value().size()}; }
    // REQUIRES: Valid().
    void Next();
    // Non-OK if the iteration failed (Valid() is then false).
    Status status() const;

   private:
    friend class Table;
    Cursor(Table* table, std::string upper);
    void Landed();  // counts the item the iterator is on, if any

    Table* table_;
    std::string upper_;
    rocksdb::Slice upper_slice_;
    std::unique_ptr<rocksdb::Iterator> it_;
    uint64_t bytes_ = 0;  // visited, for read units
  };
  StatusOr<std::unique_ptr<Cursor>> NewCursor(std::string_view lower, std::string_view upper);

  // Applies `batch` atomically with the table's write options, after
  // ResumeAfterWriteError(), whose failure it returns without writing.
  Status Write(rocksdb::WriteBatch* batch);

  // If no write failed with an I/O error since the last recovery: OK,
  // nothing done. Otherwise recovers: DB::Resume(); if RocksDB refuses for
  // good (a fatal error) or would keep the failed WAL, closes and reopens
  // the DB. OK once the store takes writes again; otherwise IOError
  // "rocksdb: store stopped after an I/O error (<the write's error>);
  // resume failed: <status>" (the DB stays open for reads) or "...; <why
  // Resume was not enough>; reopen failed: <status>" (the DB is closed:
  // reads fail too), and the next call tries again.
  Status ResumeAfterWriteError();

  // Puts key -> value with the table's write options, from any thread (the
  // lazy listing schema change's): recovers by DB::Resume() only (never
  // reopens under the requests' feet), counts no work.
  Status PutFromAnyThread(std::string_view key, std::string_view value);

  // Starts one Store request: forgets the item sizes remembered for the
  // previous one and turns capacity-unit counting on. Item sizes are only
  // remembered when the request `writes` (reads never need before images,
  // and a read request pays nothing for the bookkeeping).
  void BeginRequest(bool writes);
  // Ends the request: counting off, remembered sizes forgotten.
  void EndRequest();

  WorkStats work() const { return work_.Snapshot(); }
  // Null only after a failed reopen (see ResumeAfterWriteError).
  rocksdb::DB* db() { return db_.get(); }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

 private:
  // Remembers `bytes` as the size of `key` for this request.
  void Remember(std::string_view key, uint64_t bytes);

  // Records a write's outcome for recovery and converts it (FromRocks).
  Status WriteDone(const rocksdb::Status& s);
  // REQUIRES: db_use_mu_ held, exclusively if `may_reopen`.
  Status Recover(bool may_reopen);
  // The current WAL's PathName() ("/000012.log"), "" if unknown.
  std::string CurrentWal();

  std::unique_ptr<rocksdb::DB> db_;  // replaced only under db_use_mu_ held exclusively
  rocksdb::WriteOptions write_options_;
  Reopener reopen_;
  // Held shared by PutFromAnyThread around its use of db_, exclusively by a
  // recovery (which may replace db_). Requests take neither on their hot
  // path: they run on the one thread that may replace db_.
  std::shared_mutex db_use_mu_;
  // A write failed with an I/O error and no recovery succeeded since.
  std::atomic<bool> write_failed_{false};
  std::mutex resume_mu_;     // after db_use_mu_; guards the two below
  std::string write_error_;  // the first such write's rocksdb status
  std::string failed_wal_;   // the WAL that was current when it failed
  WorkCounters work_;
  bool count_units_ = false;     // inside a request
  bool remember_sizes_ = false;  // inside a request that writes
  // Item sizes (key + value bytes; 0 = absent) read or written in the
  // current request, by key.
  std::unordered_map<std::string, uint64_t> sizes_;
};

// RAII for Table::BeginRequest/EndRequest.
class RequestScope {
 public:
  RequestScope(Table& table, bool writes) : table_(table) { table_.BeginRequest(writes); }
  ~RequestScope() { table_.EndRequest(); }
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  Table& table_;
};

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_TABLE_H_
