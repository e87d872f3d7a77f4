#include "engine/rocks/counting_fs.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace listbench::rocks {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// What every wrapped file shares: where to count, whom to ask (may be null)
// and the path the engine opened it by.
struct Seam {
  IoCounters* counters;
  IoFaultInjector* faults;
  std::string path;

  // OK = perform the call; otherwise the error the injector's verdict names.
  IOStatus Ask(IoOp op, uint64_t offset, uint64_t bytes) const;
  void Synced() const {
    if (faults != nullptr) faults->Synced(path);
  }
};

IOStatus Injected(IoVerdict v, IoOp op, const std::string& path) {
  const std::string what = std::string(IoOpName(op)) + " " + path;
  switch (v) {
    case IoVerdict::kProceed:
      return IOStatus::OK();
    case IoVerdict::kIoError:
      return IOStatus::IOError("injected fault: " + what);
    case IoVerdict::kNoSpace:
      return IOStatus::NoSpace("injected fault: " + what);
    case IoVerdict::kCrashed:
      return IOStatus::IOError("injected power loss: " + what);
  }
  return IOStatus::IOError("injected fault (unknown verdict): " + what);
}

IOStatus Ask(IoFaultInjector* faults, IoOp op, const std::string& path, uint64_t offset,
             uint64_t bytes) {
  if (faults == nullptr) return IOStatus::OK();
  return Injected(faults->Before(op, path, offset, bytes), op, path);
}

IOStatus Seam::Ask(IoOp op, uint64_t offset, uint64_t bytes) const {
  return rocks::Ask(faults, op, path, offset, bytes);
}

// The path is kept only for the injector (no copy without one).
Seam MakeSeam(IoCounters* counters, IoFaultInjector* faults, const std::string& path) {
  return Seam{counters, faults, faults != nullptr ? path : std::string()};
}

class CountingSequentialFile : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  CountingSequentialFile(std::unique_ptr<rocksdb::FSSequentialFile>&& t, Seam seam)
      : FSSequentialFileOwnerWrapper(std::move(t)), seam_(std::move(seam)) {}
  IOStatus Read(size_t n, const IOOptions& o, Slice* result, char* scratch,
                IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kRead, pos_, n); !f.ok()) return f;
    IOStatus s = target()->Read(n, o, result, scratch, dbg);
    seam_.counters->AddRead(s.ok() ? result->size() : 0);
    if (s.ok()) pos_ += result->size();
    return s;
  }
  IOStatus Skip(uint64_t n) override {
    IOStatus s = target()->Skip(n);
    if (s.ok()) pos_ += n;
    return s;
  }
  IOStatus PositionedRead(uint64_t offset, size_t n, const IOOptions& o, Slice* result,
                          char* scratch, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kRead, offset, n); !f.ok()) return f;
    IOStatus s = target()->PositionedRead(offset, n, o, result, scratch, dbg);
    seam_.counters->AddRead(s.ok() ? result->size() : 0);
    return s;
  }

 private:
  const Seam seam_;
  uint64_t pos_ = 0;  // of the next sequential Read (only the injector needs it)
};

