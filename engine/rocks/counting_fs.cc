#include "engine/rocks/counting_fs.h"

#include <string>
#include <utility>

namespace listbench::rocks {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class CountingSequentialFile : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  CountingSequentialFile(std::unique_ptr<rocksdb::FSSequentialFile>&& t, IoCounters* c)
      : FSSequentialFileOwnerWrapper(std::move(t)), counters_(c) {}
  IOStatus Read(size_t n, const IOOptions& o, Slice* result, char* scratch,
                IODebugContext* dbg) override {
    IOStatus s = target()->Read(n, o, result, scratch, dbg);
    counters_->AddRead(s.ok() ? result->size() : 0);
    return s;
  }
  IOStatus PositionedRead(uint64_t offset, size_t n, const IOOptions& o, Slice* result,
                          char* scratch, IODebugContext* dbg) override {
    IOStatus s = target()->PositionedRead(offset, n, o, result, scratch, dbg);
    counters_->AddRead(s.ok() ? result->size() : 0);
    return s;
  }

 private:
  IoCounters* counters_;
};

class CountingRandomAccessFile : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  CountingRandomAccessFile(std::unique_ptr<rocksdb::FSRandomAccessFile>&& t, IoCounters* c)
      : FSRandomAccessFileOwnerWrapper(std::move(t)), counters_(c) {}
  IOStatus Read(uint64_t offset, size_t n, const IOOptions& o, Slice* result, char* scratch,
                IODebugContext* dbg) const override {
    IOStatus s = target()->Read(offset, n, o, result, scratch, dbg);
    counters_->AddRead(s.ok() ? result->size() : 0);
    return s;
  }
  IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs, const IOOptions& o,
                     IODebugContext* dbg) override {
    IOStatus s = target()->MultiRead(reqs, num_reqs, o, dbg);
    for (size_t i = 0; i < num_reqs; ++i) {
      counters_->AddRead(reqs[i].status.ok() ? reqs[i].result.size() : 0);
    }
    return s;
  }
  // Asynchronous reads are served synchronously so that every byte is counted
  // here (the default FSRandomAccessFile::ReadAsync does exactly that).
  IOStatus ReadAsync(rocksdb::FSReadRequest& req, const IOOptions& o,
                     std::function<void(const rocksdb::FSReadRequest&, void*)> cb, void* cb_arg,
                     void** io_handle, rocksdb::IOHandleDeleter* del_fn,
                     IODebugContext* dbg) override {
    return FSRandomAccessFile::ReadAsync(req, o, std::move(cb), cb_arg, io_handle, del_fn, dbg);
  }

 private:
  IoCounters* counters_;
};

class CountingWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  CountingWritableFile(std::unique_ptr<rocksdb::FSWritableFile>&& t, IoCounters* c)
      : FSWritableFileOwnerWrapper(std::move(t)), counters_(c) {}
  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    counters_->AddWrite(data.size());
    return target()->Append(data, o, dbg);
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    counters_->AddWrite(data.size());
    return target()->Append(data, o, info, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* dbg) override {
    counters_->AddWrite(data.size());
    return target()->PositionedAppend(data, offset, o, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    counters_->AddWrite(data.size());
    return target()->PositionedAppend(data, offset, o, info, dbg);
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    counters_->AddSync();
    return target()->Sync(o, dbg);
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    counters_->AddSync();
    return target()->Fsync(o, dbg);
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& o,
                     IODebugContext* dbg) override {
    counters_->AddSync();
    return target()->RangeSync(offset, nbytes, o, dbg);
  }

 private:
  IoCounters* counters_;
};

class CountingRandomRWFile : public rocksdb::FSRandomRWFileOwnerWrapper {
 public:
  CountingRandomRWFile(std::unique_ptr<rocksdb::FSRandomRWFile>&& t, IoCounters* c)
      : FSRandomRWFileOwnerWrapper(std::move(t)), counters_(c) {}
  IOStatus Write(uint64_t offset, const Slice& data, const IOOptions& o,
                 IODebugContext* dbg) override {
    counters_->AddWrite(data.size());
    return target()->Write(offset, data, o, dbg);
  }
  IOStatus Read(uint64_t offset, size_t n, const IOOptions& o, Slice* result, char* scratch,
                IODebugContext* dbg) const override {
    IOStatus s = target()->Read(offset, n, o, result, scratch, dbg);
    counters_->AddRead(s.ok() ? result->size() : 0);
    return s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    counters_->AddSync();
    return target()->Sync(o, dbg);
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    counters_->AddSync();
    return target()->Fsync(o, dbg);
  }

