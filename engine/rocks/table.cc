#include "engine/rocks/table.h"

#include <rocksdb/transaction_log.h>

#include <utility>

#include "engine/rocks/capacity_units.h"

namespace listbench::rocks {
namespace {

uint64_t SizeOf(const rocksdb::Slice& key, const rocksdb::Slice& value) {
  return ItemBytes(key.size(), value.size());
}

// Charges write units for each put and delete of a batch, in batch order,
// from the before-image sizes remembered for the request (`known`) and the
// changes the batch made so far (`changed`, which it fills: key -> size after
// this batch, 0 = deleted). Batches hold only puts and deletes; other record
// kinds keep the Handler defaults (an error, or nothing).
class WriteUnitCounter : public rocksdb::WriteBatch::Handler {
 public:
  explicit WriteUnitCounter(const std::unordered_map<std::string, uint64_t>& known)
      : known_(known) {}

  rocksdb::Status PutCF(uint32_t /*cf*/, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    Charge(key, SizeOf(key, value));
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t /*cf*/, const rocksdb::Slice& key) override {
    Charge(key, 0);
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t /*cf*/, const rocksdb::Slice& key) override {
    Charge(key, 0);
    return rocksdb::Status::OK();
  }

  uint64_t units() const { return units_; }
  std::unordered_map<std::string, uint64_t>& changed() { return changed_; }

 private:
  void Charge(const rocksdb::Slice& key, uint64_t after) {
    std::string k = key.ToString();
    uint64_t before = 0;
    if (auto it = changed_.find(k); it != changed_.end()) {
      before = it->second;
    } else if (auto kt = known_.find(k); kt != known_.end()) {
      before = kt->second;
    }
    units_ += WriteUnitsForItem(before, after);
    changed_[std::move(k)] = after;
  }

  const std::unordered_map<std::string, uint64_t>& known_;
  std::unordered_map<std::string, uint64_t> changed_;
  uint64_t units_ = 0;
};

}  // namespace

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  std::string msg = "rocksdb: " + s.ToString();
  switch (s.code()) {
    case rocksdb::Status::kCorruption:
    case rocksdb::Status::kNotFound:
      return Status::Corruption(std::move(msg));
    case rocksdb::Status::kNotSupported:
      return Status::NotSupported(std::move(msg));
    case rocksdb::Status::kInvalidArgument:
      return Status::InvalidArgument(std::move(msg));
    default:  // IOError, Busy, TimedOut, Aborted, ShutdownInProgress, ...
      return Status::IOError(std::move(msg));
  }
}

Table::Table(std::unique_ptr<rocksdb::DB> db, const rocksdb::WriteOptions& write_options,
             Reopener reopen)
    : db_(std::move(db)), write_options_(write_options), reopen_(std::move(reopen)) {}

Status Table::Get(std::string_view key, std::string* value, bool* found) {
  if (db_ == nullptr) LB_RETURN_IF_ERROR(ResumeAfterWriteError());  // a reopen failed
  work_.AddQueries(1);
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) {
    *found = false;
    if (count_units_) {
      work_.AddReadUnits(ReadUnitsForGet(0));
      Remember(key, 0);
    }
    return Status::OK();
  }
  if (!s.ok()) return FromRocks(s);
  work_.AddRowsRead(1);
  *found = true;
  if (count_units_) {
    const uint64_t bytes = ItemBytes(key.size(), value->size());
    work_.AddReadUnits(ReadUnitsForGet(bytes));
    Remember(key, bytes);
  }
  return Status::OK();
}

Status Table::Scan(std::string_view lower, std::string_view upper,
                   const std::function<bool(std::string_view, std::string_view)>& fn) {
  if (db_ == nullptr) LB_RETURN_IF_ERROR(ResumeAfterWriteError());  // a reopen failed
  work_.AddQueries(1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper.data(), upper.size());
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  uint64_t total_bytes = 0;  // of the visited items, for read units
  for (it->Seek(rocksdb::Slice(lower.data(), lower.size())); it->Valid(); it->Next()) {
    work_.AddRowsRead(1);
    const rocksdb::Slice k = it->key(), v = it->value();
    const std::string_view key(k.data(), k.size());
    if (count_units_) {
      const uint64_t bytes = SizeOf(k, v);
      total_bytes += bytes;
      Remember(key, bytes);
    }
    if (!fn(key, std::string_view(v.data(), v.size()))) break;
  }
  if (count_units_) work_.AddReadUnits(ReadUnitsForQuery(total_bytes));
  return FromRocks(it->status());
}

Table::Cursor::Cursor(Table* table, std::string upper)
    : table_(table), upper_(std::move(upper)), upper_slice_(upper_) {}

Table::Cursor::~Cursor() {
  if (table_->count_units_) table_->work_.AddReadUnits(ReadUnitsForQuery(bytes_));
}

void Table::Cursor::Landed() {
  if (!it_->Valid()) return;
  table_->work_.AddRowsRead(1);
  if (table_->count_units_) {
    const uint64_t bytes = SizeOf(it_->key(), it_->value());
    bytes_ += bytes;
    table_->Remember(key(), bytes);
  }
}

void Table::Cursor::Next() {
  it_->Next();
  Landed();
}

Status Table::Cursor::status() const { return FromRocks(it_->status()); }

