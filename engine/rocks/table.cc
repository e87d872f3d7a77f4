#include "engine/rocks/table.h"

#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/transaction_log.h>

#include <algorithm>
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

// Adds the time a pessimistic transaction's call waited for key locks to
// the thread's tally (RocksDB's perf context times the lock manager's
// waits; the timing level is raised only around such calls).
class LockWaitTimer {
 public:
  LockWaitTimer() {
    level_ = rocksdb::GetPerfLevel();
    if (level_ < rocksdb::PerfLevel::kEnableTimeExceptForMutex) {
      rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableTimeExceptForMutex);
    }
    start_ = rocksdb::get_perf_context()->key_lock_wait_time;
  }
  ~LockWaitTimer() {
    ThreadTally().lock_wait_ns += rocksdb::get_perf_context()->key_lock_wait_time - start_;
    rocksdb::SetPerfLevel(level_);
  }
  LockWaitTimer(const LockWaitTimer&) = delete;
  LockWaitTimer& operator=(const LockWaitTimer&) = delete;

 private:
  rocksdb::PerfLevel level_ = rocksdb::PerfLevel::kDisable;
  uint64_t start_ = 0;
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

Table::Table(std::unique_ptr<TxnDb> db, const rocksdb::WriteOptions& write_options, Reopener reopen)
    : db_(std::move(db)), write_options_(write_options), reopen_(std::move(reopen)) {}

thread_local Table::Request* Table::current_ = nullptr;

Table::Request* Table::Current() {
  for (Request* r = current_; r != nullptr; r = r->outer) {
    if (r->table == this) return r;
  }
  return nullptr;
}

Status Table::Use(std::shared_lock<std::shared_mutex>* use) {
  *use = std::shared_lock<std::shared_mutex>(db_use_mu_);
  if (db_ != nullptr) return Status::OK();
  use->unlock();
  const Status s = ResumeAfterWriteError();  // a reopen failed: try again
  use->lock();
  if (!s.ok()) return s;
  if (db_ == nullptr) return Status::IOError("rocksdb: store closed after a failed reopen");
  return Status::OK();
}

Status Table::WithDb(const std::function<Status(TxnDb& db)>& fn) {
  std::shared_lock<std::shared_mutex> use;
  LB_RETURN_IF_ERROR(Use(&use));
  return fn(*db_);
}

Status Table::StartRead(Request* r, std::shared_lock<std::shared_mutex>* use,
                        rocksdb::ReadOptions* ro) {
  if (r == nullptr) return Use(use);
  if (db_ == nullptr) {
    return r->failure.ok() ? Status::IOError("rocksdb: store closed after a failed reopen")
                           : r->failure;
  }
  ro->snapshot = r->snapshot;
  return Status::OK();
}

Status Table::RaceOutcome(Request* r, const rocksdb::Status& s) {
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) r->lost_race = true;
  return FromRocks(s);
}

Status Table::TxnGet(Request* r, std::string_view key, std::string* value) {
  const LockWaitTimer timer;
  const rocksdb::Status s =
      r->txn->GetForUpdate(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), value);
  if (s.ok() || s.IsNotFound()) return s.ok() ? Status::OK() : Status::NotFound("");
  return RaceOutcome(r, s);
}

Status Table::Get(std::string_view key, std::string* value, bool* found) {
  Request* r = Current();
  std::shared_lock<std::shared_mutex> use;  // outside a request: for this call
  rocksdb::ReadOptions ro;
  LB_RETURN_IF_ERROR(StartRead(r, &use, &ro));
  work_.AddQueries(1);
  Status got;  // NotFound: no such item
  if (r != nullptr && r->txn != nullptr) {
    got = TxnGet(r, key, value);
  } else {
    const rocksdb::Status s = db_->db()->Get(ro, rocksdb::Slice(key.data(), key.size()), value);
    got = s.IsNotFound() ? Status::NotFound("") : FromRocks(s);
  }
  if (got.code() == StatusCode::kNotFound) {
    *found = false;
    if (r != nullptr) {
      work_.AddReadUnits(ReadUnitsForGet(0));
      Remember(r, key, 0);
    }
    return Status::OK();
  }
  LB_RETURN_IF_ERROR(got);
  work_.AddRowsRead(1);
  *found = true;
  if (r != nullptr) {
    const uint64_t bytes = ItemBytes(key.size(), value->size());
    work_.AddReadUnits(ReadUnitsForGet(bytes));
    Remember(r, key, bytes);
  }
  return Status::OK();
}

