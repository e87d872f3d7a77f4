#include "engine/rocks/txn_db.h"

#include <rocksdb/utilities/transaction_db.h>

namespace listbench::rocks {

TxnDb::TxnDb(rocksdb::DB* db, int lock_timeout_ms) : db_(db), lock_timeout_ms_(lock_timeout_ms) {}

TxnDb::~TxnDb() = default;

rocksdb::Status TxnDb::Open(const rocksdb::Options& options, const std::string& dir,
                            int lock_timeout_ms, std::unique_ptr<TxnDb>* out) {
  rocksdb::TransactionDBOptions t;
  t.transaction_lock_timeout = lock_timeout_ms;
  t.default_lock_timeout = lock_timeout_ms;  // writes outside a transaction
  rocksdb::TransactionDB* raw = nullptr;
  const rocksdb::Status s = rocksdb::TransactionDB::Open(options, t, dir, &raw);
  if (s.ok()) out->reset(new TxnDb(raw, lock_timeout_ms));
  return s;
}

std::unique_ptr<rocksdb::Transaction> TxnDb::Begin(const rocksdb::WriteOptions& write_options) {
  auto* db = static_cast<rocksdb::TransactionDB*>(db_.get());
  rocksdb::TransactionOptions t;
  t.deadlock_detect = true;
  t.lock_timeout = lock_timeout_ms_;
  return std::unique_ptr<rocksdb::Transaction>(db->BeginTransaction(write_options, t));
}

rocksdb::Status TxnDb::WriteQuiet(const rocksdb::WriteOptions& write_options,
                                  rocksdb::WriteBatch* batch) {
  rocksdb::TransactionDBWriteOptimizations skip;
  skip.skip_concurrency_control = true;
  return static_cast<rocksdb::TransactionDB*>(db_.get())->Write(write_options, skip, batch);
}

rocksdb::Status TxnDb::Close() { return db_->Close(); }

}  // namespace listbench::rocks
