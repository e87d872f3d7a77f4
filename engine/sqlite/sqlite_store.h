// The normalized legacy baseline: seven SQLite tables with enforced foreign
// keys, the secondary indexes a competent team would add, WAL journaling and
// reused prepared statements. Each access pattern is the SQL (with JOINs) a
// normalized application runs. All file I/O goes through one VFS shim
// (engine/sqlite/counting_vfs.h) that counts it.
//
// Thread safety: as Store -- safe for concurrent use. Each request runs on
// its own connection from a pool over the one WAL database: a read of
// several statements answers from one snapshot (a deferred read
// transaction), writes are serialized by SQLite's write lock (BEGIN
// IMMEDIATE), waited for at most StoreOptions::busy_timeout_ms (then
// IOError, nothing changed) and charged to Tally::lock_wait_ns. The page
// cache budget (StoreOptions::cache_bytes) is shared by all connections.
// WAL checkpoints run on a thread of the store's own, never inside a
// request (engine/sqlite/checkpointer.h). Details in sqlite_store_impl.h.
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"

namespace listbench {

// Name of the database file inside a SQLite store directory.
inline constexpr const char* kSqliteFileName = "listbench.sqlite";

// How the store checkpoints its WAL and reads its file
// (engine/sqlite/checkpointer.h; engine/sqlite/README.md says why), for the
// record of a run.
struct SqliteWalSettings {
  // PRAGMA wal_autocheckpoint on every request connection: 0, never in a
  // request.
  int wal_autocheckpoint = 0;
  // A commit that leaves the WAL at this many frames (pages) or more, and
  // this many more than when the last checkpoint began, wakes the
  // checkpointer for a PASSIVE checkpoint: SQLite's own default
  // autocheckpoint threshold and cadence, moved off the request path.
  int checkpoint_frames = 1000;
  // At this many frames or more, a RESTART checkpoint after the passive one:
  // it waits for the writer lock and for the readers up to `restart_wait_ms`
  // (writers queue meanwhile), copies the tail, and the next writer starts
  // the WAL again from its beginning.
  int restart_frames = 10000;
  int restart_wait_ms = 100;
  // PRAGMA mmap_size: memory-mapped reads stay off.
  int64_t mmap_size = 0;
};
inline constexpr SqliteWalSettings kSqliteWalSettings{};

// Opens (or, with create_if_missing, creates) the store in directory `dir`,
// which must exist. The database file is dir/kSqliteFileName.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir,
                                                 const StoreOptions& options);

// Copies the closed store in `src_dir` into `dst_dir`, which must not exist
// (it is created).
// REQUIRES: no Store is open on src_dir.
Status CloneSqliteStore(const std::string& src_dir, const std::string& dst_dir);

// SQLite's full check of the closed store in `dir`: PRAGMA integrity_check
// over every page (a WAL left behind is recovered first, as by any open).
// Corruption names the file and the first problems found. REQUIRES: no
// Store is open on `dir`.
Status VerifySqliteStoreFiles(const std::string& dir);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_H_
