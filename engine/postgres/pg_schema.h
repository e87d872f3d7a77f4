// The normalized design's schema on PostgreSQL: the seven tables of the
// SQLite store (engine/sqlite/schema.cc) with 64-bit integer columns, the
// same two index profiles over the same columns, and the foreign keys, which
// a bulk load adds after its rows (one validating pass each instead of a
// check per row). A table `listbench_store` marks the database as ours and
// records the store format and the index profile.
#ifndef LISTBENCH_ENGINE_POSTGRES_PG_SCHEMA_H_
#define LISTBENCH_ENGINE_POSTGRES_PG_SCHEMA_H_

#include <optional>
#include <string>

#include "core/status.h"
#include "core/store_options.h"
#include "engine/postgres/pg_statement.h"

namespace listbench {

// The version of the tables below; a store of another is refused.
inline constexpr int kPgSchemaVersion = 1;

// Creates the tables (without foreign keys) and the marks table recording
// `schema`, in one transaction.
Status CreatePgTables(PgConnection* c, SqliteSchema schema);
// The foreign keys of the normalized design, validated over the rows held.
Status AddPgForeignKeys(PgConnection* c);
// The secondary indexes of `schema` (engine/sqlite/schema.cc says why each).
Status CreatePgIndexes(PgConnection* c, SqliteSchema schema);
// Both profiles' indexes and the foreign keys, so that a bulk load starts
// from bare tables.
Status DropPgIndexesAndKeys(PgConnection* c);
// NotSupported naming `where` unless the database is a listbench store of
// kPgSchemaVersion; then the index profile it holds.
StatusOr<SqliteSchema> CheckPgStore(PgConnection* c, const std::string& where);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_POSTGRES_PG_SCHEMA_H_
