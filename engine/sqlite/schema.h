// The SQLite schema of the normalized model: seven tables with enforced
// foreign keys, their secondary indexes in one of two profiles
// (SqliteSchema, core/store_options.h: legacy or tuned), and the file-format marks
// (application_id, user_version) that say a database file is a listbench
// store of this schema version.
//
// Enums are stored as their small integer values (model.h).
//
// Thread safety: functions take the connection; callers serialize.
#ifndef LISTBENCH_ENGINE_SQLITE_SCHEMA_H_
#define LISTBENCH_ENGINE_SQLITE_SCHEMA_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "core/store_options.h"

namespace listbench {

// PRAGMA application_id of every listbench SQLite store ("LBst").
inline constexpr int32_t kSqliteApplicationId = 0x4c427374;
// PRAGMA user_version: the schema version this build reads and writes.
inline constexpr int32_t kSqliteSchemaVersion = 1;

// Runs one or more statements that return no rows of interest.
Status ExecSql(sqlite3* db, const char* sql);

// Reads an integer-valued PRAGMA (e.g. "user_version").
StatusOr<int64_t> ReadIntPragma(sqlite3* db, const char* pragma);

// Creates the tables, the secondary indexes of `schema` and the format marks.
// REQUIRES: an empty database, inside a transaction.
Status CreateSchema(sqlite3* db, SqliteSchema schema);

// The secondary indexes are dropped before a bulk load (both profiles') and
// built after it (those of `schema`).
Status DropSecondaryIndexes(sqlite3* db);
Status CreateSecondaryIndexes(sqlite3* db, SqliteSchema schema);

// The index profile the database holds, from the index that marks each;
// nullopt when it holds neither (a bulk load dropped them) or, never made
// by listbench, both.
StatusOr<std::optional<SqliteSchema>> ReadSchemaProfile(sqlite3* db);

// Checks the 100-byte header of database file `path` without SQLite: the
// SQLite magic, application_id and user_version. NotSupported (naming the
// file and the found/expected value) on a mismatch; IOError if unreadable.
// REQUIRES: the file holds at least 100 bytes.
Status CheckFileHeader(const std::string& path);

// OK if the database holds the format marks of this build; NotSupported
// naming `path` and the found/expected values otherwise. Only reads.
Status CheckFormat(sqlite3* db, const std::string& path);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SCHEMA_H_
