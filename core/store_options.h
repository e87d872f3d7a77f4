// Settings shared by the engines. Each engine documents how it maps them.
#ifndef LISTBENCH_CORE_STORE_OPTIONS_H_
#define LISTBENCH_CORE_STORE_OPTIONS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/io_fault.h"

namespace listbench {

// The secondary indexes of the normalized (SQLite) design; the tables are the
// same in both. kLegacy: one narrow index per foreign key and a search index
// without the searched columns, as a schema moved from MySQL typically has,
// so R2, R3, R4 and R5 fetch a table row per candidate. kTuned: what an
// expert ships without denormalizing: covering indexes for R2-R5 (each
// query's filter, order and selected columns in one index), found with
// EXPLAIN QUERY PLAN (engine/sqlite/README.md).
enum class SqliteSchema { kLegacy, kTuned };

inline std::string_view SqliteSchemaName(SqliteSchema s) {
  return s == SqliteSchema::kLegacy ? "legacy" : "tuned";
}
// Parses "legacy" or "tuned".
inline std::optional<SqliteSchema> ParseSqliteSchema(std::string_view name) {
  if (name == "legacy") return SqliteSchema::kLegacy;
  if (name == "tuned") return SqliteSchema::kTuned;
  return std::nullopt;
}

struct StoreOptions {
  // Durable configuration: an acknowledged write survives power loss.
  // RocksDB: WAL on and every write batch synced. SQLite: synchronous=FULL.
  // Default (relaxed): RocksDB WAL on without sync; SQLite synchronous=NORMAL
  // in WAL mode.
  bool durable = false;
  // RocksDB only: write the WAL at all. Ignored (forced on) when durable.
  bool rocksdb_wal = true;
  // RocksDB block cache / SQLite page cache, in bytes.
  size_t cache_bytes = size_t{64} << 20;
  // Create an empty store when the directory holds none.
  bool create_if_missing = true;
  // How long a request waits for a lock another request holds before it
  // fails with IOError having changed nothing; 0 = fail at once. SQLite: the
  // database's one write lock (in WAL mode: another request's write
  // transaction, or a schema change's, engine/schema_change.h). RocksDB with
  // pessimistic transactions: one key lock (the engine retries the request a
  // bounded number of times before it returns IOError).
  int busy_timeout_ms = 5000;
  // The normalized design's index profile (SQLite and PostgreSQL): the one a
  // new store is created with, and the one an existing store must hold
  // (opening a store of the other profile is NotSupported). Ignored by
  // RocksDB.
  SqliteSchema sqlite_schema = SqliteSchema::kTuned;
  // Fault injection (sim/fault_plan.h): when set, the engine's one I/O seam
  // consults it on every file call and reports what reached the disk. Not
  // owned; must outlive the store. nullptr = no faults (the normal case).
  IoFaultInjector* faults = nullptr;
  // PostgreSQL only: a server listbench did not start (a libpq URI or
  // key=value parameters) to hold a new store, as a database of its own
  // (engine/postgres/pg_external.h). Empty: a cluster of the store's own,
  // started and stopped by listbench. A store that exists says where it is.
  std::string pg_url;
};

}  // namespace listbench

#endif  // LISTBENCH_CORE_STORE_OPTIONS_H_
