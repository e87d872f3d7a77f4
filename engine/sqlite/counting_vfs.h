// CountingVfs: THE file-system seam of the SQLite engine. A VFS shim over the
// default (unix) VFS, in the manner of SQLite's src/test_vfs.c and
// src/test_demovfs.c, that passes every call through unchanged and counts
// reads, writes, syncs, opens and deletes (with bytes) into an IoCounters.
//
// Each CountingVfs registers itself under its own unique name, so a Store
// that opens its connections with sqlite3_open_v2(..., vfs.name()) sees only
// its own files in io_stats(). Every SQLite file the engine touches (database,
// -wal, -shm, temp files) goes through here.
//
// Fault injection: a fault hook (ask the shared fault plan whether to fail
// this call, transiently or persistently) will be added here, in the file
// and VFS methods below, and nowhere else in the SQLite engine.
//
// Thread safety: the counters are atomic; registration and unregistration
// use SQLite's own mutex. REQUIRES: no connection using the VFS is open when
// it is destroyed.
#ifndef LISTBENCH_ENGINE_SQLITE_COUNTING_VFS_H_
#define LISTBENCH_ENGINE_SQLITE_COUNTING_VFS_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "engine/io_stats.h"
#include "engine/status.h"

namespace listbench {

class CountingVfs {
 public:
  // Registers a new shim over the default VFS (not as the default). Fails
  // only if SQLite has no default VFS or registration fails.
  static StatusOr<std::unique_ptr<CountingVfs>> Create();
  ~CountingVfs();  // unregisters

  CountingVfs(const CountingVfs&) = delete;
  CountingVfs& operator=(const CountingVfs&) = delete;

  // The registered name to pass to sqlite3_open_v2.
  const char* name() const { return name_.c_str(); }
  IoStats Snapshot() const { return counters_.Snapshot(); }
  IoCounters* counters() { return &counters_; }

 private:
  CountingVfs() = default;

  std::string name_;
  sqlite3_vfs vfs_{};      // pAppData points at this object
  sqlite3_vfs* parent_ = nullptr;
  IoCounters counters_;
  bool registered_ = false;

  friend struct CountingVfsMethods;
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_COUNTING_VFS_H_
