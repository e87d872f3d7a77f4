#include "engine/rocks/rocks_change_log.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/store_wrapper.h"
#include "engine/rocks/rocks_store.h"
#include "engine/rocks/txn_db.h"

namespace listbench {
namespace {

using Clock = std::chrono::steady_clock;

// How long and how much WAL the primary keeps for its replicas.
constexpr RocksOpenFlags kWalRetention{.wal_ttl_seconds = 3600, .wal_size_limit_mb = 1024};
// A reader waiting for records looks again at least this often, for writes
// that bypass the store's wrapper (a schema change's).
constexpr std::chrono::milliseconds kLookAgain{1};
// A read that meets the WAL's end while newer writes exist (a new WAL file
// began after the iterator listed them) starts a new iterator, at most this
// many times.
constexpr int kMaxTailReads = 4;
// WriteBatch's header: an 8-byte sequence number, then a 4-byte count.
constexpr size_t kBatchHeaderBytes = 12;

std::string Str(uint64_t n) { return std::to_string(n); }

// Counts the write requests that returned; waiters wait for it to move.
class WriteSignal {
 public:
  void Notify() {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }
  uint64_t generation() {
    const std::lock_guard<std::mutex> lock(mu_);
    return generation_;
  }
  // Waits until the generation is past `seen`, or until `until`.
  void WaitPast(uint64_t seen, Clock::time_point until) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, until, [&] { return generation_ != seen; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
};

// Signals after each call of a bulk loader (its writes bypass the store).
class SignallingLoader : public BulkLoader {
 public:
  SignallingLoader(std::unique_ptr<BulkLoader> loader, WriteSignal* signal)
      : loader_(std::move(loader)), signal_(signal) {}
  Status AddTenant(const Tenant& t) override { return Signalled(loader_->AddTenant(t)); }
  Status AddLandlord(const Landlord& l) override { return Signalled(loader_->AddLandlord(l)); }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    return Signalled(loader_->AddListing(l, images));
  }
  Status AddApplicant(const Applicant& a) override { return Signalled(loader_->AddApplicant(a)); }
  Status AddApplication(const Application& a) override {
    return Signalled(loader_->AddApplication(a));
  }
  Status AddPayment(const Payment& p) override { return Signalled(loader_->AddPayment(p)); }
  Status Finish() override { return Signalled(loader_->Finish()); }

 private:
  Status Signalled(Status s) {
    signal_->Notify();
    return s;
  }
  std::unique_ptr<BulkLoader> loader_;
  WriteSignal* signal_;
};

// The primary's Store: the RocksDB store, signalling after every write.
class SignallingStore : public StoreWrapper {
 public:
  SignallingStore(Store* target, WriteSignal* signal) : StoreWrapper(target), signal_(signal) {}

  Status SubmitApplication(const Application& a) override {
    return Signalled(StoreWrapper::SubmitApplication(a));
  }
  Status RecordPayment(const Payment& p) override {
    return Signalled(StoreWrapper::RecordPayment(p));
  }
  StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) override {
    return Signalled(StoreWrapper::UpdateListing(u));
  }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    return Signalled(StoreWrapper::AddListing(l, images));
  }
  Status DecideApplication(TenantId t, EntityId a, bool approve, int64_t now) override {
    return Signalled(StoreWrapper::DecideApplication(t, a, approve, now));
  }
  Status AddTenant(const Tenant& t) override { return Signalled(StoreWrapper::AddTenant(t)); }
  Status AddLandlord(const Landlord& l) override { return Signalled(StoreWrapper::AddLandlord(l)); }
  std::unique_ptr<BulkLoader> NewBulkLoader() override {
    return std::make_unique<SignallingLoader>(StoreWrapper::NewBulkLoader(), signal_);
  }
  Status Clear() override { return Signalled(StoreWrapper::Clear()); }
  Status PutEntity(const Entity& e, bool* applied) override {
    return Signalled(StoreWrapper::PutEntity(e, applied));
  }
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override {
    return Signalled(StoreWrapper::PutEntities(es, applied));
  }

