#include "engine/rocks/loader.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/rocks/item_batch.h"
#include "engine/rocks/items.h"

namespace listbench::rocks {
namespace {

constexpr size_t kBatchBytes = size_t{4} << 20;

// Mutable RocksDB options while loading, and after.
const std::unordered_map<std::string, std::string> kLoadingOptions = {
    {"disable_auto_compactions", "true"},
    {"level0_slowdown_writes_trigger", "1000"},
    {"level0_stop_writes_trigger", "1000"},
};
const std::unordered_map<std::string, std::string> kServingOptions = {
    {"disable_auto_compactions", "false"},
    {"level0_slowdown_writes_trigger", "20"},
    {"level0_stop_writes_trigger", "36"},
};

class RocksBulkLoader : public BulkLoader {
 public:
  explicit RocksBulkLoader(Table* table) : table_(table) {
    status_ = FromRocks(table_->db()->SetOptions(kLoadingOptions));
    writer_ = std::thread([this] { WriterLoop(); });
  }

  ~RocksBulkLoader() override { StopWriter(); }

  Status AddTenant(const Tenant& t) override {
    LB_RETURN_IF_ERROR(status_);
    return Done(PutItem(&batch_, TenantKey(t.id), t));
  }

  Status AddLandlord(const Landlord& l) override {
    LB_RETURN_IF_ERROR(status_);
    landlords_.emplace(l.id, SummaryOf(l));
    return Done(PutLandlordItems(&batch_, l));
  }

  Status AddListing(const Listing& l, std::span<const Image> images) override {
    LB_RETURN_IF_ERROR(status_);
    auto it = landlords_.find(l.landlord);
    if (it == landlords_.end()) {
      return Status::InvalidArgument("bulk load: listing " + std::to_string(l.id) +
                                     " before its landlord");
    }
    listings_.emplace(l.id, ListingInfo{l.tenant, l.landlord, {SummaryOf(l), 0}});
    return Done(PutListingItems(&batch_, l, images, it->second));
  }

  Status AddApplicant(const Applicant& a) override {
    LB_RETURN_IF_ERROR(status_);
    applicants_.emplace(a.id, SummaryOf(a));
    return Done(PutApplicantItems(&batch_, a));
  }

  Status AddApplication(const Application& a) override {
    LB_RETURN_IF_ERROR(status_);
    auto l = listings_.find(a.listing);
    auto p = applicants_.find(a.applicant);
    if (l == listings_.end() || p == applicants_.end()) {
      return Status::InvalidArgument("bulk load: application " + std::to_string(a.id) +
                                     " before its listing or applicant");
    }
    if (IsOpen(a.status)) ++l->second.entry.open_applications;
    app_applicant_.emplace(a.id, a.applicant);
    return Done(PutApplicationItems(&batch_, a, l->second.entry.listing.title, p->second, true));
  }

  Status AddPayment(const Payment& p) override {
    LB_RETURN_IF_ERROR(status_);
    auto it = app_applicant_.find(p.application);
    if (it == app_applicant_.end()) {
      return Status::InvalidArgument("bulk load: payment " + std::to_string(p.id) +
                                     " before its application");
    }
    return Done(PutPaymentItems(&batch_, p, it->second));
  }

  Status Finish() override {
    LB_RETURN_IF_ERROR(status_);
    for (const auto& [id, info] : listings_) {
      LB_RETURN_IF_ERROR(Done(PutPortfolioItem(&batch_, info.tenant, info.landlord, info.entry)));
    }
    LB_RETURN_IF_ERROR(WriteBatch());
    StopWriter();
    LB_RETURN_IF_ERROR(status_);
    listings_.clear();
    landlords_.clear();
    applicants_.clear();
    app_applicant_.clear();
    if (table_->db() == nullptr) {  // an I/O error closed it and it could not reopen
      return Status::IOError("rocksdb: bulk load: the store was closed after an I/O error");
    }
    rocksdb::FlushOptions fo;
    fo.wait = true;
    LB_RETURN_IF_ERROR(FromRocks(table_->db()->Flush(fo)));
    // Settle the tree before serving: without this, the L0 files written with
    // auto compactions off are compacted in the background of the first runs
    // (and of every clone of this load), which then measure compaction.
    rocksdb::CompactRangeOptions cro;
    cro.max_subcompactions = 2;
    LB_RETURN_IF_ERROR(FromRocks(table_->db()->CompactRange(cro, nullptr, nullptr)));
    status_ = Status::IOError("bulk loader used after Finish");
    return FromRocks(table_->db()->SetOptions(kServingOptions));
  }

