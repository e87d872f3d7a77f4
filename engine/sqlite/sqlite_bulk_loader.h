// The SQLite engine's bulk path: prepared INSERTs in large transactions with
// synchronous=OFF and foreign-key enforcement off (the input is trusted, see
// BulkLoader), secondary indexes dropped before loading and built in
// Finish(), which then restores the store's settings, runs ANALYZE and
// checkpoints the WAL so the store is durable and compact.
//
// Thread safety: as BulkLoader (single user).
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_BULK_LOADER_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_BULK_LOADER_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "core/io_stats.h"
#include "core/store.h"
#include "core/store_options.h"

namespace listbench {

// REQUIRES: `db` holds an empty store and outlives the loader; `stats`
// outlives the loader. `restore_pragmas` is run when loading ends (it
// restores synchronous and foreign_keys). Finish builds the secondary
// indexes of `schema`. A setup failure is reported by
// every call of the returned loader.
std::unique_ptr<BulkLoader> NewSqliteBulkLoader(sqlite3* db, WorkCounters* stats,
                                                std::string restore_pragmas, SqliteSchema schema);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_BULK_LOADER_H_