class CountingRandomAccessFile : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  CountingRandomAccessFile(std::unique_ptr<rocksdb::FSRandomAccessFile>&& t, Seam seam)
      : FSRandomAccessFileOwnerWrapper(std::move(t)), seam_(std::move(seam)) {}
  IOStatus Read(uint64_t offset, size_t n, const IOOptions& o, Slice* result, char* scratch,
                IODebugContext* dbg) const override {
    if (IOStatus f = seam_.Ask(IoOp::kRead, offset, n); !f.ok()) return f;
    IOStatus s = target()->Read(offset, n, o, result, scratch, dbg);
    seam_.counters->AddRead(s.ok() ? result->size() : 0);
    return s;
  }
  IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs, const IOOptions& o,
                     IODebugContext* dbg) override {
    if (seam_.faults != nullptr) return FaultedMultiRead(reqs, num_reqs, o, dbg);
    IOStatus s = target()->MultiRead(reqs, num_reqs, o, dbg);
    for (size_t i = 0; i < num_reqs; ++i) {
      seam_.counters->AddRead(reqs[i].status.ok() ? reqs[i].result.size() : 0);
    }
    return s;
  }
  // Asynchronous reads are served synchronously so that every byte is counted
  // (and consulted) here (the default FSRandomAccessFile::ReadAsync does
  // exactly that, through Read).
  IOStatus ReadAsync(rocksdb::FSReadRequest& req, const IOOptions& o,
                     std::function<void(const rocksdb::FSReadRequest&, void*)> cb, void* cb_arg,
                     void** io_handle, rocksdb::IOHandleDeleter* del_fn,
                     IODebugContext* dbg) override {
    return FSRandomAccessFile::ReadAsync(req, o, std::move(cb), cb_arg, io_handle, del_fn, dbg);
  }

 private:
  // Asks about each request; a failed one gets the injected status, the rest
  // go to the target in one MultiRead.
  IOStatus FaultedMultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs, const IOOptions& o,
                            IODebugContext* dbg) {
    std::vector<rocksdb::FSReadRequest> pass;
    std::vector<size_t> index;
    for (size_t i = 0; i < num_reqs; ++i) {
      IOStatus f = seam_.Ask(IoOp::kRead, reqs[i].offset, reqs[i].len);
      if (f.ok()) {
        pass.push_back(reqs[i]);
        index.push_back(i);
      } else {
        reqs[i].result = Slice();
        reqs[i].status = std::move(f);
      }
    }
    if (pass.empty()) return reqs[0].status;  // all injected (num_reqs > 0)
    IOStatus s = target()->MultiRead(pass.data(), pass.size(), o, dbg);
    for (size_t j = 0; j < pass.size(); ++j) {
      rocksdb::FSReadRequest& r = reqs[index[j]];
      r.result = pass[j].result;
      r.status = std::move(pass[j].status);
      seam_.counters->AddRead(r.status.ok() ? r.result.size() : 0);
    }
    return s;
  }

  const Seam seam_;
};

class CountingWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  // `size`: the file's size at open (where the first Append lands).
  CountingWritableFile(std::unique_ptr<rocksdb::FSWritableFile>&& t, Seam seam, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(t)), seam_(std::move(seam)), size_(size) {}
  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kWrite, size_, data.size()); !f.ok()) return f;
    seam_.counters->AddWrite(data.size());
    return Appended(target()->Append(data, o, dbg), data.size());
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kWrite, size_, data.size()); !f.ok()) return f;
    seam_.counters->AddWrite(data.size());
    return Appended(target()->Append(data, o, info, dbg), data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kWrite, offset, data.size()); !f.ok()) return f;
    seam_.counters->AddWrite(data.size());
    return Wrote(target()->PositionedAppend(data, offset, o, dbg), offset, data.size());
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kWrite, offset, data.size()); !f.ok()) return f;
    seam_.counters->AddWrite(data.size());
    return Wrote(target()->PositionedAppend(data, offset, o, info, dbg), offset, data.size());
  }
  IOStatus Truncate(uint64_t size, const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kWrite, size, size_ > size ? size_ - size : 0); !f.ok()) {
      return f;
    }
    IOStatus s = target()->Truncate(size, o, dbg);
    if (s.ok()) size_ = size;
    return s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kSync, 0, 0); !f.ok()) return f;
    seam_.counters->AddSync();
    return Synced(target()->Sync(o, dbg));
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kSync, 0, 0); !f.ok()) return f;
    seam_.counters->AddSync();
    return Synced(target()->Fsync(o, dbg));
  }
  // sync_file_range: may fail, but is no durability barrier (not Synced).
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& o,
                     IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kSync, 0, 0); !f.ok()) return f;
    seam_.counters->AddSync();
    return target()->RangeSync(offset, nbytes, o, dbg);
  }

 private:
  IOStatus Appended(IOStatus s, uint64_t n) {
    if (s.ok()) size_ += n;
    return s;
  }
  IOStatus Wrote(IOStatus s, uint64_t offset, uint64_t n) {
    if (s.ok()) size_ = std::max(size_, offset + n);
    return s;
  }
  IOStatus Synced(IOStatus s) {
    if (s.ok()) seam_.Synced();
    return s;
  }

  const Seam seam_;
  // Bytes in the file as far as this handle knows: the offset of the next
  // Append (RocksDB does not use one writable file from two threads at once).
  uint64_t size_;
};

