#include "engine/sqlite/counting_vfs.h"

#include <atomic>
#include <new>
#include <string>

namespace listbench {

namespace {

// The directory a file's entry lives in, as the fault plan names it.
std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The SQLite code a refused call returns: SQLITE_FULL for a full disk, else
// the call's own I/O error (a crashed machine fails calls the same way).
int RefusedCode(IoVerdict v, int ioerr) { return v == IoVerdict::kNoSpace ? SQLITE_FULL : ioerr; }

}  // namespace

// The file object SQLite allocates (vfs.szOsFile bytes): our header followed
// by the parent VFS's file object, which `real` points into. SQLite does not
// construct it: `path` is a plain owning pointer, freed in Close (or in Open
// when the open fails, since SQLite then never calls xClose).
struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real;
  IoCounters* counters;
  IoFaultInjector* faults;  // null: not faulted (no plan, or a temp file)
  std::string* path;        // the xOpen name; set iff faults is

  // SQLITE_OK to perform the call, else the code to fail it with.
  int Ask(IoOp op, uint64_t offset, uint64_t bytes, int ioerr) {
    if (faults == nullptr) return SQLITE_OK;
    const IoVerdict v = faults->Before(op, *path, offset, bytes);
    return v == IoVerdict::kProceed ? SQLITE_OK : RefusedCode(v, ioerr);
  }
};

