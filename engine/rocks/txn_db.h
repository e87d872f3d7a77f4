// TxnDb: the RocksDB database of a store, opened as a
// rocksdb::OptimisticTransactionDB or a rocksdb::TransactionDB
// (StoreOptions::RocksTxn). Both are a rocksdb::DB (reads, snapshots, flush,
// options) and begin rocksdb::Transactions; only opening, beginning a
// transaction and a write outside any transaction differ, and live here.
//
// Thread safety: as rocksdb::DB (safe for concurrent use). Close() and the
// destructor REQUIRE that no other thread uses the database.
#ifndef LISTBENCH_ENGINE_ROCKS_TXN_DB_H_
#define LISTBENCH_ENGINE_ROCKS_TXN_DB_H_

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/transaction.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <string>

#include "core/store_options.h"

namespace listbench::rocks {

class TxnDb {
 public:
  using Mode = StoreOptions::RocksTxn;

  // Opens (or creates, as `options` say) the database in `dir` as `mode`
  // says; `lock_timeout_ms` bounds a pessimistic key lock wait (ignored when
  // optimistic). Sets *out on success.
  static rocksdb::Status Open(const rocksdb::Options& options, const std::string& dir, Mode mode,
                              int lock_timeout_ms, std::unique_ptr<TxnDb>* out);
  ~TxnDb();
  TxnDb(const TxnDb&) = delete;
  TxnDb& operator=(const TxnDb&) = delete;

  Mode mode() const { return mode_; }
  // The database (the transaction DB itself, a rocksdb::StackableDB).
  rocksdb::DB* db() const { return db_.get(); }

  // A new transaction whose commit writes with `write_options`. Pessimistic
  // ones detect deadlocks (they then fail with Busy, as a lock timeout does).
  std::unique_ptr<rocksdb::Transaction> Begin(const rocksdb::WriteOptions& write_options);

  // Writes `batch` outside any transaction: for a quiet store (bulk load,
  // format marker), so without key locks; an optimistic transaction that
  // read one of its keys still sees it as a conflict.
  rocksdb::Status WriteQuiet(const rocksdb::WriteOptions& write_options,
                             rocksdb::WriteBatch* batch);

  // Closes the database (DB::Close; the object must then only be destroyed).
  rocksdb::Status Close();

 private:
  TxnDb(Mode mode, rocksdb::DB* db, int lock_timeout_ms);

  Mode mode_;
  std::unique_ptr<rocksdb::DB> db_;
  int lock_timeout_ms_;
};

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_TXN_DB_H_
