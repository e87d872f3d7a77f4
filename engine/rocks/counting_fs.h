// CountingFileSystem: THE one I/O seam of the RocksDB engine. Every file the
// engine's RocksDB instance opens, reads, writes, syncs, deletes or renames
// goes through this rocksdb::FileSystemWrapper (installed with
// rocksdb::NewCompositeEnv into Options::env), which passes each call through
// to the wrapped file system, counts it into a listbench::IoCounters and, when
// a fault injector is installed (StoreOptions::faults), consults it.
//
// What is counted (core/io_stats.h): reads = Read/PositionedRead/MultiRead
// requests; writes = Append/PositionedAppend/RandomRW Write; syncs = file
// Sync/Fsync/RangeSync and directory Fsync; opens = files opened or created;
// deletes = DeleteFile; renames = RenameFile. A call failed by an injected
// fault never reaches the disk and is not counted.
//
// Fault protocol (core/io_fault.h), only when `faults` is not null:
//   Before(op, path, offset, bytes) is asked before the real call:
//     kRead    Read/PositionedRead (sequential reads at the running position),
//              each MultiRead request, RandomRW Read: the range asked for;
//     kWrite   Append (offset = the file's size so far), PositionedAppend,
//              RandomRW Write: the range written; Truncate: the cut range
//              [new size, old size);
//     kSync    Sync/Fsync, and RangeSync (which may fail but is no barrier);
//     kOpen    New{Sequential,RandomAccess,Writable,RandomRW}File,
//              Reopen/ReuseWritableFile;
//     kDelete  DeleteFile;  kRename  RenameFile, path = the DESTINATION;
//     kDirSync directory Fsync/FsyncWithDirOptions, path = the directory as
//              passed to NewDirectory without trailing '/'.
//   A verdict other than kProceed fails the call without touching the file:
//   kIoError -> IOStatus::IOError("injected fault: <op> <path>"), kNoSpace ->
//   IOStatus::NoSpace(same), kCrashed -> IOError("injected power loss: <op>
//   <path>"); none is marked retryable or data loss (as RocksDB's own
//   FaultInjectionTestFS, whose errors carry only what the test set).
//   After a successful call it reports: Created (an open made a file that did
//   not exist), Synced (file Sync/Fsync only; not RangeSync, not Close),
//   DirSynced, Renamed(src, dst) (also for ReuseWritableFile, which renames
//   the old file), Deleted. Other calls (FileExists, GetChildren, CreateDir,
//   LockFile, LinkFile, Close, ...) pass through unconsulted.
//
// Thread safety: safe for concurrent use (RocksDB's background threads call
// it); the counters are atomics; the counters and the injector must outlive
// the file system and every file it opened.
#ifndef LISTBENCH_ENGINE_ROCKS_COUNTING_FS_H_
#define LISTBENCH_ENGINE_ROCKS_COUNTING_FS_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>

#include "core/io_fault.h"
#include "core/io_stats.h"

namespace listbench::rocks {

class CountingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // REQUIRES: `counters` (and `faults`, if not null) outlive this file system
  // and every file it opened. `faults` = nullptr: no fault injection.
  CountingFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target, IoCounters* counters,
                     IoFaultInjector* faults = nullptr);

  static const char* kClassName() { return "ListbenchCountingFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomAccessFile(const std::string& f, const rocksdb::FileOptions& o,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                        rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& o,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& dst,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override;

 private:
  IoCounters* counters_;
  IoFaultInjector* faults_;  // may be null
};

// A file system counting into `counters` over the default POSIX one,
// consulting `faults` if it is not null.
std::shared_ptr<rocksdb::FileSystem> NewCountingFileSystem(IoCounters* counters,
                                                           IoFaultInjector* faults = nullptr);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_COUNTING_FS_H_
