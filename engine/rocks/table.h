// Table: the one ordered key space of the single-table design, i.e. a
// rocksdb::DB plus the work counters (engine/io_stats.h WorkStats) that every
// access through it moves. The store, its bulk loader and its invariant check
// all read and write through a Table, so counted work is uniform:
//   queries      += 1 per point Get, iterator seek (Scan) and write batch;
//   rows_read    += 1 per item a Get found and per item a Scan visited;
//   rows_written += 1 per put or delete in a written batch.
//
// FromRocks is the one place a rocksdb::Status becomes a listbench Status.
//
// Thread safety: not safe for concurrent use (as Store).
#ifndef LISTBENCH_ENGINE_ROCKS_TABLE_H_
#define LISTBENCH_ENGINE_ROCKS_TABLE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/io_stats.h"
#include "engine/status.h"

namespace listbench::rocks {

// Converts a RocksDB status. rocksdb NotFound (never expected: a missing key is
// reported by Get's `found`) becomes Corruption; Busy/TimedOut/Aborted and
// other transient failures become IOError.
Status FromRocks(const rocksdb::Status& s);

class Table {
 public:
  // `db` must not be null.
  Table(std::unique_ptr<rocksdb::DB> db, const rocksdb::WriteOptions& write_options);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // Point read of `key`. On OK, *found says whether the item exists and, if
  // so, *value holds it.
  Status Get(std::string_view key, std::string* value, bool* found);

  // Visits the items in [lower, upper) in key order (upper "" = unbounded),
  // calling fn(key, value) until it returns false. One seek.
  Status Scan(std::string_view lower, std::string_view upper,
              const std::function<bool(std::string_view, std::string_view)>& fn);

  // Applies `batch` atomically with the table's write options.
  Status Write(rocksdb::WriteBatch* batch);

  WorkStats work() const { return work_; }
  rocksdb::DB* db() { return db_.get(); }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
  WorkStats work_;
};

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_TABLE_H_
