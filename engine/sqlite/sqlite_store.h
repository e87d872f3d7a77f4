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
// Details in sqlite_store_impl.h.
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "core/status.h"
#include "core/store.h"
#include "core/store_options.h"

namespace listbench {

// Name of the database file inside a SQLite store directory.
inline constexpr const char* kSqliteFileName = "listbench.sqlite";

// Opens (or, with create_if_missing, creates) the store in directory `dir`,
// which must exist. The database file is dir/kSqliteFileName.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir,
                                                 const StoreOptions& options);

// Copies the closed store in `src_dir` into `dst_dir`, which must not exist
// (it is created).
// REQUIRES: no Store is open on src_dir.
Status CloneSqliteStore(const std::string& src_dir, const std::string& dst_dir);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_STORE_H_