 private:
  template <typename T>
  T Signalled(T result) {
    signal_->Notify();
    return result;
  }
  WriteSignal* signal_;
};

// What one pass over the WAL found.
struct TailRead {
  std::vector<ChangeRecord> records;
  bool try_again = false;  // met the end before the latest sequence: read anew
};

// The primary's log: the WAL of `store` (a RocksDB store) from `dir`.
class RocksChangeLog : public ChangeLog {
 public:
  RocksChangeLog(std::string dir, Store* store, WriteSignal* signal)
      : dir_(std::move(dir)), store_(store), signal_(signal) {}

  uint64_t LastSequence() const override {
    uint64_t seq = 0;
    const Status s = WithRocksDb(*store_, [&](rocks::TxnDb& db) {
      seq = db.db()->GetLatestSequenceNumber();
      return Status::OK();
    });
    // A DB closed after a failed reopen has taken no write since it was
    // last seen.
    if (s.ok()) last_seen_.store(seq, std::memory_order_relaxed);
    return last_seen_.load(std::memory_order_relaxed);
  }

  StatusOr<std::vector<ChangeRecord>> ReadSince(uint64_t after, size_t max_records,
                                                std::chrono::milliseconds wait) override {
    const Clock::time_point deadline = Clock::now() + wait;
    for (;;) {
      const uint64_t seen = signal_->generation();  // before reading: no wake-up is lost
      StatusOr<std::vector<ChangeRecord>> got = ReadAvailable(after, max_records);
      if (!got.ok() || !got->empty()) return got;
      const Clock::time_point now = Clock::now();
      if (now >= deadline) return got;
      signal_->WaitPast(seen, std::min(deadline, now + kLookAgain));
    }
  }

 private:
  // The records after `after` there are now (at most `max`), without waiting.
  StatusOr<std::vector<ChangeRecord>> ReadAvailable(uint64_t after, size_t max) {
    if (max == 0) return std::vector<ChangeRecord>();
    for (int reads = 1;; ++reads) {
      TailRead read;
      LB_RETURN_IF_ERROR(WithRocksDb(
          *store_, [&](rocks::TxnDb& db) { return ReadTail(db.db(), after, max, &read); }));
      if (!read.records.empty() || !read.try_again || reads == kMaxTailReads) {
        return std::move(read.records);
      }
    }
  }

  Status ReadTail(rocksdb::DB* db, uint64_t after, size_t max, TailRead* out) const;
  Status Unavailable(uint64_t after, const std::string& why) const {
    return Status::IOError(dir_ + ": the records after sequence " + Str(after) +
                           " are no longer available: " + why);
  }

  const std::string dir_;
  Store* const store_;
  WriteSignal* const signal_;
  mutable std::atomic<uint64_t> last_seen_{0};
};

// One pass of a WAL iterator from after + 1: whole batches, each checked to
// follow the one before it without a gap.
Status RocksChangeLog::ReadTail(rocksdb::DB* db, uint64_t after, size_t max, TailRead* out) const {
  if (after >= db->GetLatestSequenceNumber()) return Status::OK();  // nothing written yet
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  const rocksdb::Status s = db->GetUpdatesSince(after + 1, &it);
  if (!s.ok()) return Unavailable(after, s.ToString());
  uint64_t expected = after + 1;  // the first batch may begin at or before it
  for (; it->Valid() && out->records.size() < max; it->Next()) {
    rocksdb::BatchResult b = it->GetBatch();
    const uint64_t count = b.writeBatchPtr->Count();
    if (count == 0) continue;  // changes nothing
    const uint64_t last = b.sequence + count - 1;
    // The first batch holds `expected`; each later one begins right after.
    const bool follows =
        out->records.empty() ? b.sequence <= expected && last >= expected : b.sequence == expected;
    if (!follows) {
      return Unavailable(after, "the WAL holds sequences " + Str(b.sequence) + ".." + Str(last) +
                                    " where " + Str(expected) + " was expected");
    }
    out->records.push_back(ChangeRecord{last, b.writeBatchPtr->Data()});
    expected = last + 1;
  }
  if (out->records.size() == max) return Status::OK();
  const rocksdb::Status end = it->status();
  if (end.IsTryAgain()) {
    out->try_again = true;
  } else if (!end.ok()) {
    return Status::IOError(dir_ + ": reading the WAL after sequence " + Str(expected - 1) + ": " +
                           end.ToString());
  }
  return Status::OK();
}