struct CountingVfsMethods {
  static CountingVfs* Self(sqlite3_vfs* vfs) { return static_cast<CountingVfs*>(vfs->pAppData); }
  static sqlite3_vfs* Parent(sqlite3_vfs* vfs) { return Self(vfs)->parent_; }
  static CountingFile* File(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f); }
  static sqlite3_file* Real(sqlite3_file* f) { return File(f)->real; }
  static const sqlite3_io_methods* RealMethods(sqlite3_file* f) { return Real(f)->pMethods; }

  // ---- sqlite3_io_methods ----
  static int Close(sqlite3_file* f) {
    const int rc = RealMethods(f)->xClose(Real(f));
    delete File(f)->path;
    File(f)->path = nullptr;
    return rc;
  }
  static int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    CountingFile* file = File(f);
    const int refused = file->Ask(IoOp::kRead, static_cast<uint64_t>(off), static_cast<uint64_t>(n),
                                  SQLITE_IOERR_READ);
    if (refused != SQLITE_OK) return refused;
    file->counters->AddRead(static_cast<uint64_t>(n));
    return RealMethods(f)->xRead(Real(f), buf, n, off);
  }
  static int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    CountingFile* file = File(f);
    const int refused = file->Ask(IoOp::kWrite, static_cast<uint64_t>(off),
                                  static_cast<uint64_t>(n), SQLITE_IOERR_WRITE);
    if (refused != SQLITE_OK) return refused;
    file->counters->AddWrite(static_cast<uint64_t>(n));
    return RealMethods(f)->xWrite(Real(f), buf, n, off);
  }
  // To the fault plan a truncation is a write over the region it cuts off.
  static int Truncate(sqlite3_file* f, sqlite3_int64 size) {
    CountingFile* file = File(f);
    if (file->faults != nullptr) {
      sqlite3_int64 old_size = 0;
      const int rc = RealMethods(f)->xFileSize(Real(f), &old_size);
      if (rc != SQLITE_OK) return rc;
      const uint64_t cut = old_size > size ? static_cast<uint64_t>(old_size - size) : 0;
      const int refused =
          file->Ask(IoOp::kWrite, static_cast<uint64_t>(size), cut, SQLITE_IOERR_TRUNCATE);
      if (refused != SQLITE_OK) return refused;
    }
    return RealMethods(f)->xTruncate(Real(f), size);
  }
  static int Sync(sqlite3_file* f, int flags) {
    CountingFile* file = File(f);
    const int refused = file->Ask(IoOp::kSync, 0, 0, SQLITE_IOERR_FSYNC);
    if (refused != SQLITE_OK) return refused;
    file->counters->AddSync();
    const int rc = RealMethods(f)->xSync(Real(f), flags);
    if (rc == SQLITE_OK && file->faults != nullptr) {
      file->faults->Synced(*file->path);
      file->faults->DirSynced(ParentDir(*file->path));
    }
    return rc;
  }
  static int FileSize(sqlite3_file* f, sqlite3_int64* size) {
    return RealMethods(f)->xFileSize(Real(f), size);
  }
  static int Lock(sqlite3_file* f, int level) { return RealMethods(f)->xLock(Real(f), level); }
  static int Unlock(sqlite3_file* f, int level) { return RealMethods(f)->xUnlock(Real(f), level); }
  static int CheckReservedLock(sqlite3_file* f, int* out) {
    return RealMethods(f)->xCheckReservedLock(Real(f), out);
  }
  static int FileControl(sqlite3_file* f, int op, void* arg) {
    return RealMethods(f)->xFileControl(Real(f), op, arg);
  }
  static int SectorSize(sqlite3_file* f) { return RealMethods(f)->xSectorSize(Real(f)); }
  static int DeviceCharacteristics(sqlite3_file* f) {
    return RealMethods(f)->xDeviceCharacteristics(Real(f));
  }
  static int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** pp) {
    if (RealMethods(f)->iVersion < 2 || RealMethods(f)->xShmMap == nullptr) return SQLITE_IOERR;
    return RealMethods(f)->xShmMap(Real(f), region, size, extend, pp);
  }
  static int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return RealMethods(f)->xShmLock(Real(f), offset, n, flags);
  }
  static void ShmBarrier(sqlite3_file* f) { RealMethods(f)->xShmBarrier(Real(f)); }
  static int ShmUnmap(sqlite3_file* f, int delete_flag) {
    return RealMethods(f)->xShmUnmap(Real(f), delete_flag);
  }
  // Memory-mapped reads would bypass the read counter; the engine leaves
  // mmap_size at 0, and declining here keeps it that way.
  static int Fetch(sqlite3_file*, sqlite3_int64, int, void** pp) {
    *pp = nullptr;
    return SQLITE_OK;
  }
  static int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    if (RealMethods(f)->iVersion < 3 || RealMethods(f)->xUnfetch == nullptr) return SQLITE_OK;
    return RealMethods(f)->xUnfetch(Real(f), off, p);
  }

  static constexpr sqlite3_io_methods kIoMethods = {3,
                                                    Close,
                                                    Read,
                                                    Write,
                                                    Truncate,
                                                    Sync,
                                                    FileSize,
                                                    Lock,
                                                    Unlock,
                                                    CheckReservedLock,
                                                    FileControl,
                                                    SectorSize,
                                                    DeviceCharacteristics,
                                                    ShmMap,
                                                    ShmLock,
                                                    ShmBarrier,
                                                    ShmUnmap,
                                                    Fetch,
                                                    Unfetch};

  // ---- sqlite3_vfs ----
  static int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags,
                  int* out_flags) {
    CountingFile* file = File(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    file->counters = &Self(vfs)->counters_;
    // Temp files (no name) are neither faulted nor tracked.
    file->faults = name != nullptr ? Self(vfs)->faults_ : nullptr;
    file->path = file->faults != nullptr ? new std::string(name) : nullptr;
    file->base.pMethods = nullptr;
    bool existed = true;
    if (file->faults != nullptr) {
      int refused = file->Ask(IoOp::kOpen, 0, 0, SQLITE_CANTOPEN);
      if (refused == SQLITE_OK && (flags & SQLITE_OPEN_CREATE) != 0) {
        int exists = 0;
        refused = Parent(vfs)->xAccess(Parent(vfs), name, SQLITE_ACCESS_EXISTS, &exists);
        existed = exists != 0;
      }
      if (refused != SQLITE_OK) {
        delete file->path;
        file->path = nullptr;
        return refused;
      }
    }
    file->counters->AddOpen();
    int rc = Parent(vfs)->xOpen(Parent(vfs), name, file->real, flags, out_flags);
    // SQLite calls xClose whenever pMethods is set, even after a failed
    // open; mirror whatever the parent left behind.
    file->base.pMethods = file->real->pMethods != nullptr ? &kIoMethods : nullptr;
    if (file->base.pMethods == nullptr) {
      delete file->path;  // no xClose will come
      file->path = nullptr;
    }
    if (rc == SQLITE_OK && !existed) file->faults->Created(*file->path);
    return rc;
  }
  static int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    IoFaultInjector* faults = Self(vfs)->faults_;
    if (faults != nullptr) {
      const IoVerdict v = faults->Before(IoOp::kDelete, name, 0, 0);
      if (v != IoVerdict::kProceed) return RefusedCode(v, SQLITE_IOERR_DELETE);
    }
    Self(vfs)->counters_.AddDelete();
    const int rc = Parent(vfs)->xDelete(Parent(vfs), name, sync_dir);
    if (rc == SQLITE_OK && faults != nullptr) faults->Deleted(name);
    return rc;
  }
  static int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    return Parent(vfs)->xAccess(Parent(vfs), name, flags, out);
  }
  static int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
    return Parent(vfs)->xFullPathname(Parent(vfs), name, n, out);
  }
  static void* DlOpen(sqlite3_vfs* vfs, const char* name) {
    return Parent(vfs)->xDlOpen(Parent(vfs), name);
  }
  static void DlError(sqlite3_vfs* vfs, int n, char* msg) {
    Parent(vfs)->xDlError(Parent(vfs), n, msg);
  }
  static void (*DlSym(sqlite3_vfs* vfs, void* h, const char* sym))(void) {
    return Parent(vfs)->xDlSym(Parent(vfs), h, sym);
  }
  static void DlClose(sqlite3_vfs* vfs, void* h) { Parent(vfs)->xDlClose(Parent(vfs), h); }
  static int Randomness(sqlite3_vfs* vfs, int n, char* out) {
    return Parent(vfs)->xRandomness(Parent(vfs), n, out);
  }
  static int Sleep(sqlite3_vfs* vfs, int micros) {
    return Parent(vfs)->xSleep(Parent(vfs), micros);
  }
  static int CurrentTime(sqlite3_vfs* vfs, double* out) {
    return Parent(vfs)->xCurrentTime(Parent(vfs), out);
  }
  static int GetLastError(sqlite3_vfs* vfs, int n, char* out) {
    return Parent(vfs)->xGetLastError != nullptr ? Parent(vfs)->xGetLastError(Parent(vfs), n, out)
                                                 : 0;
  }
  static int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    if (Parent(vfs)->iVersion >= 2 && Parent(vfs)->xCurrentTimeInt64 != nullptr) {
      return Parent(vfs)->xCurrentTimeInt64(Parent(vfs), out);
    }
    double now = 0;
    int rc = Parent(vfs)->xCurrentTime(Parent(vfs), &now);
    *out = static_cast<sqlite3_int64>(now * 86400000.0);
    return rc;
  }
};