class CountingRandomRWFile : public rocksdb::FSRandomRWFileOwnerWrapper {
 public:
  CountingRandomRWFile(std::unique_ptr<rocksdb::FSRandomRWFile>&& t, Seam seam)
      : FSRandomRWFileOwnerWrapper(std::move(t)), seam_(std::move(seam)) {}
  IOStatus Write(uint64_t offset, const Slice& data, const IOOptions& o,
                 IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kWrite, offset, data.size()); !f.ok()) return f;
    seam_.counters->AddWrite(data.size());
    return target()->Write(offset, data, o, dbg);
  }
  IOStatus Read(uint64_t offset, size_t n, const IOOptions& o, Slice* result, char* scratch,
                IODebugContext* dbg) const override {
    if (IOStatus f = seam_.Ask(IoOp::kRead, offset, n); !f.ok()) return f;
    IOStatus s = target()->Read(offset, n, o, result, scratch, dbg);
    seam_.counters->AddRead(s.ok() ? result->size() : 0);
    return s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kSync, 0, 0); !f.ok()) return f;
    seam_.counters->AddSync();
    IOStatus s = target()->Sync(o, dbg);
    if (s.ok()) seam_.Synced();
    return s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kSync, 0, 0); !f.ok()) return f;
    seam_.counters->AddSync();
    IOStatus s = target()->Fsync(o, dbg);
    if (s.ok()) seam_.Synced();
    return s;
  }

 private:
  const Seam seam_;
};

class CountingDirectory : public rocksdb::FSDirectoryWrapper {
 public:
  CountingDirectory(std::unique_ptr<rocksdb::FSDirectory>&& t, Seam seam)
      : FSDirectoryWrapper(std::move(t)), seam_(std::move(seam)) {}
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus f = seam_.Ask(IoOp::kDirSync, 0, 0); !f.ok()) return f;
    seam_.counters->AddSync();
    return DirSynced(FSDirectoryWrapper::Fsync(o, dbg));
  }
  IOStatus FsyncWithDirOptions(const IOOptions& o, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& d) override {
    if (IOStatus f = seam_.Ask(IoOp::kDirSync, 0, 0); !f.ok()) return f;
    seam_.counters->AddSync();
    return DirSynced(FSDirectoryWrapper::FsyncWithDirOptions(o, dbg, d));
  }

 private:
  IOStatus DirSynced(IOStatus s) {
    if (s.ok() && seam_.faults != nullptr) seam_.faults->DirSynced(seam_.path);
    return s;
  }

  const Seam seam_;
};

// "dir/" -> "dir" (but "/" stays), so directory paths compare with the
// parents of file paths.
std::string TrimTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// The open protocol shared by every New*File: ask kOpen, note whether the
// file existed (only when an injector listens), open through `open`, and on
// success count, report Created and wrap the result with `wrap(seam)`.
template <typename File, typename OpenFn, typename WrapFn>
IOStatus OpenFile(IoCounters* counters, IoFaultInjector* faults, const std::string& f,
                  rocksdb::FileSystem* target, std::unique_ptr<File>* r, OpenFn open, WrapFn wrap) {
  if (IOStatus s = Ask(faults, IoOp::kOpen, f, 0, 0); !s.ok()) return s;
  const bool existed = faults != nullptr && target->FileExists(f, IOOptions(), nullptr).ok();
  IOStatus s = open();
  if (!s.ok()) return s;
  counters->AddOpen();
  if (faults != nullptr && !existed) faults->Created(f);
  *r = wrap(MakeSeam(counters, faults, f));
  return s;
}

}  // namespace

CountingFileSystem::CountingFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target,
                                       IoCounters* counters, IoFaultInjector* faults)
    : FileSystemWrapper(target), counters_(counters), faults_(faults) {}

IOStatus CountingFileSystem::NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                               std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                               IODebugContext* dbg) {
  if (IOStatus s = Ask(faults_, IoOp::kOpen, f, 0, 0); !s.ok()) return s;
  IOStatus s = target()->NewSequentialFile(f, o, r, dbg);
  if (s.ok()) {
    counters_->AddOpen();
    *r = std::make_unique<CountingSequentialFile>(std::move(*r), MakeSeam(counters_, faults_, f));
  }
  return s;
}

IOStatus CountingFileSystem::NewRandomAccessFile(const std::string& f,
                                                 const rocksdb::FileOptions& o,
                                                 std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                                 IODebugContext* dbg) {
  if (IOStatus s = Ask(faults_, IoOp::kOpen, f, 0, 0); !s.ok()) return s;
  IOStatus s = target()->NewRandomAccessFile(f, o, r, dbg);
  if (s.ok()) {
    counters_->AddOpen();
    *r = std::make_unique<CountingRandomAccessFile>(std::move(*r), MakeSeam(counters_, faults_, f));
  }
  return s;
}