class RocksLoggedStore : public LoggedStore {
 public:
  RocksLoggedStore(const std::string& dir, std::unique_ptr<Store> store)
      : store_(std::move(store)),
        wrapper_(store_.get(), &signal_),
        log_(dir, store_.get(), &signal_) {
    log_.LastSequence();  // what it answers should the DB be closed later
  }

  Store& store() override { return wrapper_; }
  ChangeLog& log() override { return log_; }

 private:
  // Destroyed in reverse: the log, the wrapper, then the store.
  std::unique_ptr<Store> store_;
  WriteSignal signal_;
  SignallingStore wrapper_;
  RocksChangeLog log_;
};

// Checks, without applying it, that a batch decodes whole (its count
// included) and holds only what the store writes: puts, deletes and range
// deletions of the default column family, as a plain commit writes them --
// a transaction's batch may begin with a Noop marker, which writes nothing
// and takes no sequence number; any other marker (two-phase commit) is
// foreign. Markers answer OK (RocksDB asserts that they do) and are
// reported by foreign_marker().
class BatchCheck : public rocksdb::WriteBatch::Handler {
 public:
  bool foreign_marker() const { return foreign_marker_; }

  rocksdb::Status MarkNoop(bool) override { return rocksdb::Status::OK(); }
  rocksdb::Status MarkBeginPrepare(bool) override { return Foreign(); }
  rocksdb::Status MarkEndPrepare(const rocksdb::Slice&) override { return Foreign(); }
  rocksdb::Status MarkRollback(const rocksdb::Slice&) override { return Foreign(); }
  rocksdb::Status MarkCommit(const rocksdb::Slice&) override { return Foreign(); }
  rocksdb::Status MarkCommitWithTimestamp(const rocksdb::Slice&, const rocksdb::Slice&) override {
    return Foreign();
  }
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return Default(cf);
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice&) override { return Default(cf); }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice&) override {
    return Default(cf);
  }
  rocksdb::Status DeleteRangeCF(uint32_t cf, const rocksdb::Slice&,
                                const rocksdb::Slice&) override {
    return Default(cf);
  }

 private:
  rocksdb::Status Foreign() {
    foreign_marker_ = true;
    return rocksdb::Status::OK();
  }
  static rocksdb::Status Default(uint32_t cf) {
    return cf == 0 ? rocksdb::Status::OK()
                   : rocksdb::Status::Corruption("column family " + Str(cf));
  }
  bool foreign_marker_ = false;
};

// The replica: applies each record to its copy as one synced write batch.
class RocksLogApplier : public LogApplier {
 public:
  RocksLogApplier(std::string dir, std::unique_ptr<Store> store, uint64_t start_after)
      : dir_(std::move(dir)), store_(std::move(store)), applied_(start_after) {}

  Status Apply(const ChangeRecord& r) override;
  uint64_t AppliedSequence() const override { return applied_; }

 private:
  Status Mismatch(const ChangeRecord& r, const std::string& what) const {
    return Status::Corruption(dir_ + ": record " + Str(r.sequence) + " does not apply: " + what +
                              " (last applied " + Str(applied_) + "): not a copy of its primary");
  }
  // The first sequence number of the batch in `bytes` (its header's).
  static uint64_t FirstSequence(std::string_view bytes) {
    uint64_t seq = 0;
    for (int i = 7; i >= 0; --i) seq = (seq << 8) | static_cast<uint8_t>(bytes[i]);
    return seq;
  }

