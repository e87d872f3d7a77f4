#include "engine/rocks/table.h"

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

Table::Table(std::unique_ptr<rocksdb::DB> db, const rocksdb::WriteOptions& write_options)
    : db_(std::move(db)), write_options_(write_options) {}

Status Table::Get(std::string_view key, std::string* value, bool* found) {
  ++work_.queries;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) {
    *found = false;
    if (count_units_) {
      work_.read_units += ReadUnitsForGet(0);
      Remember(key, 0);
    }
    return Status::OK();
  }
  if (!s.ok()) return FromRocks(s);
  ++work_.rows_read;
  *found = true;
  if (count_units_) {
    const uint64_t bytes = ItemBytes(key.size(), value->size());
    work_.read_units += ReadUnitsForGet(bytes);
    Remember(key, bytes);
  }
  return Status::OK();
}

Status Table::Scan(std::string_view lower, std::string_view upper,
                   const std::function<bool(std::string_view, std::string_view)>& fn) {
  ++work_.queries;
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper.data(), upper.size());
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  uint64_t total_bytes = 0;  // of the visited items, for read units
  for (it->Seek(rocksdb::Slice(lower.data(), lower.size())); it->Valid(); it->Next()) {
    ++work_.rows_read;
    const rocksdb::Slice k = it->key(), v = it->value();
    const std::string_view key(k.data(), k.size());
    if (count_units_) {
      const uint64_t bytes = SizeOf(k, v);
      total_bytes += bytes;
      Remember(key, bytes);
    }
    if (!fn(key, std::string_view(v.data(), v.size()))) break;
  }
  if (count_units_) work_.read_units += ReadUnitsForQuery(total_bytes);
  return FromRocks(it->status());
}

Status Table::Write(rocksdb::WriteBatch* batch) {
  ++work_.queries;
  work_.rows_written += batch->Count();
  if (!count_units_) return FromRocks(db_->Write(write_options_, batch));
  WriteUnitCounter counter(sizes_);
  LB_RETURN_IF_ERROR(FromRocks(batch->Iterate(&counter)));
  work_.write_units += counter.units();
  LB_RETURN_IF_ERROR(FromRocks(db_->Write(write_options_, batch)));
  for (auto& [key, bytes] : counter.changed()) sizes_[key] = bytes;
  return Status::OK();
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
