// The info log (the LOG file) every DB of the RocksDB engine is opened with.
//
// RocksDB's own info log appends through a file writer that, in the Debian
// build of librocksdb 7.8 (assertions on), aborts the process when it is
// used again after one of its writes failed: a full disk that failed one
// LOG line killed the process at the next (the background error RocksDB
// logs right after a failed flush is such a line). This logger writes each
// line straight to the file through the store's file system (so the seam
// counts and may fault it, core/io_fault.h) and, after the first failed
// write, closes the file and drops every later line: a full disk costs the
// log its tail, never the process.
//
// The file is dir/LOG, appended to across opens (a reopen in place after an
// I/O error keeps the lines that tell why); it starts over when it is
// already larger than 1 MiB. Lines below `level` are dropped.
//
// Thread safety: safe for concurrent use (RocksDB logs from its background
// threads); the file system must outlive the logger.
#ifndef LISTBENCH_ENGINE_ROCKS_INFO_LOG_H_
#define LISTBENCH_ENGINE_ROCKS_INFO_LOG_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>
#include <string>

namespace listbench::rocks {

// Never null: when dir/LOG cannot be opened, a logger that drops every line.
std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::shared_ptr<rocksdb::FileSystem>& fs,
                                            const std::string& dir, rocksdb::InfoLogLevel level);

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_INFO_LOG_H_
