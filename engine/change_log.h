// Log shipping for the embedded engines: a primary's committed write
// transactions as an ordered log of the engine's own change records, and a
// replica that applies them to its copy of the store.
//
//   RocksDB  each record is one write batch as it stands in the WAL, read by
//            tailing the WAL (rocksdb::DB::GetUpdatesSince); its sequence is
//            the batch's last RocksDB sequence number.
//   SQLite   each record is the changeset of one write transaction, captured
//            by the session extension (sqlite3session_*) on the connection
//            that ran it; sequences count the transactions committed since
//            the store was opened, 1, 2, 3, ...
//
// A replica starts as a copy of the primary's store taken while the primary
// was closed (CloneStore), and asks for the records after the primary's
// sequence at open (LastSequence() before any write). Records are opaque
// bytes outside the engine.
//
// Thread safety: a LoggedStore's store() is safe for many clients as any
// Store; its log() may be read from any thread. A LogApplier is used by one
// thread.
#ifndef LISTBENCH_ENGINE_CHANGE_LOG_H_
#define LISTBENCH_ENGINE_CHANGE_LOG_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"
#include "engine/store_dir.h"

namespace listbench {

// One entry of the log: one committed write transaction (SQLite), or one
// WAL batch (RocksDB), which holds every transaction of a group commit --
// concurrent commits that RocksDB wrote and synced together. Either way a
// record applies whole, and a replica that applied a prefix of the log
// holds a state the primary held.
struct ChangeRecord {
  uint64_t sequence = 0;  // increasing along the log; never 0
  std::string bytes;      // the engine's change record
};

// The log of a primary: the write transactions committed since it was
// opened, in commit order.
class ChangeLog {
 public:
  virtual ~ChangeLog() = default;
  // The sequence of the last committed record; before any write, the
  // sequence a replica cloned from the closed store starts after.
  // A write acknowledged by the store is at or below the LastSequence()
  // read after it returned.
  virtual uint64_t LastSequence() const = 0;
  // The records with sequence > `after`, in order, at most `max_records`;
  // waits up to `wait` while there are none (then returns none). IOError
  // when the records after `after` are no longer available.
  virtual StatusOr<std::vector<ChangeRecord>> ReadSince(uint64_t after, size_t max_records,
                                                        std::chrono::milliseconds wait) = 0;
};

// A store opened as a primary whose commits are logged. The log refers to
// the store: it is destroyed first.
class LoggedStore {
 public:
  virtual ~LoggedStore() = default;
  virtual Store& store() = 0;
  virtual ChangeLog& log() = 0;
};

// Opens the store in `dir` (as OpenStore) with its commits logged.
// NotSupported for PostgreSQL (it replicates itself:
// engine/postgres/pg_replication.h).
StatusOr<std::unique_ptr<LoggedStore>> OpenLoggedStore(Engine engine, const std::string& dir,
                                                       const StoreOptions& options);

// A replica's side: applies a primary's records to its copy of the store,
// each durably (synced before Apply returns) and in one transaction.
class LogApplier {
 public:
  virtual ~LogApplier() = default;
  // Applies `r`. InvalidArgument when r.sequence is not above the last
  // applied one; Corruption when the record does not apply to this copy
  // (a conflict: the copy is not the primary's).
  virtual Status Apply(const ChangeRecord& r) = 0;
  // The sequence of the last record applied (`start_after` before any).
  virtual uint64_t AppliedSequence() const = 0;
};

// Opens the replica store in `dir` for applying a primary's records after
// sequence `start_after`. The applier must be destroyed before the store is
// opened otherwise (its promotion).
StatusOr<std::unique_ptr<LogApplier>> OpenLogApplier(Engine engine, const std::string& dir,
                                                     const StoreOptions& options,
                                                     uint64_t start_after);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_CHANGE_LOG_H_
