#include "engine/rocks/table.h"

#include <utility>

namespace listbench::rocks {

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
    return Status::OK();
  }
  if (!s.ok()) return FromRocks(s);
  ++work_.rows_read;
  *found = true;
  return Status::OK();
}

Status Table::Scan(std::string_view lower, std::string_view upper,
                   const std::function<bool(std::string_view, std::string_view)>& fn) {
  ++work_.queries;
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper.data(), upper.size());
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(rocksdb::Slice(lower.data(), lower.size())); it->Valid(); it->Next()) {
    ++work_.rows_read;
    const rocksdb::Slice k = it->key(), v = it->value();
    if (!fn(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()))) break;
  }
  return FromRocks(it->status());
}

Status Table::Write(rocksdb::WriteBatch* batch) {
  ++work_.queries;
  work_.rows_written += batch->Count();
  return FromRocks(db_->Write(write_options_, batch));
}

}  // namespace listbench::rocks