StatusOr<std::unique_ptr<CountingVfs>> CountingVfs::Create(IoFaultInjector* faults) {
  static std::atomic<uint64_t> next_id{0};
  sqlite3_vfs* parent = sqlite3_vfs_find(nullptr);
  if (parent == nullptr) return Status::IOError("sqlite: no default VFS");
  std::unique_ptr<CountingVfs> v(new CountingVfs());
  v->parent_ = parent;
  v->faults_ = faults;
  v->name_ = "listbench-counting-" + std::to_string(next_id.fetch_add(1));
  using M = CountingVfsMethods;
  sqlite3_vfs& s = v->vfs_;
  // Version 2: the version-3 system-call hooks are not passed through.
  s.iVersion = 2;
  s.szOsFile = static_cast<int>(sizeof(CountingFile)) + parent->szOsFile;
  s.mxPathname = parent->mxPathname;
  s.zName = v->name_.c_str();
  s.pAppData = v.get();
  s.xOpen = M::Open;
  s.xDelete = M::Delete;
  s.xAccess = M::Access;
  s.xFullPathname = M::FullPathname;
  s.xDlOpen = M::DlOpen;
  s.xDlError = M::DlError;
  s.xDlSym = M::DlSym;
  s.xDlClose = M::DlClose;
  s.xRandomness = M::Randomness;
  s.xSleep = M::Sleep;
  s.xCurrentTime = M::CurrentTime;
  s.xGetLastError = M::GetLastError;
  s.xCurrentTimeInt64 = M::CurrentTimeInt64;
  int rc = sqlite3_vfs_register(&s, /*makeDflt=*/0);
  if (rc != SQLITE_OK) {
    return Status::IOError(std::string("sqlite: cannot register VFS: ") + sqlite3_errstr(rc));
  }
  v->registered_ = true;
  return v;
}

CountingVfs::~CountingVfs() {
  if (registered_) sqlite3_vfs_unregister(&vfs_);
}

}  // namespace listbench
