// The SQLite side of log shipping (engine/change_log.h): a primary whose
// committed write transactions are captured as session-extension changesets
// (sqlite3session_*), and a replica that applies them with
// sqlite3changeset_apply_v2.
//
// Primary: the normal SQLite store (OpenSqliteStore) with a session on every
// pool connection, attached to all tables. A write transaction's changeset
// is taken just before its COMMIT and appended to the log only when the
// COMMIT succeeds; a transaction that changed nothing (a Conflict or
// NotFound outcome) is not logged. Records are appended in commit order:
// a store-level mutex is taken just before a logged COMMIT and released
// after the append, while the database's write lock, held since BEGIN
// IMMEDIATE, keeps every other writer from committing in between. Every
// request write (W1-W5) and the entity access writes (PutEntity,
// PutEntities) are logged; Clear is refused (NotSupported) and so is bulk
// loading (the loader's every call fails), as is anything else a logged
// store cannot capture. A schema change (engine/schema_change.h) runs on its
// own connection and is not shipped. The log keeps every record since the
// store was opened, in memory: ReadSince never finds records gone.
//
// Replica: a raw connection to the copy's database file (SQLite's default
// VFS: no I/O counting, no fault injection), WAL mode, synchronous=FULL and
// foreign keys on; each record is applied in one transaction, and any
// conflict aborts it (Corruption naming the sequence: the copy is not the
// primary's). The store's other files (manifest, format marks) are left
// alone, so the directory opens as a normal store once the applier is gone.
//
// Thread safety: as engine/change_log.h.
#ifndef LISTBENCH_ENGINE_SQLITE_SQLITE_CHANGE_LOG_H_
#define LISTBENCH_ENGINE_SQLITE_SQLITE_CHANGE_LOG_H_

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "core/store_options.h"
#include "engine/change_log.h"

namespace listbench {

// Opens the SQLite store in `dir` (as OpenSqliteStore) with its commits
// logged; sequences count the transactions committed since, from 1.
StatusOr<std::unique_ptr<LoggedStore>> OpenSqliteLoggedStore(const std::string& dir,
                                                             const StoreOptions& options);

// Opens the replica's copy of the store in `dir` for applying a primary's
// records after `start_after`. NotFound when `dir` holds no SQLite store.
// Uses options.busy_timeout_ms and options.sqlite_schema (the copy must
// hold that index profile).
StatusOr<std::unique_ptr<LogApplier>> OpenSqliteLogApplier(const std::string& dir,
                                                           const StoreOptions& options,
                                                           uint64_t start_after);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SQLITE_SQLITE_CHANGE_LOG_H_