  const std::string dir_;
  std::unique_ptr<Store> store_;
  uint64_t applied_;
};

Status RocksLogApplier::Apply(const ChangeRecord& r) {
  if (r.sequence <= applied_) {
    return Status::InvalidArgument(dir_ + ": record " + Str(r.sequence) +
                                   " is not above the last applied, " + Str(applied_));
  }
  if (r.bytes.size() < kBatchHeaderBytes) {
    return Status::Corruption(dir_ + ": record " + Str(r.sequence) + " is " + Str(r.bytes.size()) +
                              " bytes, shorter than a write batch");
  }
  rocksdb::WriteBatch batch(r.bytes);
  const uint64_t first = FirstSequence(r.bytes);
  const uint64_t count = batch.Count();
  if (first != applied_ + 1) return Mismatch(r, "its batch begins at sequence " + Str(first));
  if (count == 0 || first + count - 1 != r.sequence) {
    return Mismatch(r, "its batch holds " + Str(count) + " sequences from " + Str(first));
  }
  BatchCheck check;
  if (const rocksdb::Status s = batch.Iterate(&check); !s.ok() || check.foreign_marker()) {
    return Status::Corruption(dir_ + ": record " + Str(r.sequence) +
                              " is not a write batch of this store: " +
                              (s.ok() ? "a two-phase commit marker" : s.ToString()));
  }
  return WithRocksDb(*store_, [&](rocks::TxnDb& db) {
    const uint64_t before = db.db()->GetLatestSequenceNumber();
    if (before != applied_) return Mismatch(r, "this copy is at sequence " + Str(before));
    rocksdb::WriteOptions w;
    w.sync = true;                                       // durable before Apply returns
    const rocksdb::Status s = db.WriteQuiet(w, &batch);  // the replica's one writer
    if (!s.ok()) {
      return Status::IOError(dir_ + ": applying record " + Str(r.sequence) + ": " + s.ToString());
    }
    const uint64_t now = db.db()->GetLatestSequenceNumber();
    if (now != r.sequence) {
      return Status::Corruption(dir_ + ": after applying record " + Str(r.sequence) +
                                " this copy is at sequence " + Str(now) +
                                ": the sequences of primary and replica diverged");
    }
    applied_ = r.sequence;
    return Status::OK();
  });
}

bool WalWritten(const StoreOptions& options) { return options.durable || options.rocksdb_wal; }

}  // namespace

StatusOr<std::unique_ptr<LoggedStore>> OpenRocksLoggedStore(const std::string& dir,
                                                            const StoreOptions& options) {
  if (!WalWritten(options)) {
    return Status::InvalidArgument(dir +
                                   ": log shipping reads the WAL; the store must write it "
                                   "(rocksdb_wal or durable)");
  }
  StatusOr<std::unique_ptr<Store>> store = OpenRocksStore(dir, options, kWalRetention);
  if (!store.ok()) return store.status();
  return std::unique_ptr<LoggedStore>(
      std::make_unique<RocksLoggedStore>(dir, std::move(store).value()));
}

StatusOr<std::unique_ptr<LogApplier>> OpenRocksLogApplier(const std::string& dir,
                                                          const StoreOptions& options,
                                                          uint64_t start_after) {
  StoreOptions o = options;
  o.create_if_missing = false;  // a replica is a copy of its primary's store
  StatusOr<std::unique_ptr<Store>> store = OpenRocksStore(dir, o);
  if (!store.ok()) return store.status();
  return std::unique_ptr<LogApplier>(
      std::make_unique<RocksLogApplier>(dir, std::move(store).value(), start_after));
}

}  // namespace listbench
