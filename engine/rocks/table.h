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
// Requests (RequestScope) and concurrency. Each Store request runs inside a
// RequestScope on its own thread; any number of threads may run requests at
// once. The scope's state (capacity-unit counting, remembered sizes, the
// snapshot, the transaction) belongs to that request alone: the table finds
// it through a thread-local pointer, so the helpers that read through a
// Table& need no extra argument. By kind (RequestKind):
//   kRead      a read that issues ONE Get or ONE Scan/iterator: RocksDB reads
//              each from one implicit snapshot, so it needs no other (R1-R5
//              are one seek each).
//   kSnapshot  a read that issues several lookups (GetEntity, ScanEntities):
//              all of them read one explicit snapshot (ReadOptions.snapshot)
//              taken when the scope begins.
//   kWrite     a rocksdb::Transaction (TxnDb: pessimistic).
//              Every Get is GetForUpdate, so every item a write's checks
//              read stays locked until commit; Write(batch) puts the
//              batch into the transaction and commits it with the
//              table's write options (sync as
//              configured). A commit or lock that lost a race (Busy,
//              TryAgain, TimedOut, a deadlock) makes Write/Get return
//              IOError and marks the scope lost_race(): the caller runs the
//              whole request again from its start, in a new scope. A
//              request's waits for key locks are added to
//              ThreadTally().lock_wait_ns. Scans in a write request read
//              the latest state (none of the writes scan to check).
// Outside any scope (bulk load, invariant check, the schema change's
// reads), calls are for a quiet store: reads at the latest state, writes
// outside any transaction, no units.
//
// Recovery and db_: a recovery (ResumeAfterWriteError) may close and reopen
// the DB, so it holds db_use_mu_ exclusively; every use of db_ holds it
// shared: a RequestScope for its whole life (so its snapshot, transaction
// and iterators never outlive the DB they belong to), a call outside any
// scope for that call (a Cursor for its life). A thread never asks for the
// exclusive lock while it holds the shared one: a write request recovers
// at its start, before its scope takes the shared lock, and defers the
// failure of that recovery to its Write (so its InvalidArgument, NotFound
// and Conflict come first, as on one thread); a read request reopens a
// closed DB (db_ null after a failed reopen) the same way before it reads.
// When another request's write fails while a request runs, its Write only
// resumes (DB::Resume, safe under the shared lock); if a reopen is needed it
// returns IOError, and the next request to begin reopens. With one thread
// this is the same sequence of recoveries as a recovery at each write.
//
// Thread safety: safe for concurrent use, as above. REQUIRES: a thread has
// at most one RequestScope of a table open at a time; NewBulkLoader's
// loader and the invariant check run on a quiet table.
#ifndef LISTBENCH_ENGINE_ROCKS_TABLE_H_
#define LISTBENCH_ENGINE_ROCKS_TABLE_H_

#include <rocksdb/db.h>
#include <rocksdb/utilities/transaction.h>
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
#include "engine/rocks/txn_db.h"

namespace listbench::rocks {

// Converts a RocksDB status. rocksdb NotFound (never expected: a missing key is
// reported by Get's `found`) becomes Corruption; Busy/TimedOut/Aborted and
// other transient failures become IOError.
Status FromRocks(const rocksdb::Status& s);

// What a RequestScope serves (see the top comment).
enum class RequestKind { kRead, kSnapshot, kWrite };

class Table {
  struct Request;  // one request in progress (below)

 public:
  // Opens the DB again in place (same directory, options, file system and
  // transaction mode), for recovery; sets *db on success.
  using Reopener = std::function<rocksdb::Status(std::unique_ptr<TxnDb>* db)>;

  // `db` must not be null. Without `reopen`, recovery is DB::Resume() only.
  Table(std::unique_ptr<TxnDb> db, const rocksdb::WriteOptions& write_options,
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
  // destroyed. REQUIRES: used on the thread that made it; destroyed before
  // its request's scope ends, and (outside a scope, where it holds the DB
  // shared) before any write through the table on its thread.
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
    Request* request_ = nullptr;               // the request it counts for, if any
    std::shared_lock<std::shared_mutex> use_;  // outside a request: db_ stays
    std::string upper_;
    rocksdb::Slice upper_slice_;
    std::unique_ptr<rocksdb::Iterator> it_;
    uint64_t bytes_ = 0;  // visited, for read units
  };
  StatusOr<std::unique_ptr<Cursor>> NewCursor(std::string_view lower, std::string_view upper);

  // Applies `batch` atomically with the table's write options. In a write
  // request: commits the request's transaction with it (see the top
  // comment; IOError and lost_race() when it lost a race), after the
  // request's deferred recovery failure, if any, which it returns without
  // writing. Outside a request: after ResumeAfterWriteError(), whose failure
  // it returns without writing.
  Status Write(rocksdb::WriteBatch* batch);

  // In a write request: puts `batch` into the request's transaction without
  // committing it (its keys locked or tracked as Write's are), so that the
  // request's later reads see it and its Write -- of an empty batch, or of
  // the last one -- commits everything staged as one atomic write. Counts
  // the batch's rows and write units; the query is counted by the Write.
  // Errors as Write's; InvalidArgument outside a write request.
  Status Stage(rocksdb::WriteBatch* batch);

