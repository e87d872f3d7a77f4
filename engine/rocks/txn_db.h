// TxnDb: the RocksDB database of a store, opened as a rocksdb::TransactionDB
// (pessimistic transactions: a write's reads and writes lock their keys
// until commit; engine/rocks/README.md "Concurrency" says why). It is a
// rocksdb::DB (reads, snapshots, flush, options); opening, beginning a
// transaction and a write outside any transaction live here.
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

namespace listbench::rocks {

class TxnDb {
 public:
  // Opens (or creates, as `options` say) the database in `dir`;
  // `lock_timeout_ms` bounds a key lock wait. Sets *out on success.
  static rocksdb::Status Open(const rocksdb::Options& options, const std::string& dir,
                              int lock_timeout_ms, std::unique_ptr<TxnDb>* out);
  ~TxnDb();
  TxnDb(const TxnDb&) = delete;
  TxnDb& operator=(const TxnDb&) = delete;

  // The database (the transaction DB itself, a rocksdb::StackableDB).
  rocksdb::DB* db() const { return db_.get(); }

  // A new transaction whose commit writes with `write_options`. It detects
  // deadlocks (it then fails with Busy, as a lock timeout does).
  std::unique_ptr<rocksdb::Transaction> Begin(const rocksdb::WriteOptions& write_options);

  // Writes `batch` outside any transaction: for a quiet store (bulk load,
  // format marker), so without key locks.
  rocksdb::Status WriteQuiet(const rocksdb::WriteOptions& write_options,
                             rocksdb::WriteBatch* batch);

  // Closes the database (DB::Close; the object must then only be destroyed).
  rocksdb::Status Close();

 private:
  TxnDb(rocksdb::DB* db, int lock_timeout_ms);

  std::unique_ptr<rocksdb::DB> db_;
  int lock_timeout_ms_;
};

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_TXN_DB_H_
