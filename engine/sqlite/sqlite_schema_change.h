// The SQLite methods of engine/schema_change.h (kSqliteBlocking,
// kSqliteBatched, kSqliteLazy), run on their own connection to a store's database file
// through their own counting VFS (so the store's io_stats() stay its own).
//
// Thread safety: as SchemaChange (one user at a time, which may be another
// thread than the store's).
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_SCHEMA_CHANGE_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_SCHEMA_CHANGE_H_

#include <memory>
#include <string>

#include "core/status.h"
#include "engine/schema_change.h"

namespace listbench {

// Opens a connection to the database of the SQLite store in `dir` (which
// need not be open elsewhere) and prepares `method`. NotSupported for a
// method of another engine; NotFound if `dir` holds no SQLite store.
StatusOr<std::unique_ptr<SchemaChange>> NewSqliteSchemaChange(const std::string& dir,
                                                              SchemaChangeMethod method,
                                                              const SchemaChangeOptions& options);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_SCHEMA_CHANGE_H_