  // If no write failed with an I/O error since the last recovery: OK,
  // nothing done. Otherwise recovers: DB::Resume(); if RocksDB refuses for
  // good (a fatal error) or would keep the failed WAL, closes and reopens
  // the DB. OK once the store takes writes again; otherwise IOError
  // "rocksdb: store stopped after an I/O error (<the write's error>);
  // resume failed: <status>" (the DB stays open for reads) or "...; <why
  // Resume was not enough>; reopen failed: <status>" (the DB is closed:
  // reads fail too), and the next call tries again.
  Status ResumeAfterWriteError();

  // Deletes every item but `keep` (range deletions from the first key to
  // just past the last, around `keep`), for a quiet table: outside any
  // request, recovering first as Write does. Counts one query and no rows.
  Status DeleteAllBut(std::string_view keep);

  // Puts key -> value with the table's write options, from any thread (the
  // lazy listing schema change's): recovers by DB::Resume() only (never
  // reopens under the requests' feet), counts no work.
  Status PutFromAnyThread(std::string_view key, std::string_view value);

  // Calls fn(db) with the DB held open as a read outside a request holds it
  // (reopening a closed one first): a recovery neither closes nor reopens it
  // during the call. For log shipping (rocks_change_log.h), which tails the
  // WAL and applies batches without a request; counts no work. Returns fn's
  // result, or the IOError of a DB that stays closed. REQUIRES: the calling
  // thread has no RequestScope of this table open, and fn starts none.
  Status WithDb(const std::function<Status(TxnDb& db)>& fn);

  WorkStats work() const { return work_.Snapshot(); }
  // Null only after a failed reopen (see ResumeAfterWriteError). For a
  // quiet store (opening, bulk loading): no lock is held.
  rocksdb::DB* db() { return db_ == nullptr ? nullptr : db_->db(); }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

 private:
  friend class RequestScope;

  // One request in progress (RequestScope owns it, on its thread's stack).
  struct Request {
    Table* table = nullptr;
    Request* outer = nullptr;  // the thread's enclosing request (another table)
    RequestKind kind = RequestKind::kRead;
    std::shared_lock<std::shared_mutex> use;  // db_use_mu_, for the whole request
    // Non-OK: the recovery at its start failed; reads return it when the DB
    // is closed, a write returns it.
    Status failure;
    const rocksdb::Snapshot* snapshot = nullptr;  // kSnapshot
    std::unique_ptr<rocksdb::Transaction> txn;    // kWrite
    bool lost_race = false;
    // Item sizes (key + value bytes; 0 = absent) read or written in this
    // request, by key (write requests only).
    std::unordered_map<std::string, uint64_t> sizes;
  };

  // Starts `r` on the calling thread: recovery as the top comment says,
  // the shared lock, the snapshot or transaction; capacity units on.
  void BeginRequest(Request* r);
  // Ends it: the transaction (if not committed) rolled back, the snapshot
  // released, the lock released, counting off.
  void EndRequest(Request* r);
  // The calling thread's request on this table, or null.
  Request* Current();
  // The calling thread's innermost request, of any table (Current walks
  // outwards from it).
  static thread_local Request* current_;
  // Holds db_use_mu_ shared in *use with db_ open, reopening a closed DB
  // first (before taking the lock); IOError if it stays closed.
  Status Use(std::shared_lock<std::shared_mutex>* use);
  // In request `r` (or outside any when null): the read options and the
  // closed-DB check every read starts with.
  Status StartRead(Request* r, std::shared_lock<std::shared_mutex>* use, rocksdb::ReadOptions* ro);
  Status TxnGet(Request* r, std::string_view key, std::string* value);
  Status TxnWrite(Request* r, rocksdb::WriteBatch* batch);
  Status StageIn(Request* r, rocksdb::WriteBatch* batch);  // Stage's body
  // Marks `r` lost if `s` says it lost a race and converts `s`.
  Status RaceOutcome(Request* r, const rocksdb::Status& s);
  // Remembers `bytes` as the size of `key` for request `r`.
  static void Remember(Request* r, std::string_view key, uint64_t bytes);

  // Records a write's outcome for recovery and converts it (FromRocks).
  Status WriteDone(const rocksdb::Status& s);
  // REQUIRES: db_use_mu_ held, exclusively if `may_reopen`.
  Status Recover(bool may_reopen);
  // The current WAL's PathName() ("/000012.log"), "" if unknown.
  std::string CurrentWal();

  std::unique_ptr<TxnDb> db_;  // replaced only under db_use_mu_ held exclusively
  rocksdb::WriteOptions write_options_;
  Reopener reopen_;
  // Held shared by every use of db_ (see the top comment), exclusively by a
  // recovery (which may replace db_).
  std::shared_mutex db_use_mu_;
  // A write failed with an I/O error and no recovery succeeded since.
  std::atomic<bool> write_failed_{false};
  std::mutex resume_mu_;     // after db_use_mu_; guards the two below
  std::string write_error_;  // the first such write's rocksdb status
  std::string failed_wal_;   // the WAL that was current when it failed
  WorkCounters work_;
};

// One Store request on the calling thread (see Table's top comment).
class RequestScope {
 public:
  RequestScope(Table& table, RequestKind kind) : table_(table) {
    request_.kind = kind;
    table_.BeginRequest(&request_);
  }
  ~RequestScope() { table_.EndRequest(&request_); }
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

  // The write lost a race to a concurrent one (its result is an IOError
  // and nothing was written): run the request again in a new scope.
  bool lost_race() const { return request_.lost_race; }

 private:
  Table& table_;
  Table::Request request_;
};

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_TABLE_H_