IOStatus CountingFileSystem::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                             std::unique_ptr<rocksdb::FSWritableFile>* r,
                                             IODebugContext* dbg) {
  return OpenFile(
      counters_, faults_, f, target(), r, [&] { return target()->NewWritableFile(f, o, r, dbg); },
      [&](Seam seam) {  // truncated: appends start at 0
        return std::make_unique<CountingWritableFile>(std::move(*r), std::move(seam), 0);
      });
}

IOStatus CountingFileSystem::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                                std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                IODebugContext* dbg) {
  return OpenFile(
      counters_, faults_, f, target(), r,
      [&] { return target()->ReopenWritableFile(f, o, r, dbg); },
      [&](Seam seam) {  // appends continue at the end (only the injector needs it)
        uint64_t size = 0;
        if (faults_ != nullptr && !target()->GetFileSize(f, IOOptions(), &size, nullptr).ok()) {
          size = 0;
        }
        return std::make_unique<CountingWritableFile>(std::move(*r), std::move(seam), size);
      });
}

// Reuse renames `old` to `f` and then overwrites it from offset 0: reported
// as Renamed(old, f), not Created.
IOStatus CountingFileSystem::ReuseWritableFile(const std::string& f, const std::string& old,
                                               const rocksdb::FileOptions& o,
                                               std::unique_ptr<rocksdb::FSWritableFile>* r,
                                               IODebugContext* dbg) {
  if (IOStatus s = Ask(faults_, IoOp::kOpen, f, 0, 0); !s.ok()) return s;
  IOStatus s = target()->ReuseWritableFile(f, old, o, r, dbg);
  if (s.ok()) {
    counters_->AddOpen();
    if (faults_ != nullptr) faults_->Renamed(old, f);
    *r = std::make_unique<CountingWritableFile>(std::move(*r), MakeSeam(counters_, faults_, f), 0);
  }
  return s;
}

IOStatus CountingFileSystem::NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                             std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                             IODebugContext* dbg) {
  return OpenFile(
      counters_, faults_, f, target(), r, [&] { return target()->NewRandomRWFile(f, o, r, dbg); },
      [&](Seam seam) {
        return std::make_unique<CountingRandomRWFile>(std::move(*r), std::move(seam));
      });
}

IOStatus CountingFileSystem::NewDirectory(const std::string& name, const IOOptions& o,
                                          std::unique_ptr<rocksdb::FSDirectory>* r,
                                          IODebugContext* dbg) {
  // Directories are not files: opening one is neither counted nor consulted;
  // syncing it is both.
  IOStatus s = target()->NewDirectory(name, o, r, dbg);
  if (s.ok()) {
    std::string dir = faults_ != nullptr ? TrimTrailingSlashes(name) : std::string();
    *r = std::make_unique<CountingDirectory>(std::move(*r),
                                             Seam{counters_, faults_, std::move(dir)});
  }
  return s;
}

IOStatus CountingFileSystem::DeleteFile(const std::string& f, const IOOptions& o,
                                        IODebugContext* dbg) {
  if (IOStatus s = Ask(faults_, IoOp::kDelete, f, 0, 0); !s.ok()) return s;
  IOStatus s = target()->DeleteFile(f, o, dbg);
  if (s.ok()) {
    counters_->AddDelete();
    if (faults_ != nullptr) faults_->Deleted(f);
  }
  return s;
}

IOStatus CountingFileSystem::RenameFile(const std::string& src, const std::string& dst,
                                        const IOOptions& o, IODebugContext* dbg) {
  if (IOStatus s = Ask(faults_, IoOp::kRename, dst, 0, 0); !s.ok()) return s;
  IOStatus s = target()->RenameFile(src, dst, o, dbg);
  if (s.ok()) {
    counters_->AddRename();
    if (faults_ != nullptr) faults_->Renamed(src, dst);
  }
  return s;
}

std::shared_ptr<rocksdb::FileSystem> NewCountingFileSystem(IoCounters* counters,
                                                           IoFaultInjector* faults) {
  return std::make_shared<CountingFileSystem>(rocksdb::FileSystem::Default(), counters, faults);
}

}  // namespace listbench::rocks