Status Table::Scan(std::string_view lower, std::string_view upper,
                   const std::function<bool(std::string_view, std::string_view)>& fn) {
  Request* r = Current();
  std::shared_lock<std::shared_mutex> use;  // outside a request: for this call
  rocksdb::ReadOptions ro;
  LB_RETURN_IF_ERROR(StartRead(r, &use, &ro));
  work_.AddQueries(1);
  rocksdb::Slice upper_slice(upper.data(), upper.size());
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro));
  uint64_t total_bytes = 0;  // of the visited items, for read units
  for (it->Seek(rocksdb::Slice(lower.data(), lower.size())); it->Valid(); it->Next()) {
    work_.AddRowsRead(1);
    const rocksdb::Slice k = it->key(), v = it->value();
    const std::string_view key(k.data(), k.size());
    if (r != nullptr) {
      const uint64_t bytes = SizeOf(k, v);
      total_bytes += bytes;
      Remember(r, key, bytes);
    }
    if (!fn(key, std::string_view(v.data(), v.size()))) break;
  }
  if (r != nullptr) work_.AddReadUnits(ReadUnitsForQuery(total_bytes));
  return FromRocks(it->status());
}

Table::Cursor::Cursor(Table* table, std::string upper)
    : table_(table), upper_(std::move(upper)), upper_slice_(upper_) {}

Table::Cursor::~Cursor() {
  it_.reset();  // before use_ lets the DB go
  if (request_ != nullptr) table_->work_.AddReadUnits(ReadUnitsForQuery(bytes_));
}

void Table::Cursor::Landed() {
  if (!it_->Valid()) return;
  table_->work_.AddRowsRead(1);
  if (request_ != nullptr) {
    const uint64_t bytes = SizeOf(it_->key(), it_->value());
    bytes_ += bytes;
    Remember(request_, key(), bytes);
  }
}

void Table::Cursor::Next() {
  it_->Next();
  Landed();
}

Status Table::Cursor::status() const { return FromRocks(it_->status()); }

StatusOr<std::unique_ptr<Table::Cursor>> Table::NewCursor(std::string_view lower,
                                                          std::string_view upper) {
  std::unique_ptr<Cursor> c(new Cursor(this, std::string(upper)));
  c->request_ = Current();
  rocksdb::ReadOptions ro;
  LB_RETURN_IF_ERROR(StartRead(c->request_, &c->use_, &ro));
  work_.AddQueries(1);
  if (!upper.empty()) ro.iterate_upper_bound = &c->upper_slice_;
  c->it_.reset(db_->db()->NewIterator(ro));
  c->it_->Seek(rocksdb::Slice(lower.data(), lower.size()));
  c->Landed();
  return c;
}

Status Table::Write(rocksdb::WriteBatch* batch) {
  Request* r = Current();
  if (r != nullptr && r->txn != nullptr) return TxnWrite(r, batch);
  if (r != nullptr) LB_RETURN_IF_ERROR(r->failure);  // a write request on a closed DB
  std::shared_lock<std::shared_mutex> use;           // outside a request: for this call
  if (r == nullptr) {
    LB_RETURN_IF_ERROR(ResumeAfterWriteError());
    LB_RETURN_IF_ERROR(Use(&use));
  } else if (db_ == nullptr) {
    return Status::IOError("rocksdb: store closed after a failed reopen");
  }
  work_.AddQueries(1);
  work_.AddRowsWritten(batch->Count());
  return WriteDone(db_->WriteQuiet(write_options_, batch));
}

Status Table::DeleteAllBut(std::string_view keep) {
  if (Current() != nullptr) {
    return Status::InvalidArgument("rocksdb: DeleteAllBut inside a request");
  }
  LB_RETURN_IF_ERROR(ResumeAfterWriteError());
  std::shared_lock<std::shared_mutex> use;
  LB_RETURN_IF_ERROR(Use(&use));
  std::string first, end;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    if (!it->Valid()) return FromRocks(it->status());  // empty (or the error)
    first = it->key().ToString();
    it->SeekToLast();
    if (!it->Valid()) return FromRocks(it->status());
    end = it->key().ToString() + '\0';  // the least key after the last
  }
  const std::string kept(keep);
  const std::string after_kept = kept + '\0';
  rocksdb::WriteBatch batch;
  if (first < kept) {
    LB_RETURN_IF_ERROR(FromRocks(batch.DeleteRange(first, std::min(kept, end))));
  }
  if (std::max(first, after_kept) < end) {
    LB_RETURN_IF_ERROR(FromRocks(batch.DeleteRange(std::max(first, after_kept), end)));
  }
  if (batch.Count() == 0) return Status::OK();
  work_.AddQueries(1);
  return WriteDone(db_->WriteQuiet(write_options_, &batch));
}

