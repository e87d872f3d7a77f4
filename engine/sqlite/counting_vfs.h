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
// Fault injection (core/io_fault.h): when created with an IoFaultInjector,
// every file the engine opens by name is tracked by its xOpen path, and
//   - Before(op, path, offset, bytes) is asked BEFORE the real call: xRead =
//     kRead(offset, n), xWrite = kWrite(offset, n), xTruncate = kWrite over
//     the cut region [new_size, old_size) (0 bytes when not shrinking), xSync
//     = kSync, xOpen = kOpen, xDelete = kDelete. A verdict other than
//     kProceed returns without touching the file: kIoError and kCrashed give
//     the call's SQLITE_IOERR_READ / _WRITE / _TRUNCATE / _FSYNC / _DELETE
//     (SQLITE_CANTOPEN for xOpen), kNoSpace gives SQLITE_FULL. Refused calls
//     are not counted in io_stats().
//   - after a SUCCESSFUL call it reports Created(path) (an xOpen with
//     SQLITE_OPEN_CREATE of a file that did not exist), Synced(path) then
//     DirSynced(parent directory) (xSync; the unix VFS fsyncs the directory
//     inside the first xSync of a new journal or WAL, which we cannot see),
//     and Deleted(path) (xDelete).
// Locks, shared memory (-shm, mapped by the unix VFS itself), xFileSize and
// xAccess are never faulted; temp files (opened with no name) are passed
// through unfaulted and untracked. Without an injector every call passes
// through unchanged. This is the only place the SQLite engine injects faults.
//
// Thread safety: safe for many connections on many threads at once. The I/O
// callbacks touch the VFS's counters (atomic), its parent VFS and injector
// pointers (set before registration, then only read), the per-file object
// (owned by one connection, used by whichever thread holds it) and the
// injector, which core/io_fault.h requires to be safe for concurrent use.
// Registration and unregistration use SQLite's own mutex. REQUIRES: no
// connection using the VFS is open when it is destroyed.
#ifndef LISTBENCH_ENGINE_SQLITE_COUNTING_VFS_H_
#define LISTBENCH_ENGINE_SQLITE_COUNTING_VFS_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "core/io_fault.h"
#include "core/io_stats.h"
#include "core/status.h"

namespace listbench {

class CountingVfs {
 public:
  // Registers a new shim over the default VFS (not as the default). Fails
  // only if SQLite has no default VFS or registration fails. `faults` (not
  // owned; must outlive the VFS) is consulted on every file call; nullptr =
  // no faults.
  static StatusOr<std::unique_ptr<CountingVfs>> Create(IoFaultInjector* faults = nullptr);
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
  sqlite3_vfs vfs_{};  // pAppData points at this object
  sqlite3_vfs* parent_ = nullptr;
  IoCounters counters_;
  IoFaultInjector* faults_ = nullptr;
  bool registered_ = false;

  friend struct CountingVfsMethods;
};

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_COUNTING_VFS_H_