 private:
  struct ListingInfo {
    TenantId tenant;
    EntityId landlord;
    PortfolioEntry entry;  // summary and open-application count
  };

  // Records `s`; writes the batch once it is big enough.
  Status Done(Status s) {
    if (!s.ok()) return status_ = s;
    if (batch_.GetDataSize() < kBatchBytes) return Status::OK();
    return WriteBatch();
  }

  // Hands the buffered items, sorted by key, to the writer thread (waiting
  // for it to finish the previous batch), so that generating and encoding
  // overlap with memtable inserts. Sorted, the memtable's skip list inserts
  // each next key right after the previous one (its cached splice stays
  // valid): about twice as fast as the generation order, where consecutive
  // items land in far-apart collections.
  Status WriteBatch() {
    if (batch_.Count() == 0) return Status::OK();
    Status s = SortBatch();
    batch_.Clear();
    if (!s.ok()) return status_ = s;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !pending_; });
    if (!writer_status_.ok()) return status_ = writer_status_;
    std::swap(sorted_, in_flight_);
    sorted_.Clear();
    pending_ = true;
    cv_.notify_all();
    return Status::OK();
  }

  void WriterLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return pending_ || stop_; });
      if (!pending_) return;  // stopped and drained
      lock.unlock();
      Status s = table_->Write(&in_flight_);
      lock.lock();
      if (!s.ok() && writer_status_.ok()) writer_status_ = s;
      pending_ = false;
      cv_.notify_all();
    }
  }

  // Waits for the batch in flight, ends the writer thread and records its
  // first failure.
  void StopWriter() {
    if (!writer_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    writer_.join();
    if (!writer_status_.ok() && status_.ok()) status_ = writer_status_;
  }

  Status SortBatch() {
    struct Collector : rocksdb::WriteBatch::Handler {
      std::vector<std::pair<rocksdb::Slice, rocksdb::Slice>> items;
      void Put(const rocksdb::Slice& k, const rocksdb::Slice& v) override {
        items.emplace_back(k, v);
      }
    } c;
    c.items.reserve(batch_.Count());
    LB_RETURN_IF_ERROR(FromRocks(batch_.Iterate(&c)));
    std::stable_sort(c.items.begin(), c.items.end(),
                     [](const auto& a, const auto& b) { return a.first.compare(b.first) < 0; });
    for (const auto& [k, v] : c.items) LB_RETURN_IF_ERROR(FromRocks(sorted_.Put(k, v)));
    return Status::OK();
  }

  Table* table_;
  Status status_;               // first failure; the loader refuses further work after it
  rocksdb::WriteBatch batch_;   // items in arrival order
  rocksdb::WriteBatch sorted_;  // the same items sorted by key, as written

  // The writer thread and the one batch it may be writing.
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;           // guarded by mu_: in_flight_ awaits writing
  bool stop_ = false;              // guarded by mu_
  rocksdb::WriteBatch in_flight_;  // owned by the writer while pending_
  Status writer_status_;           // guarded by mu_: first write failure
  std::unordered_map<EntityId, LandlordSummary> landlords_;
  std::unordered_map<EntityId, ListingInfo> listings_;
  std::unordered_map<EntityId, ApplicantSummary> applicants_;
  std::unordered_map<EntityId, EntityId> app_applicant_;
};

}  // namespace

std::unique_ptr<BulkLoader> NewRocksBulkLoader(Table* table) {
  return std::make_unique<RocksBulkLoader>(table);
}

}  // namespace listbench::rocks