Status Table::StageIn(Request* r, rocksdb::WriteBatch* batch) {
  LB_RETURN_IF_ERROR(r->failure);  // the recovery at the request's start
  // Another request's write failed since this one began: resume in place
  // if RocksDB allows it; a reopen waits for the next request to begin.
  if (write_failed_.load(std::memory_order_acquire)) LB_RETURN_IF_ERROR(Recover(false));
  work_.AddRowsWritten(batch->Count());
  WriteUnitCounter counter(r->sizes);
  LB_RETURN_IF_ERROR(FromRocks(batch->Iterate(&counter)));
  work_.AddWriteUnits(counter.units());
  {
    const LockWaitTimer timer;
    const rocksdb::Status put = r->txn->RebuildFromWriteBatch(batch);
    if (!put.ok()) return RaceOutcome(r, put);
  }
  // The request's later reads and writes see these items (the transaction
  // reads its own writes); if it does not commit, the scope is discarded.
  for (auto& [key, bytes] : counter.changed()) r->sizes[key] = bytes;
  return Status::OK();
}

Status Table::TxnWrite(Request* r, rocksdb::WriteBatch* batch) {
  LB_RETURN_IF_ERROR(StageIn(r, batch));
  work_.AddQueries(1);
  const rocksdb::Status s = r->txn->Commit();
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return RaceOutcome(r, s);
  return WriteDone(s);
}

Status Table::Stage(rocksdb::WriteBatch* batch) {
  Request* r = Current();
  if (r == nullptr || r->txn == nullptr) {
    return Status::InvalidArgument("rocksdb: Stage needs a write request");
  }
  return StageIn(r, batch);
}

std::string Table::CurrentWal() {
  std::unique_ptr<rocksdb::LogFile> wal;
  if (!db_->db()->GetCurrentWalFile(&wal).ok() || wal == nullptr) return "";
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
  if (db_ == nullptr) return Status::IOError("rocksdb: store closed after a failed reopen");
  return WriteDone(db_->db()->Put(write_options_, rocksdb::Slice(key.data(), key.size()),
                                  rocksdb::Slice(value.data(), value.size())));
}

Status Table::Recover(bool may_reopen) {
  std::lock_guard<std::mutex> lock(resume_mu_);
  if (!write_failed_.load(std::memory_order_relaxed)) return Status::OK();  // recovered meanwhile
  std::string why = "closed after a failed reopen";
  if (db_ != nullptr) {
    // OK at once if RocksDB holds no background error (e.g. the failure was
    // the write's own and did not stop the DB).
    // The transaction DB does not forward Resume: the DB under it resumes.
    const rocksdb::Status s = db_->db()->GetRootDB()->Resume();
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

void Table::BeginRequest(Request* r) {
  r->table = this;
  if (r->kind == RequestKind::kWrite) {
    // Before the shared lock (a reopen takes it exclusively); a failure is
    // the request's Write's to return.
    r->failure = ResumeAfterWriteError();
    r->use = std::shared_lock<std::shared_mutex>(db_use_mu_);
  } else {
    r->failure = Use(&r->use);
  }
  r->outer = current_;
  current_ = r;
  if (db_ == nullptr) return;  // r->failure says why (or reads report it closed)
  if (r->kind == RequestKind::kSnapshot) r->snapshot = db_->db()->GetSnapshot();
  if (r->kind == RequestKind::kWrite) r->txn = db_->Begin(write_options_);
}

void Table::EndRequest(Request* r) {
  r->txn.reset();  // rolls back an uncommitted transaction
  if (r->snapshot != nullptr) db_->db()->ReleaseSnapshot(r->snapshot);
  r->snapshot = nullptr;
  current_ = r->outer;
  if (r->use.owns_lock()) r->use.unlock();
}

void Table::Remember(Request* r, std::string_view key, uint64_t bytes) {
  if (r->kind != RequestKind::kWrite) return;
  r->sizes.insert_or_assign(std::string(key), bytes);
}

}  // namespace listbench::rocks
