// Table: the one ordered key space of the single-table design, i.e. a
// rocksdb::DB plus the work counters (engine/io_stats.h WorkStats) that every
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
// Thread safety: not safe for concurrent use (as Store).
#ifndef LISTBENCH_ENGINE_ROCKS_TABLE_H_
#define LISTBENCH_ENGINE_ROCKS_TABLE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

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

  // Starts one Store request: forgets the item sizes remembered for the
  // previous one and turns capacity-unit counting on. Item sizes are only
  // remembered when the request `writes` (reads never need before images,
  // and a read request pays nothing for the bookkeeping).
  void BeginRequest(bool writes);
  // Ends the request: counting off, remembered sizes forgotten.
  void EndRequest();

  WorkStats work() const { return work_; }
  rocksdb::DB* db() { return db_.get(); }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

 private:
  // Remembers `bytes` as the size of `key` for this request.
  void Remember(std::string_view key, uint64_t bytes);

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
  WorkStats work_;
  bool count_units_ = false;  // inside a request
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