 private:
  IoCounters* counters_;
};

class CountingDirectory : public rocksdb::FSDirectoryWrapper {
 public:
  CountingDirectory(std::unique_ptr<rocksdb::FSDirectory>&& t, IoCounters* c)
      : FSDirectoryWrapper(std::move(t)), counters_(c) {}
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    counters_->AddSync();
    return FSDirectoryWrapper::Fsync(o, dbg);
  }
  IOStatus FsyncWithDirOptions(const IOOptions& o, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& d) override {
    counters_->AddSync();
    return FSDirectoryWrapper::FsyncWithDirOptions(o, dbg, d);
  }

 private:
  IoCounters* counters_;
};

// Wraps a freshly opened file on success and counts the open.
template <typename Wrapper, typename File>
IOStatus Wrap(IOStatus s, std::unique_ptr<File>* r, IoCounters* c) {
  if (s.ok()) {
    c->AddOpen();
    *r = std::make_unique<Wrapper>(std::move(*r), c);
  }
  return s;
}

}  // namespace

CountingFileSystem::CountingFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target,
                                       IoCounters* counters)
    : FileSystemWrapper(target), counters_(counters) {}

IOStatus CountingFileSystem::NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                               std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                               IODebugContext* dbg) {
  return Wrap<CountingSequentialFile>(target()->NewSequentialFile(f, o, r, dbg), r, counters_);
}

IOStatus CountingFileSystem::NewRandomAccessFile(const std::string& f,
                                                 const rocksdb::FileOptions& o,
                                                 std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                                 IODebugContext* dbg) {
  return Wrap<CountingRandomAccessFile>(target()->NewRandomAccessFile(f, o, r, dbg), r, counters_);
}

IOStatus CountingFileSystem::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                             std::unique_ptr<rocksdb::FSWritableFile>* r,
                                             IODebugContext* dbg) {
  return Wrap<CountingWritableFile>(target()->NewWritableFile(f, o, r, dbg), r, counters_);
}

IOStatus CountingFileSystem::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                                std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                IODebugContext* dbg) {
  return Wrap<CountingWritableFile>(target()->ReopenWritableFile(f, o, r, dbg), r, counters_);
}

IOStatus CountingFileSystem::ReuseWritableFile(const std::string& f, const std::string& old,
                                               const rocksdb::FileOptions& o,
                                               std::unique_ptr<rocksdb::FSWritableFile>* r,
                                               IODebugContext* dbg) {
  return Wrap<CountingWritableFile>(target()->ReuseWritableFile(f, old, o, r, dbg), r, counters_);
}

IOStatus CountingFileSystem::NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                             std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                             IODebugContext* dbg) {
  return Wrap<CountingRandomRWFile>(target()->NewRandomRWFile(f, o, r, dbg), r, counters_);
}

IOStatus CountingFileSystem::NewDirectory(const std::string& name, const IOOptions& o,
                                          std::unique_ptr<rocksdb::FSDirectory>* r,
                                          IODebugContext* dbg) {
  // Directories are not files: opening one is not counted, syncing it is.
  IOStatus s = target()->NewDirectory(name, o, r, dbg);
  if (s.ok()) *r = std::make_unique<CountingDirectory>(std::move(*r), counters_);
  return s;
}

IOStatus CountingFileSystem::DeleteFile(const std::string& f, const IOOptions& o,
                                        IODebugContext* dbg) {
  IOStatus s = target()->DeleteFile(f, o, dbg);
  if (s.ok()) counters_->AddDelete();
  return s;
}

IOStatus CountingFileSystem::RenameFile(const std::string& src, const std::string& dst,
                                        const IOOptions& o, IODebugContext* dbg) {
  IOStatus s = target()->RenameFile(src, dst, o, dbg);
  if (s.ok()) counters_->AddRename();
  return s;
}

std::shared_ptr<rocksdb::FileSystem> NewCountingFileSystem(IoCounters* counters) {
  return std::make_shared<CountingFileSystem>(rocksdb::FileSystem::Default(), counters);
}

}  // namespace listbench::rocks
