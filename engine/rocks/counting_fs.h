// CountingFileSystem: THE one I/O seam of the RocksDB engine. Every file the
// engine's RocksDB instance opens, reads, writes, syncs, deletes or renames
// goes through this rocksdb::FileSystemWrapper (installed with
// rocksdb::NewCompositeEnv into Options::env), which passes each call through
// to the wrapped file system and counts it into a listbench::IoCounters.
//
// Later work adds fault injection HERE (fail the Nth call, drop unsynced data
// on a simulated crash), consulting the shared fault plan, in the manner of
// RocksDB's FaultInjectionTestFS; nothing else in the engine touches files.
//
// What is counted (engine/io_stats.h): reads = Read/PositionedRead/MultiRead
// requests; writes = Append/PositionedAppend/RandomRW Write; syncs = file
// Sync/Fsync/RangeSync and directory Fsync; opens = files opened or created;
// deletes = DeleteFile; renames = RenameFile.
//
// Thread safety: safe for concurrent use (RocksDB's background threads call
// it); the counters are atomics and must outlive the file system.
#ifndef LISTBENCH_ENGINE_ROCKS_COUNTING_FS_H_
#define LISTBENCH_ENGINE_ROCKS_COUNTING_FS_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>

#include "engine/io_stats.h"

namespace listbench::rocks {

class CountingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // REQUIRES: `counters` outlives this file system and every file it opened.
  CountingFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target, IoCounters* counters);

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
};

// A file system counting into `counters` over the default POSIX one.
std::shared_ptr<rocksdb::FileSystem> NewCountingFileSystem(IoCounters* counters);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_COUNTING_FS_H_