StatusOr<std::unique_ptr<Table::Cursor>> Table::NewCursor(std::string_view lower,
                                                          std::string_view upper) {
  if (db_ == nullptr) LB_RETURN_IF_ERROR(ResumeAfterWriteError());  // a reopen failed
  work_.AddQueries(1);
  std::unique_ptr<Cursor> c(new Cursor(this, std::string(upper)));
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &c->upper_slice_;
  c->it_.reset(db_->NewIterator(ro));
  c->it_->Seek(rocksdb::Slice(lower.data(), lower.size()));
  c->Landed();
  return c;
}

Status Table::Write(rocksdb::WriteBatch* batch) {
  LB_RETURN_IF_ERROR(ResumeAfterWriteError());
  work_.AddQueries(1);
  work_.AddRowsWritten(batch->Count());
  if (!count_units_) return WriteDone(db_->Write(write_options_, batch));
  WriteUnitCounter counter(sizes_);
  LB_RETURN_IF_ERROR(FromRocks(batch->Iterate(&counter)));
  work_.AddWriteUnits(counter.units());
  LB_RETURN_IF_ERROR(WriteDone(db_->Write(write_options_, batch)));
  for (auto& [key, bytes] : counter.changed()) sizes_[key] = bytes;
  return Status::OK();
}

std::string Table::CurrentWal() {
  std::unique_ptr<rocksdb::LogFile> wal;
  if (!db_->GetCurrentWalFile(&wal).ok() || wal == nullptr) return "";
  return wal->PathName();  // "/000012.log"
}

Status Table::ResumeAfterWriteError() {
  if (!write_failed_.load(std::memory_order_acquire)) return Status::OK();
  std::unique_lock<std::shared_mutex> use(db_use_mu_);  // no other thread is in db_
  return Recover(/*may_reopen=*/true);
}

Status Table::PutFromAnyThread(std::string_view key, std::string_view value) {
  std::shared_lock<std::shared_mutex> use(db_use_mu_);  // db_ stays
  if (write_failed_.load(std::memory_order_acquire)) LB_RETURN_IF_ERROR(Recover(false));
  return WriteDone(db_->Put(write_options_, rocksdb::Slice(key.data(), key.size()),
                            rocksdb::Slice(value.data(), value.size())));
}

Status Table::Recover(bool may_reopen) {
  std::lock_guard<std::mutex> lock(resume_mu_);
  if (!write_failed_.load(std::memory_order_relaxed)) return Status::OK();  // recovered meanwhile
  std::string why = "closed after a failed reopen";
  if (db_ != nullptr) {
    // OK at once if RocksDB holds no background error (e.g. the failure was
    // the write's own and did not stop the DB).
    const rocksdb::Status s = db_->Resume();
    // Resume starts a new WAL only if it had a memtable to flush; appending
    // to a WAL whose writer saw an error fails an assertion in RocksDB 7.8.
    const bool kept_failed_wal = s.ok() && !failed_wal_.empty() &&
                                 write_error_.find(failed_wal_) != std::string::npos &&
                                 CurrentWal() == failed_wal_;
    if (s.ok() && !kept_failed_wal) {
      write_error_.clear();
      failed_wal_.clear();
      write_failed_.store(false, std::memory_order_release);
      return Status::OK();
    }
    // Resume refuses fatal and unrecoverable background errors for good; a
    // hard one (no space) it may clear on a later try, so the DB stays open
    // for reads meanwhile.
    const bool fatal = s.severity() >= rocksdb::Status::Severity::kFatalError;
    if (!kept_failed_wal && !fatal) {
      return Status::IOError("rocksdb: store stopped after an I/O error (" + write_error_ +
                             "); resume failed: " + s.ToString());
    }
    why = kept_failed_wal ? "resumed, but RocksDB would go on appending to the WAL that failed (" +
                                failed_wal_.substr(1) + ")"
                          : "resume failed: " + s.ToString() + " (a fatal error)";
  }
  const std::string stopped =
      "rocksdb: store stopped after an I/O error (" + write_error_ + "); " + why;
  if (!may_reopen || reopen_ == nullptr) {
    return Status::IOError(stopped + ": only reopening the store clears it");
  }
  if (db_ != nullptr) {
    db_->Close().PermitUncheckedError();  // the background error, if any
    db_.reset();
  }
  const rocksdb::Status r = reopen_(&db_);
  if (!r.ok()) {
    db_.reset();
    return Status::IOError(stopped + "; reopen failed: " + r.ToString());
  }
  write_error_.clear();
  failed_wal_.clear();
  write_failed_.store(false, std::memory_order_release);
  return Status::OK();
}

Status Table::WriteDone(const rocksdb::Status& s) {
  if (s.IsIOError()) {
    std::lock_guard<std::mutex> lock(resume_mu_);
    if (!write_failed_.load(std::memory_order_relaxed)) {
      write_error_ = s.ToString();
      failed_wal_ = CurrentWal();
      write_failed_.store(true, std::memory_order_release);
    }
  }
  return FromRocks(s);
}

void Table::BeginRequest(bool writes) {
  sizes_.clear();
  count_units_ = true;
  remember_sizes_ = writes;
}

void Table::EndRequest() {
  count_units_ = false;
  remember_sizes_ = false;
  sizes_.clear();
}

void Table::Remember(std::string_view key, uint64_t bytes) {
  if (!remember_sizes_) return;
  sizes_.insert_or_assign(std::string(key), bytes);
}

}  // namespace listbench::rocks
