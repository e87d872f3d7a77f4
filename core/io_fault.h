// IoFaultInjector: what an engine's one I/O seam (the RocksDB
// FileSystemWrapper, engine/rocks/counting_fs.h; the SQLite VFS shim,
// engine/sqlite/counting_vfs.h) consults on every call when a fault plan is
// installed (StoreOptions::faults). The engines know only this interface; the
// seeded plan that implements it lives in sim/fault_plan.h.
//
// Protocol, per seam call:
//   1. Before performing the call, the seam asks Before(...). On kProceed it
//      performs the call; otherwise it returns the error the verdict names
//      WITHOUT touching the file (RocksDB: IOStatus::IOError / NoSpace;
//      SQLite: SQLITE_IOERR_* / SQLITE_FULL). Latency faults sleep inside
//      Before and then proceed.
//   2. After a call that changed what is on disk SUCCEEDED, the seam reports
//      it (Created, Synced, DirSynced, Renamed, Deleted) so the plan can
//      simulate power loss: drop every byte not yet synced and every file
//      created since its directory was last synced.
// A write's pre-image is captured by the plan inside Before(kWrite, ...),
// which is why Before gets the offset and length of every write.
//
// Rename: Before(kRename, dst, 0, 0) -- the path is the DESTINATION (so the
// plan can keep a replaced file's durable content), then Renamed(src, dst).
//
// Paths are the ones the engine passed to its file system / VFS (absolute or
// as given); the plan only compares and classifies them.
//
// Thread safety: implementations must be safe for concurrent use (RocksDB's
// background threads call the seam).
#ifndef LISTBENCH_CORE_IO_FAULT_H_
#define LISTBENCH_CORE_IO_FAULT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace listbench {

// What a seam call does. Rename, delete and directory sync are the
// "metadata" calls a metadata-error rule matches.
enum class IoOp : uint8_t { kRead, kWrite, kSync, kOpen, kDelete, kRename, kDirSync };
std::string_view IoOpName(IoOp op);

// File kinds a fault rule can be scoped to. RocksDB: *.log = kWal, *.sst =
// kTable, MANIFEST-*/CURRENT/OPTIONS-* and their temp files = kManifest.
// SQLite: the database file (*.sqlite, *.db) = kTable, *-wal = kWal, *-journal = kJournal,
// *-shm = kShm. Anything else (LOG, LOCK, IDENTITY, temp files) = kOther.
enum class FileKind : uint8_t { kWal, kTable, kJournal, kManifest, kShm, kOther };
inline constexpr int kNumFileKinds = 6;
std::string_view FileKindName(FileKind k);
FileKind ClassifyFile(std::string_view path);

enum class IoVerdict : uint8_t {
  kProceed,  // perform the call
  kIoError,  // fail it with a plain I/O error
  kNoSpace,  // fail it as "disk full" (ENOSPC)
  kCrashed,  // the machine has lost power: fail it; so will every later call
};

class IoFaultInjector {
 public:
  virtual ~IoFaultInjector() = default;
  // `offset`/`bytes`: for reads and writes, the range; 0 otherwise.
  virtual IoVerdict Before(IoOp op, const std::string& path, uint64_t offset, uint64_t bytes) = 0;

  // ---- What happened (successful calls only), for power-loss simulation ----
  // A file was created (did not exist before the open).
  virtual void Created(const std::string& path) = 0;
  // The file's data written so far is durable (fsync/fdatasync; NOT
  // RangeSync / sync_file_range, which is no barrier).
  virtual void Synced(const std::string& path) = 0;
  // The directory's entries are durable (files created in it survive).
  virtual void DirSynced(const std::string& dir) = 0;
  virtual void Renamed(const std::string& src, const std::string& dst) = 0;
  virtual void Deleted(const std::string& path) = 0;
};

}  // namespace listbench

#endif  // LISTBENCH_CORE_IO_FAULT_H_
